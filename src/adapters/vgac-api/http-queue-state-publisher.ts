/**
 * Pushes the agent's queue state to the deployed vgac API: `PUT {baseUrl}/api/clusters/{id}/queue-state`
 * (queue-state-wire.ts) through a {@link VgacApiSender}, usually the one the events go through.
 * Answers translated: 401/403 → AuthError, 404 naming the cluster → UnknownClusterError, another
 * 4xx → InvalidInputError with the API's reason (this state is dropped; the next one is sent at
 * the next push).
 */
import { bodyOfPushedQueueState } from '../../app/collection/queue-state-wire.ts';
import type { QueueStatePublisher } from '../../app/ports/queue-state-publisher.ts';
import type { PushedQueueState } from '../../app/records/pushed-queue-state.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { answerMessage, errorOfAnswer, type VgacApiSender } from './vgac-api-sender.ts';

export class HttpQueueStatePublisher implements QueueStatePublisher {
  readonly #sender: VgacApiSender;

  constructor(options: { readonly sender: VgacApiSender }) {
    this.#sender = options.sender;
  }

  async publishState(state: PushedQueueState): Promise<void> {
    const answer = await this.#sender.send(
      'PUT',
      `/api/clusters/${encodeURIComponent(state.clusterId)}/queue-state`,
      bodyOfPushedQueueState(state),
    );
    if (answer.status === 200) return;
    const error = errorOfAnswer(this.#sender, answer, state.clusterId, 'queue-state');
    if (error !== undefined) throw error;
    throw new InvalidInputError(`the API refused the queue state: ${answerMessage(answer)}`.slice(0, 500));
  }
}

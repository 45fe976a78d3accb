/**
 * Pushes queue transitions to the deployed vgac API: `POST {baseUrl}/api/clusters/{id}/events`
 * through a {@link VgacApiSender} (the API key, timeouts, retries with back-off, the circuit
 * breaker). Answers translated: 401/403 → AuthError, 404 naming the cluster →
 * UnknownClusterError, other 4xx → `rejected`.
 */
import * as z from 'zod';
import { SourceUnavailableError } from '../../app/errors.ts';
import { queueEventsBody } from '../../app/collection/queue-event-wire.ts';
import type { PublishResult, QueueEventPublisher } from '../../app/ports/queue-event-publisher.ts';
import type { QueueEvent } from '../../app/records/queue-event.ts';
import {
  answerMessage,
  errorOfAnswer,
  parseJson,
  VgacApiSender,
  type VgacApiSenderOptions,
} from './vgac-api-sender.ts';

export {
  API_KEY_HEADER,
  DEFAULT_PUSH_ATTEMPTS,
  DEFAULT_PUSH_BREAK_AFTER,
  DEFAULT_PUSH_FIRST_PAUSE_MS,
  DEFAULT_PUSH_MAX_PAUSE_MS,
  DEFAULT_PUSH_TIMEOUT_MS,
} from './vgac-api-sender.ts';

const AckBody = z.looseObject({ acknowledged: z.array(z.looseObject({ id: z.string() })) });

/** The sender's options, or a sender shared with the queue-state publisher (one breaker for both). */
export type HttpQueueEventPublisherOptions = VgacApiSenderOptions | { readonly sender: VgacApiSender };

export class HttpQueueEventPublisher implements QueueEventPublisher {
  readonly #sender: VgacApiSender;

  constructor(options: HttpQueueEventPublisherOptions) {
    this.#sender = 'sender' in options ? options.sender : new VgacApiSender(options);
  }

  async publish(clusterId: string, events: readonly QueueEvent[]): Promise<PublishResult> {
    const answer = await this.#sender.send(
      'POST',
      `/api/clusters/${encodeURIComponent(clusterId)}/events`,
      queueEventsBody(events),
    );
    if (answer.status === 200) {
      const parsed = AckBody.safeParse(parseJson(answer.text));
      if (!parsed.success)
        throw new SourceUnavailableError(
          `the API at ${this.#sender.origin()} answered the events with something that is not an acknowledgement`,
        );
      return { status: 'acknowledged', acknowledgedIds: parsed.data.acknowledged.map((entry) => entry.id) };
    }
    const error = errorOfAnswer(this.#sender, answer, clusterId, 'events');
    if (error !== undefined) throw error;
    return { status: 'rejected', reason: `HTTP ${answer.status} ${answerMessage(answer)}`.slice(0, 500) };
  }
}

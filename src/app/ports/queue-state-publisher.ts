import type { PushedQueueState } from '../records/pushed-queue-state.ts';

/**
 * Delivers the agent's queue state to the deployed API (`PUT /api/clusters/{id}/queue-state`).
 * Throws SourceUnavailableError when the API cannot be reached or failed, AuthError when it
 * refused the API key, UnknownClusterError for a cluster it does not know, InvalidInputError when
 * it refused the state as malformed: the next state is sent at the next push.
 */
export interface QueueStatePublisher {
  publishState(state: PushedQueueState): Promise<void>;
}

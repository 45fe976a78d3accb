import type { QueueEvent } from '../records/queue-event.ts';

export type PublishResult =
  /** The API applied the batch: every id listed is acknowledged. */
  | { readonly status: 'acknowledged'; readonly acknowledgedIds: readonly string[] }
  /** The API refused the batch as malformed (a 4xx naming the bad field): sending it again cannot help. */
  | { readonly status: 'rejected'; readonly reason: string };

/**
 * Delivers a batch of queue transitions to the deployed API (`POST /api/clusters/{id}/events`).
 * Throws SourceUnavailableError when the API cannot be reached or failed (network, timeout, 5xx,
 * 429), AuthError when it refused the API key, UnknownClusterError for a cluster it does not know:
 * the batch stays pending and is sent again later.
 */
export interface QueueEventPublisher {
  publish(clusterId: string, events: readonly QueueEvent[]): Promise<PublishResult>;
}

import type { QueueEvent } from '../records/queue-event.ts';

/**
 * Where `vgac agent` keeps the queue transitions it has not yet delivered: durable before the
 * agent pushes them, and forgotten only once the API acknowledged them, so nothing is lost while
 * the API or the network is down, and a restart replays what was pending.
 */
export interface EventSpool {
  /** Durably appends `events` (in order); one already pending (the same id) is not added twice. Throws InfrastructureError when the disk fails. */
  append(events: readonly QueueEvent[]): Promise<void>;
  /** The oldest `limit` pending events, oldest first. */
  pending(limit: number): readonly QueueEvent[];
  /** How many events are pending. */
  size(): number;
  /** Forgets the events with these ids (the API acknowledged them); unknown ids are ignored. */
  acknowledge(ids: readonly string[]): Promise<void>;
  /** Sets `events` aside for an operator (the API refused them as malformed) and forgets them. */
  quarantine(events: readonly QueueEvent[], reason: string): Promise<void>;
}

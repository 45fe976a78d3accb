/**
 * The wire form of `POST /api/clusters/{id}/events` (snake_case, like the rest of the API):
 * `{ "events": [ { "id", "type", "job_id", "at_ms", "observed_at_ms", "submitted_at_ms"?, "features"? } ] }`.
 * The agent writes it ({@link queueEventsBody}) and the API reads it ({@link QueueEventsBody}), so
 * both sides share one definition. Objects are strict: an unknown or misspelt field is a 400
 * naming it, and so is an id that is not the one derived from (job_id, type, at_ms).
 * Schemas are built on first use (`z.lazy`): building zod schemas costs CPU, and a Lambda cold start
 * should pay only for those its first request reads.
 */
import * as z from 'zod';
import { queueEventId, type QueueEvent } from '../records/queue-event.ts';

/** Most events in one request (a backlog is sent in several). */
export const MAX_QUEUE_EVENTS = 100;
/** Most features one submit may carry. */
export const MAX_EVENT_FEATURES = 64;

const JOB_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const JobId = z
  .string()
  .regex(JOB_ID_PATTERN, 'a job id of 1–128 letters, digits, . _ : - (starting with a letter or digit)');
/** Epoch milliseconds, from 1970 to the year 2286. */
const EpochMs = z.number().int().min(0).max(9_999_999_999_999);
const EventId = z.string().min(1).max(200);
const FeatureName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'a feature name (a letter, then letters, digits or _)');

const SubmitEvent = z.lazy(() =>
  z.strictObject({
    id: EventId,
    type: z.literal('submit'),
    job_id: JobId,
    at_ms: EpochMs,
    observed_at_ms: EpochMs,
    features: z
      .record(FeatureName, z.number().finite())
      .refine(
        (features) => Object.keys(features).length <= MAX_EVENT_FEATURES,
        `at most ${MAX_EVENT_FEATURES} features`,
      ),
  }),
);

const EndEvent = (type: 'start' | 'leave') =>
  z.strictObject({
    id: EventId,
    type: z.literal(type),
    job_id: JobId,
    at_ms: EpochMs,
    observed_at_ms: EpochMs,
    submitted_at_ms: EpochMs,
  });

/** One event on the wire (and one line of the agent's spool). */
export const WireEvent = z.lazy(() =>
  z.discriminatedUnion('type', [SubmitEvent, EndEvent('start'), EndEvent('leave')]).superRefine((event, context) => {
    const expected = queueEventId(event.job_id, event.type, event.at_ms);
    if (event.id !== expected)
      context.addIssue({ code: 'custom', path: ['id'], message: `must be '${expected}' (job_id:type:at_ms)` });
  }),
);
export type WireEvent = z.infer<typeof WireEvent>;

export const QueueEventsBody = z.lazy(() =>
  z.strictObject({
    events: z.array(WireEvent).min(1).max(MAX_QUEUE_EVENTS),
  }),
);

/** The use case's event from a validated wire event. */
export function queueEventOf(event: WireEvent): QueueEvent {
  const base = { id: event.id, jobId: event.job_id, atMs: event.at_ms, observedAtMs: event.observed_at_ms };
  if (event.type === 'submit') return { ...base, kind: 'submit', features: event.features };
  return { ...base, kind: event.type, submittedAtMs: event.submitted_at_ms };
}

/** The wire form of an event. */
export function wireEventOf(event: QueueEvent): WireEvent {
  const base = { id: event.id, job_id: event.jobId, at_ms: event.atMs, observed_at_ms: event.observedAtMs };
  if (event.kind === 'submit') return { ...base, type: 'submit', features: { ...event.features } };
  return { ...base, type: event.kind, submitted_at_ms: event.submittedAtMs };
}

/** The use case's events from a validated body. */
export function queueEventsOf(body: z.infer<typeof QueueEventsBody>): QueueEvent[] {
  return body.events.map(queueEventOf);
}

/** The request body for `events`. */
export function queueEventsBody(events: readonly QueueEvent[]): { readonly events: WireEvent[] } {
  return { events: events.map(wireEventOf) };
}

/** A person's request to be told when a job starts (and once if its forecast moves materially). */
export interface JobSubscription {
  readonly clusterId: string;
  readonly jobId: string;
  /** The Slack user id the direct messages go to (`U…`/`W…`). */
  readonly userId: string;
  readonly createdAtMs: number;
  /** After this instant the subscription is gone (the table's TTL deletes it; reads skip it before). */
  readonly expiresAtMs: number;
  /** The wait estimate (seconds from the subscription) they were told; null when there was none. */
  readonly baselineWaitSeconds: number | null;
  /** When the "started" message was claimed (sent once); null before. */
  readonly startedNoticeAtMs: number | null;
  /** When the one "forecast moved" message was claimed; null before. */
  readonly movedNoticeAtMs: number | null;
}

/** The two messages a subscription sends at most once each. */
export const JobNotice = { started: 'started', moved: 'moved' } as const;
export type JobNotice = (typeof JobNotice)[keyof typeof JobNotice];

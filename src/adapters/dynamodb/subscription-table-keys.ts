/**
 * Keys of job subscriptions in the single table (alongside `cluster-table-keys.ts`):
 *
 * | item         | PK                    | SK                                 | extra                         |
 * | ------------ | --------------------- | ---------------------------------- | ----------------------------- |
 * | subscription | `CLUSTER#{clusterId}` | `SUBSCRIPTION#{jobId}#{userId}`    | `expiresAt` (TTL, epoch s)    |
 *
 * In the cluster's partition, so the collector lists a cluster's subscriptions with one Query on
 * the `SUBSCRIPTION#` prefix (reading nothing else of the partition); keyed by job then user, so
 * one (job, user) is one item — a repeated subscribe is a conditional write that finds it.
 */
import { InvalidInputError } from '../../core/errors.ts';
import { assertSafeId } from './cluster-table-keys.ts';

export const SUBSCRIPTION_PREFIX = 'SUBSCRIPTION#';

/** Subscriber ids (Slack user ids, `U…`/`W…`): letters, digits and `._:-`, never `#`. */
export const SUBSCRIBER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** `SUBSCRIPTION#{jobId}#{userId}`; InvalidInputError naming the bad id. */
export function subscriptionSortKey(jobId: string, userId: string): string {
  assertSafeId('job', jobId);
  if (!SUBSCRIBER_ID_PATTERN.test(userId))
    throw new InvalidInputError(
      `invalid subscriber id '${userId.slice(0, 64)}': expected ${SUBSCRIBER_ID_PATTERN.source}`,
    );
  return `${SUBSCRIPTION_PREFIX}${jobId}#${userId}`;
}

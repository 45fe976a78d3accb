/**
 * In-memory JobSubscriptionStore FOR UNIT TESTS ONLY, with the DynamoDB adapter's observable
 * semantics (one per cluster, job and user; expired ones absent; each notice claimed once; ids
 * validated by the same key functions). Never wired into the product.
 */
import type { JobSubscriptionStore } from '../../app/ports/job-subscription-store.ts';
import { JobNotice, type JobSubscription } from '../../app/records/job-subscription.ts';
import { InvalidInputError } from '../../core/errors.ts';

/** The DynamoDB keys' id rules (cluster-table-keys.ts, subscription-table-keys.ts), restated: adapters do not import each other. */
const SAFE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

function checked(kind: string, id: string): string {
  if (!SAFE_ID_PATTERN.test(id))
    throw new InvalidInputError(`invalid ${kind} id '${id.slice(0, 64)}': expected ${SAFE_ID_PATTERN.source}`);
  return id;
}

/** Runs `work` as a promise: a synchronous throw (a bad id) becomes a rejection, as a network store's would. */
const settled = <T>(work: () => T): Promise<T> => new Promise((resolve) => resolve(work()));

const FIELD = { [JobNotice.started]: 'startedNoticeAtMs', [JobNotice.moved]: 'movedNoticeAtMs' } as const;

export class MemoryJobSubscriptionStore implements JobSubscriptionStore {
  readonly #items = new Map<string, JobSubscription>();

  #key(clusterId: string, jobId: string, userId: string): string {
    return `${checked('cluster', clusterId)}|${checked('job', jobId)}|${checked('subscriber', userId)}`;
  }

  subscribe(subscription: JobSubscription): Promise<'created' | 'exists'> {
    return settled(() => {
      const key = this.#key(subscription.clusterId, subscription.jobId, subscription.userId);
      const existing = this.#items.get(key);
      if (existing !== undefined && existing.expiresAtMs > subscription.createdAtMs) return 'exists';
      this.#items.set(key, structuredClone(subscription));
      return 'created';
    });
  }

  forCluster(clusterId: string, nowMs: number): Promise<JobSubscription[]> {
    return settled(() => {
      const prefix = `${checked('cluster', clusterId)}|`;
      const found = [...this.#items.entries()]
        .filter(([key, item]) => key.startsWith(prefix) && item.expiresAtMs > nowMs)
        .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0))
        .map(([, item]) => structuredClone(item));
      return found;
    });
  }

  claimNotice(clusterId: string, jobId: string, userId: string, notice: JobNotice, nowMs: number): Promise<boolean> {
    return settled(() => {
      const key = this.#key(clusterId, jobId, userId);
      const item = this.#items.get(key);
      if (item === undefined || item[FIELD[notice]] !== null || item.expiresAtMs <= nowMs) return false;
      this.#items.set(key, { ...item, [FIELD[notice]]: nowMs });
      return true;
    });
  }

  releaseNotice(
    clusterId: string,
    jobId: string,
    userId: string,
    notice: JobNotice,
    claimedAtMs: number,
  ): Promise<void> {
    return settled(() => {
      const key = this.#key(clusterId, jobId, userId);
      const item = this.#items.get(key);
      if (item !== undefined && item[FIELD[notice]] === claimedAtMs)
        this.#items.set(key, { ...item, [FIELD[notice]]: null });
    });
  }

  remove(clusterId: string, jobId: string, userId: string): Promise<void> {
    return settled(() => {
      this.#items.delete(this.#key(clusterId, jobId, userId));
    });
  }
}

import { describe, expect, it } from 'vitest';
import { SourceUnavailableError } from '../errors.ts';
import type { ClusterObserver } from '../ports/cluster-observer.ts';
import type { PushedQueueStateStore } from '../ports/pushed-queue-state-store.ts';
import type { PushedQueueState } from '../records/pushed-queue-state.ts';
import type { QueuedJob } from '../records/queue.ts';
import {
  MIN_STALE_AFTER_MS,
  pushedStateJobLookup,
  pushedStateObserver,
  STALE_AFTER_PUSH_INTERVALS,
} from './pushed-state-job-lookup.ts';

const T0_MS = Date.UTC(2026, 0, 1);

function job(jobId: string, overrides: Partial<QueuedJob> = {}): QueuedJob {
  return {
    jobId,
    user: 'alice',
    partition: 'gpu',
    state: 'pending',
    submitTimeMs: T0_MS,
    startTimeMs: null,
    requestedGpus: 1,
    requestedCpus: 1,
    timeLimitSeconds: 600,
    priority: 10,
    reason: 'Priority',
    endTimeMs: null,
    ...overrides,
  };
}

function storeOf(states: PushedQueueState[]): PushedQueueStateStore & { reads: number } {
  const store = {
    reads: 0,
    put: () => Promise.resolve(true),
    latest: (clusterId: string) => {
      store.reads += 1;
      return Promise.resolve(states.find((state) => state.clusterId === clusterId));
    },
  };
  return store;
}

const state: PushedQueueState = {
  clusterId: 'c1',
  observedAtMs: T0_MS,
  intervalMs: 60_000,
  totalGpus: 8,
  jobs: [
    job('1', { state: 'running', startTimeMs: T0_MS - 1_000, requestedGpus: 4, reason: null }),
    job('2', { priority: 50, reason: 'Resources' }),
    job('3', { priority: 20 }),
    job('4', { priority: 90, partition: 'debug' }),
  ],
  // Two more gpu jobs were left out of the bounded state (the lowest-priority ones).
  pendingByPartition: { gpu: 4, debug: 1 },
  omittedJobs: 2,
  partitions: [{ name: 'gpu', gpus: 8, maxTimeSeconds: null, up: true, allowAccounts: null }],
};

describe('pushedStateJobLookup', () => {
  it('job_pendingJobInAFreshState_isItsDetailsWithItsRankAmongTheWholeListingsPendingJobs', async () => {
    const store = storeOf([state]);
    const lookup = pushedStateJobLookup(store, 'c1', () => T0_MS + 30_000);

    const second = await lookup.job('2');
    const third = await lookup.job('3');
    const running = await lookup.job('1');
    const gone = await lookup.job('5');

    expect(second).toEqual({ job: state.jobs[1], account: null, priorityRank: { position: 1, pendingInPartition: 4 } });
    expect(third?.priorityRank).toEqual({ position: 2, pendingInPartition: 4 });
    expect(running).toEqual({ job: state.jobs[0], account: null, priorityRank: null });
    expect(gone).toBeUndefined();
    expect(await lookup.partitions()).toEqual(state.partitions);
    expect(store.reads).toBe(5);
  });

  it('job_noStateOrAStaleOne_isSourceUnavailableNamingWhy', async () => {
    const staleAfterMs = Math.max(MIN_STALE_AFTER_MS, STALE_AFTER_PUSH_INTERVALS * state.intervalMs);
    const fresh = pushedStateJobLookup(storeOf([state]), 'c1', () => T0_MS + staleAfterMs);
    const stale = pushedStateJobLookup(storeOf([state]), 'c1', () => T0_MS + staleAfterMs + 1_000);
    const none = pushedStateJobLookup(storeOf([state]), 'c2', () => T0_MS);

    const staleError = await stale.job('2').catch((error: unknown) => error);
    const noneError = await none.partitions().catch((error: unknown) => error);

    expect((await fresh.job('2'))?.job.jobId).toBe('2');
    expect(staleError).toBeInstanceOf(SourceUnavailableError);
    expect((staleError as Error).message).toBe(
      `the queue state pushed for 'c1' is ${staleAfterMs / 1000 + 1} s old (the agent pushes every 60 s): is \`vgac agent --push\` running?`,
    );
    expect(noneError).toBeInstanceOf(SourceUnavailableError);
    expect((noneError as Error).message).toContain("no queue state was pushed for 'c2'");
  });
});

describe('pushedStateObserver', () => {
  it('observe_freshState_isItsListing_elseTheFallback', async () => {
    const fallback: ClusterObserver = {
      observe: (clusterId) =>
        Promise.resolve({ clusterId, observedAtMs: 1, jobs: [], totalGpus: 0, gpusInUse: 0, features: { from: 1 } }),
    };
    const observer = pushedStateObserver(storeOf([state]), fallback, () => T0_MS + 1_000);

    const pushed = await observer.observe('c1');
    const other = await observer.observe('c2');

    expect(pushed.jobs).toEqual(state.jobs);
    expect(pushed.totalGpus).toBe(8);
    // The running job holds 4 GPUs.
    expect(pushed.gpusInUse).toBe(4);
    expect(pushed.observedAtMs).toBe(T0_MS);
    expect(other.features).toEqual({ from: 1 });
  });
});

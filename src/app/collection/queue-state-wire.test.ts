import { describe, expect, it } from 'vitest';
import type { QueuedJob } from '../records/queue.ts';
import {
  bodyOfPushedQueueState,
  jsonBytes,
  MAX_QUEUE_STATE_BYTES,
  pushedQueueStateOf,
  QueueStateBody,
  queueStateBody,
} from './queue-state-wire.ts';

const T0_MS = Date.UTC(2026, 0, 1);

function job(jobId: string, overrides: Partial<QueuedJob> = {}): QueuedJob {
  return {
    jobId,
    user: 'alice',
    partition: 'gpu',
    state: 'pending',
    submitTimeMs: T0_MS,
    startTimeMs: null,
    requestedGpus: 2,
    requestedCpus: 4,
    timeLimitSeconds: 3_600,
    priority: 100,
    reason: 'Priority',
    endTimeMs: null,
    ...overrides,
  };
}

const offers = [{ name: 'gpu', gpus: 8, maxTimeSeconds: 86_400, up: true, allowAccounts: ['lab1'] }];

describe('queueStateBody', () => {
  it('queueStateBody_listing_keepsPendingAndRunning_runningFirstThenByPriority_andRoundTrips', () => {
    const jobs = [
      job('1', { priority: 10 }),
      job('2', { state: 'running', startTimeMs: T0_MS + 5_000, reason: null }),
      job('3', { priority: 30, partition: 'debug' }),
      job('4', { state: 'completed', endTimeMs: T0_MS + 9_000 }),
      job('5+0', { priority: 99 }),
    ];

    const body = queueStateBody(
      { observedAtMs: T0_MS + 10_000, jobs, totalGpus: 8 },
      { intervalMs: 60_000, partitions: offers },
    );
    const state = pushedQueueStateOf('c1', QueueStateBody.parse(JSON.parse(JSON.stringify(body))));

    expect(body.jobs.map((entry) => entry[0])).toEqual(['2', '3', '1']);
    // '5+0' (an id the API refuses) is counted as left out, and as pending in its partition.
    expect(body.omitted_jobs).toBe(1);
    expect(body.pending_by_partition).toEqual({ gpu: 2, debug: 1 });
    expect(state.jobs).toEqual([jobs[1], jobs[2], jobs[0]]);
    expect(state.partitions).toEqual(offers);
    expect(bodyOfPushedQueueState(state)).toEqual(body);
  });

  it('queueStateBody_overTheByteBudget_leavesOutTheLowestPriorityPendingJobs_exactlyAtTheBudget', () => {
    const jobs = Array.from({ length: 50 }, (_, index) => job(String(1000 + index), { priority: 2000 - index }));
    const full = queueStateBody({ observedAtMs: T0_MS, jobs, totalGpus: 8 }, { intervalMs: 60_000, partitions: [] });
    // Every job tuple here has the same JSON length; the budget below fits exactly 20 of them.
    const perJob = jsonBytes(full.jobs[0]);
    const emptyBytes = jsonBytes({ ...full, jobs: [], omitted_jobs: 50 });
    const maxBytes = emptyBytes + 20 * perJob + 19;

    const bounded = queueStateBody(
      { observedAtMs: T0_MS, jobs, totalGpus: 8 },
      { intervalMs: 60_000, partitions: [], maxBytes },
    );
    const tighter = queueStateBody(
      { observedAtMs: T0_MS, jobs, totalGpus: 8 },
      { intervalMs: 60_000, partitions: [], maxBytes: maxBytes - 1 },
    );

    expect(bounded.jobs.map((entry) => entry[0])).toEqual(jobs.slice(0, 20).map((entry) => entry.jobId));
    expect(bounded.omitted_jobs).toBe(30);
    expect(jsonBytes(bounded)).toBeLessThanOrEqual(maxBytes);
    expect(tighter.jobs).toHaveLength(19);
    expect(bounded.pending_by_partition).toEqual({ gpu: 50 });
  });

  it('queueStateBody_aHugeQueue_staysUnderTheLimitTheApiAccepts', () => {
    const long = 'x'.repeat(100);
    const jobs = Array.from({ length: 5_000 }, (_, index) =>
      job(`${index}`, { user: long, partition: 'gpu-a100-large', reason: 'QOSMaxGRESPerUser', priority: index }),
    );

    const body = queueStateBody(
      { observedAtMs: T0_MS, jobs, totalGpus: 512 },
      { intervalMs: 60_000, partitions: offers },
    );

    expect(jsonBytes(body)).toBeLessThanOrEqual(MAX_QUEUE_STATE_BYTES);
    expect(body.jobs.length + body.omitted_jobs).toBe(5_000);
    expect(body.omitted_jobs).toBeGreaterThan(0);
    expect(QueueStateBody.safeParse(body).success).toBe(true);
  });
});

describe('QueueStateBody', () => {
  it('QueueStateBody_unknownFieldOrBadJob_isRefusedNamingIt', () => {
    const body = queueStateBody(
      { observedAtMs: T0_MS, jobs: [job('1')], totalGpus: 8 },
      { intervalMs: 60_000, partitions: [] },
    );

    const extra = QueueStateBody.safeParse({ ...body, accounts: [] });
    const badState = QueueStateBody.safeParse({
      ...body,
      jobs: [['1', 'u', 'gpu', 'completed', 0, null, 1, 1, null, null, null]],
    });
    const badId = QueueStateBody.safeParse({
      ...body,
      jobs: [['1 2', 'u', 'gpu', 'pending', 0, null, 1, 1, null, null, null]],
    });

    expect(extra.success ? '' : extra.error.issues[0]?.message).toMatch(/accounts/);
    expect(badState.success ? [] : badState.error.issues[0]?.path).toEqual(['jobs', 0, 3]);
    expect(badId.success ? [] : badId.error.issues[0]?.path).toEqual(['jobs', 0, 0]);
  });
});

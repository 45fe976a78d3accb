import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileEventSpool } from '../../adapters/spool/file-event-spool.ts';
import { SourceUnavailableError } from '../errors.ts';
import type { ClusterObserver } from '../ports/cluster-observer.ts';
import type { Logger } from '../ports/logger.ts';
import type { PublishResult, QueueEventPublisher } from '../ports/queue-event-publisher.ts';
import type { PushedQueueState } from '../records/pushed-queue-state.ts';
import type { QueueEvent } from '../records/queue-event.ts';
import type { ClusterState, QueuedJob } from '../records/queue.ts';
import { createPushAgent } from './push-agent.ts';

// Whole seconds, like Slurm's times.
const T0_MS = Date.UTC(2025, 0, 1, 10, 0, 0);
const CLUSTER = 'push-unit';

function job(overrides: Partial<QueuedJob> & Pick<QueuedJob, 'jobId'>): QueuedJob {
  return {
    user: 'u',
    partition: 'gpu',
    state: 'pending',
    submitTimeMs: T0_MS + 1_000,
    startTimeMs: null,
    requestedGpus: 1,
    requestedCpus: 1,
    timeLimitSeconds: 600,
    priority: null,
    reason: null,
    ...overrides,
  };
}

function scripted(listings: ClusterState[]): ClusterObserver {
  return {
    observe: () => {
      const next = listings.shift();
      return next === undefined
        ? Promise.reject(new SourceUnavailableError('no more listings'))
        : Promise.resolve(next);
    },
  };
}

function listing(observedAtMs: number, jobs: QueuedJob[]): ClusterState {
  return { clusterId: CLUSTER, observedAtMs, jobs, totalGpus: 4, gpusInUse: 0, features: {} };
}

/** Fails the first `failures` calls as an unreachable API, then acknowledges every event. */
function flakyPublisher(failures: number): QueueEventPublisher & { readonly batches: QueueEvent[][] } {
  const batches: QueueEvent[][] = [];
  let calls = 0;
  return {
    batches,
    publish(_clusterId, events): Promise<PublishResult> {
      calls += 1;
      if (calls <= failures)
        return Promise.reject(
          new SourceUnavailableError('the API at https://api.example is unreachable (ECONNREFUSED)'),
        );
      batches.push([...events]);
      return Promise.resolve({ status: 'acknowledged', acknowledgedIds: events.map((event) => event.id) });
    },
  };
}

function recordingLogger(): Logger & {
  readonly events: { event: string; fields: Readonly<Record<string, unknown>> }[];
} {
  const events: { event: string; fields: Readonly<Record<string, unknown>> }[] = [];
  const push = (event: string, fields: Readonly<Record<string, unknown>> = {}): void =>
    void events.push({ event, fields });
  return { events, info: push, warn: push, error: push };
}

describe('createPushAgent', () => {
  let dir = '';

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vgac-push-agent-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('pushAgent_apiDownThenBack_keepsTransitionsSpooledUntilAcknowledged_inSubmitOrder', async () => {
    const spool = await FileEventSpool.open(dir);
    const publisher = flakyPublisher(1);
    const observer = scripted([
      listing(T0_MS + 3_000, [job({ jobId: '11' }), job({ jobId: '12', submitTimeMs: T0_MS + 2_000 })]),
      listing(T0_MS + 7_000, [
        job({ jobId: '11', state: 'running', startTimeMs: T0_MS + 6_000 }),
        job({ jobId: '12', submitTimeMs: T0_MS + 2_000 }),
      ]),
    ]);
    const agent = createPushAgent(
      { observer, spool, publisher, logger: recordingLogger() },
      { clusterId: CLUSTER, startedAtMs: T0_MS },
    );

    const firstObserved = await agent.observe();
    const whileDown = await agent.push();
    const secondObserved = await agent.observe();
    const back = await agent.push();
    const idle = await agent.push();

    expect(firstObserved).toEqual({ spooled: 2, adopted: 0 });
    expect(whileDown).toMatchObject({ status: 'unavailable', code: 'SOURCE_UNAVAILABLE', acknowledged: 0, pending: 2 });
    expect(secondObserved).toEqual({ spooled: 1, adopted: 0 });
    expect(back).toEqual({ status: 'delivered', acknowledged: 3, quarantined: 0, pending: 0 });
    expect(idle).toEqual({ status: 'idle' });
    // The submits in submit order (11 at +1 s, 12 at +2 s), then the start.
    expect(publisher.batches.flat().map((event) => event.id)).toEqual([
      `11:submit:${T0_MS + 1_000}`,
      `12:submit:${T0_MS + 2_000}`,
      `11:start:${T0_MS + 6_000}`,
    ]);
    expect(spool.size()).toBe(0);
  });

  it('pushAgent_jobIdTheApiWouldRefuse_isDroppedWithAWarning_andNeverBlocksTheSpool', async () => {
    const spool = await FileEventSpool.open(dir);
    const logger = recordingLogger();
    // A heterogeneous job's component id carries a '+', which no stored id may contain.
    const observer = scripted([listing(T0_MS + 2_000, [job({ jobId: '21+0' }), job({ jobId: '22' })])]);
    const agent = createPushAgent(
      { observer, spool, publisher: flakyPublisher(0), logger },
      { clusterId: CLUSTER, startedAtMs: T0_MS },
    );

    const observed = await agent.observe();

    expect(observed).toEqual({ spooled: 1, adopted: 0 });
    expect(spool.pending(10).map((event) => event.jobId)).toEqual(['22']);
    expect(
      logger.events.filter((line) => line.event === 'agent.event_dropped').map((line) => line.fields.jobId),
    ).toEqual(['21+0']);
  });

  it('pushAgent_slurmUnreadable_spoolsNothing_andSaysSo', async () => {
    const spool = await FileEventSpool.open(dir);
    const logger = recordingLogger();
    const agent = createPushAgent(
      { observer: scripted([]), spool, publisher: flakyPublisher(0), logger },
      { clusterId: CLUSTER, startedAtMs: T0_MS },
    );

    const observed = await agent.observe();

    expect(observed).toBeNull();
    expect(spool.size()).toBe(0);
    expect(logger.events.map((line) => line.event)).toEqual(['agent.source_unavailable']);
  });

  it('pushAgent_queueState_isSentAtMostEveryInterval_onlyWhenNewer_andAFailureWaitsForTheNextPush', async () => {
    const spool = await FileEventSpool.open(dir);
    const logger = recordingLogger();
    let nowMs = T0_MS + 10_000;
    let stateCalls = 0;
    const sent: PushedQueueState[] = [];
    const offers = [{ name: 'gpu', gpus: 4, maxTimeSeconds: null, up: true, allowAccounts: null }];
    let partitionCalls = 0;
    const observer = scripted([
      listing(T0_MS + 3_000, [job({ jobId: '31', priority: 5 }), job({ jobId: '32', priority: 9 })]),
      listing(T0_MS + 8_000, [job({ jobId: '31', priority: 5 })]),
      listing(T0_MS + 70_000, [job({ jobId: '33', priority: 1, state: 'running', startTimeMs: T0_MS + 60_000 })]),
    ]);
    const agent = createPushAgent(
      {
        observer,
        spool,
        publisher: flakyPublisher(0),
        logger,
        queueState: {
          publisher: {
            publishState: (state) => {
              stateCalls += 1;
              if (stateCalls === 1) return Promise.reject(new SourceUnavailableError('the API is away'));
              sent.push(state);
              return Promise.resolve();
            },
          },
          partitions: () => {
            partitionCalls += 1;
            return partitionCalls === 2
              ? Promise.reject(new SourceUnavailableError('scontrol timed out'))
              : Promise.resolve(offers);
          },
          intervalMs: 60_000,
          clock: () => nowMs,
        },
      },
      { clusterId: CLUSTER, startedAtMs: T0_MS },
    );

    await agent.observe();
    const failed = await agent.push();
    const retried = await agent.push();
    const sameListing = await agent.push();
    await agent.observe();
    nowMs += 30_000;
    const tooSoon = await agent.push();
    await agent.observe();
    nowMs += 40_000;
    const due = await agent.push();

    expect([failed.queueState, retried.queueState, sameListing.queueState, tooSoon.queueState, due.queueState]).toEqual(
      ['failed', 'sent', 'not_due', 'not_due', 'sent'],
    );
    expect(sent.map((state) => [state.observedAtMs, state.jobs.map((entry) => entry.jobId)])).toEqual([
      [T0_MS + 3_000, ['32', '31']],
      [T0_MS + 70_000, ['33']],
    ]);
    // The second send could not read the partitions: it kept the ones read before.
    expect(sent.map((state) => state.partitions)).toEqual([offers, offers]);
    expect(sent[0]?.pendingByPartition).toEqual({ gpu: 2 });
    expect(logger.events.map((line) => line.event)).toContain('agent.partitions_unavailable');
    expect(logger.events.filter((line) => line.event === 'agent.queue_state_failed')).toHaveLength(1);
  });
});

/**
 * Submit-time capture on a real Slurm 22.05 (loopback) into the real learning loop (dynalite +
 * s3rver): a prediction is stored at each submit, outcomes when jobs start, a job cancelled while
 * pending is censored (never a short wait), a restart counts nothing twice, a stopped slurmctld
 * invents nothing, and an approved escalation changes the real job.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideEscalation } from '../../src/app/agents/decide-escalation.ts';
import { createLearningDeps, type LearningDeps } from '../../src/app/learning/learning-deps.ts';
import { registerCluster } from '../../src/app/learning/register-cluster.ts';
import type { Escalation } from '../../src/app/records/escalation.ts';
import type { Logger } from '../../src/app/ports/logger.ts';
import type { PredictionRecord } from '../../src/app/records/prediction-record.ts';
import { SlurmCliObserver } from '../../src/adapters/collectors/slurm-cli-observer.ts';
import { DynamoEscalationStore } from '../../src/adapters/dynamodb/dynamo-escalation-store.ts';
import { dynamoLearningStores } from '../../src/entry/learning-stores.ts';
import { ensureTable } from '../../src/adapters/dynamodb/table-definition.ts';
import { ensureBucket, S3BundleStore } from '../../src/adapters/s3/s3-bundle-store.ts';
import { SlurmClusterActions } from '../../src/adapters/slurm/slurm-cluster-actions.ts';
import { DEFAULT_GATE_CONFIG } from '../../src/core/gating/gate-config.ts';
import { startCollectorRunner, type CollectorRunner } from '../../src/entry/local/collector-runner.ts';
import { startTestAws, uniqueName, type TestAws } from '../support/embedded-aws.ts';
import { smallPrior } from '../support/slurm/small-prior.ts';
import { startLocalSlurm, waitFor, type LocalSlurm } from '../support/slurm/local-slurm.ts';

const CLUSTER = 'slurm-capture';

function capturingLogger(): Logger & { events: { event: string; fields: Readonly<Record<string, unknown>> }[] } {
  const events: { event: string; fields: Readonly<Record<string, unknown>> }[] = [];
  const push = (event: string, fields: Readonly<Record<string, unknown>> = {}): void => {
    events.push({ event, fields });
  };
  return { events, info: push, warn: push, error: push };
}

/** start − submit in seconds, read from `scontrol show job` text (independent of the collectors' JSON path). */
async function scontrolWaitSeconds(slurm: LocalSlurm, jobId: string): Promise<number> {
  const line = await slurm.run('scontrol', ['show', 'job', '-o', jobId]);
  const submit = /SubmitTime=(\S+)/.exec(line)?.[1] ?? '';
  const start = /StartTime=(\S+)/.exec(line)?.[1] ?? '';
  return (Date.parse(start) - Date.parse(submit)) / 1000;
}

describe('submit-time capture on a real Slurm', () => {
  let slurm: LocalSlurm;
  let aws: TestAws;
  let learning: LearningDeps;
  let escalations: DynamoEscalationStore;
  let logger: ReturnType<typeof capturingLogger>;
  let runner: CollectorRunner | undefined;
  let observer: SlurmCliObserver;

  beforeAll(async () => {
    [slurm, aws] = await Promise.all([startLocalSlurm({ gpus: 4, minJobAgeSeconds: 600 }), startTestAws()]);
    const table = uniqueName('capture');
    const bucket = uniqueName('capture');
    await ensureTable(aws.clients.dynamo, table);
    await ensureBucket(aws.clients.s3, bucket);
    logger = capturingLogger();
    learning = createLearningDeps({
      ...dynamoLearningStores(aws.clients.dynamo, table),
      bundles: new S3BundleStore({ client: aws.clients.s3, bucket }),
      gate: DEFAULT_GATE_CONFIG,
      logger,
    });
    escalations = new DynamoEscalationStore({ client: aws.clients.dynamo, tableName: table });
    await registerCluster(learning, { clusterId: CLUSTER, prior: smallPrior(), platform: 'slurm', nowMs: Date.now() });
    observer = new SlurmCliObserver({ env: slurm.env, timeoutMs: 3_000 });
  });

  afterAll(async () => {
    await runner?.stop();
    await slurm?.stop();
    await aws?.stop();
  });

  it('capture_predictsAtSubmit_recordsStarts_censorsCancelled_andCountsNothingTwiceAfterRestart', async () => {
    runner = startCollectorRunner({ clusterId: CLUSTER, observer, learning, intervalMs: 300 });
    const big = await slurm.sbatch(['--gres=gpu:3', '--time=1', '--wrap', 'sleep 6']);
    await waitFor('the 3-GPU job to run', async () =>
      (await observer.listJobs()).find((job) => job.jobId === big)?.state === 'running' ? true : undefined,
    );
    const waiting = await slurm.sbatch(['--gres=gpu:2', '--time=1', '--wrap', 'sleep 1']);
    const cancelled = await slurm.sbatch(['--gres=gpu:4', '--time=1', '--wrap', 'sleep 1']);
    const predictedIds = async (): Promise<Set<string>> =>
      new Set((await learning.predictions.recent(CLUSTER, { limit: 50 })).map((entry) => entry.jobId));
    await waitFor('predictions for the queued jobs', async () =>
      (await predictedIds()).has(cancelled) ? true : undefined,
    );
    await slurm.run('scancel', [cancelled]);
    const outcomeFor = async (jobId: string): Promise<PredictionRecord | undefined> =>
      (await learning.predictions.recent(CLUSTER, { limit: 50, withOutcome: true })).find(
        (entry) => entry.jobId === jobId,
      );
    const waitingWithOutcome = await waitFor(
      'the waiting job to start and be recorded',
      () => outcomeFor(waiting),
      40_000,
      300,
    );
    await waitFor('the cancelled job to be censored', () =>
      Promise.resolve(
        logger.events.some((line) => line.event === 'capture.censored' && line.fields.jobId === cancelled)
          ? true
          : undefined,
      ),
    );
    await runner.stop();
    const countBeforeRestart = (await learning.calibration.current(CLUSTER))?.outcomes;
    runner = startCollectorRunner({ clusterId: CLUSTER, observer, learning, intervalMs: 60_000 });
    const afterRestart = await runner.pollNow();
    const countAfterRestart = (await learning.calibration.current(CLUSTER))?.outcomes;

    const predictions = await learning.predictions.recent(CLUSTER, { limit: 50 });
    const byJob = new Map(predictions.map((entry) => [entry.jobId, entry]));
    expect([...byJob.keys()].sort()).toEqual([big, waiting, cancelled].sort());
    expect(byJob.get(waiting)?.features).toMatchObject({
      requestedGpus: 2,
      gpusInUse: 3,
      runningJobs: 1,
      pendingJobsAhead: 0,
    });
    expect(byJob.get(cancelled)?.features).toMatchObject({
      requestedGpus: 4,
      gpusInUse: 3,
      pendingJobsAhead: 1,
      pendingGpusAhead: 2,
    });
    expect(byJob.get(big)?.features).toMatchObject({ requestedGpus: 3, gpusInUse: 0, runningJobs: 0 });
    expect(waitingWithOutcome.outcome?.waitSeconds).toBe(await scontrolWaitSeconds(slurm, waiting));
    expect(waitingWithOutcome.outcome?.waitSeconds).toBeGreaterThan(3);
    expect(waitingWithOutcome.outcome?.longWait).toBe((waitingWithOutcome.outcome?.waitSeconds ?? 0) > 5);
    expect((await outcomeFor(big))?.outcome?.waitSeconds).toBe(await scontrolWaitSeconds(slurm, big));
    expect(await outcomeFor(cancelled)).toBeUndefined();
    const censoredLines = logger.events.filter(
      (line) => line.event === 'capture.censored' && line.fields.jobId === cancelled,
    );
    expect(censoredLines.length).toBeGreaterThan(0);
    expect(
      censoredLines.every(
        (line) => line.fields.recordedAsLongWait === false && Number(line.fields.waitedAtLeastSeconds) < 5,
      ),
    ).toBe(true);
    expect(byJob.get(cancelled)?.outcome).toBeUndefined();
    expect(countBeforeRestart).toBe(2);
    expect(countAfterRestart).toBe(2);
    expect(afterRestart?.predicted).toEqual([]);
    expect(afterRestart?.adopted.slice().sort()).toEqual([big, waiting, cancelled].sort());
  });

  it('capture_controllerDown_inventsNothing_andRecovers', async () => {
    runner ??= startCollectorRunner({ clusterId: CLUSTER, observer, learning, intervalMs: 60_000 });
    const before = (await learning.calibration.current(CLUSTER))?.outcomes;

    await slurm.stopController();
    const whileDown = await runner.pollNow();
    const countWhileDown = (await learning.calibration.current(CLUSTER))?.outcomes;
    await slurm.startController();
    const job = await slurm.sbatch(['--gres=gpu:1', '--time=1', '--wrap', 'sleep 1']);
    const recovered = await waitFor('capture to see the new job', async () => {
      const result = await runner?.pollNow();
      return result?.predicted.some((entry) => entry.jobId === job) === true ? result : undefined;
    });

    expect(whileDown).toBeNull();
    expect(
      logger.events.some(
        (line) =>
          line.event === 'capture.source_unavailable' &&
          /did not finish within|Unable to contact/.test(String(line.fields.error)),
      ),
    ).toBe(true);
    expect(countWhileDown).toBe(before);
    expect(recovered.predicted.map((entry) => entry.jobId)).toContain(job);
  });

  it('escalation_approvedByAHuman_changesTheRealJob', async () => {
    const blocker = await slurm.sbatch(['--gres=gpu:4', '--time=1', '--wrap', 'sleep 20']);
    const target = await slurm.sbatch(['--gres=gpu:4', '--time=1', '--wrap', 'sleep 1']);
    await waitFor('the blocker to run', async () =>
      (await observer.listJobs()).find((job) => job.jobId === blocker)?.state === 'running' ? true : undefined,
    );
    const actions = new SlurmClusterActions({ clusterId: CLUSTER, logger, env: slurm.env });
    const escalation: Escalation = {
      escalationId: uniqueName('esc'),
      clusterId: CLUSTER,
      jobId: target,
      action: {
        kind: 'annotate',
        clusterId: CLUSTER,
        jobId: target,
        value: 'vgac: long wait likely, approved by ops',
        reason: 'p=0.91 above the annotate tier',
      },
      probability: 0.91,
      scope: 'learning',
      reasons: ['learning mode: escalate only'],
      status: 'pending',
      createdAtMs: Date.now(),
      decidedBy: null,
      decidedAtMs: null,
      result: null,
      history: [],
    };
    await escalations.create(escalation);

    const decided = await decideEscalation(
      { escalations, actions, logger },
      {
        clusterId: CLUSTER,
        escalationId: escalation.escalationId,
        decision: 'approve',
        by: 'ops-alice',
        nowMs: Date.now(),
      },
    );
    const squeueComment = (await slurm.run('squeue', ['-h', '-j', target, '-o', '%k'])).trim();

    expect(decided.status).toBe('decided');
    expect(decided.escalation.status).toBe('executed');
    expect(decided.escalation.result).toBe(
      `ran scontrol update JobId=${target} Comment='vgac: long wait likely, approved by ops'`,
    );
    expect(squeueComment).toBe('vgac: long wait likely, approved by ops');
  });
});

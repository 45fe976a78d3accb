/**
 * POST /api/outcomes never waits on maintenance (a retrain, a checkpoint to S3): the outcome that
 * makes one due is folded and answered with `maintenance_scheduled: true` while the maintenance
 * waits in the local background scheduler (start-stack's wiring: BackgroundMaintenanceScheduler +
 * maintainCluster), on dynalite and s3rver. Each run is held at a gate the test opens only after
 * the replies are in, so "the reply came first" is shown by order, never by timing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/app/http/app.ts';
import type { LearningDeps } from '../../src/app/learning/learning-deps.ts';
import { maintainCluster, type MaintenanceResult } from '../../src/app/learning/maintain-cluster.ts';
import { predictJob } from '../../src/app/learning/predict-job.ts';
import { recordJobOutcome } from '../../src/app/learning/record-outcome.ts';
import { registerCluster } from '../../src/app/learning/register-cluster.ts';
import { DEFAULT_LEARNING_POLICY } from '../../src/core/learning/learning-policy.ts';
import { BackgroundMaintenanceScheduler } from '../../src/entry/local/background-maintenance-scheduler.ts';
import { startHttpStack, type HttpStack } from '../support/http-stack.ts';
import { syntheticBundle, syntheticJobs, TRUE_INTERCEPT, type SyntheticJob } from '../support/learning-fixtures.ts';

const T0_MS = Date.UTC(2026, 0, 5, 9, 0, 0);
/** A checkpoint every 60 outcomes: the 60th outcome makes maintenance due. */
const POLICY = { ...DEFAULT_LEARNING_POLICY, checkpointEveryOutcomes: 60 };
const DUE_AT = POLICY.checkpointEveryOutcomes;

let stack: HttpStack;

beforeAll(async () => {
  stack = await startHttpStack();
}, 60_000);

afterAll(async () => {
  await stack.stop();
});

function learningWith(extra: Partial<LearningDeps> = {}): LearningDeps {
  return { ...stack.learning, policy: POLICY, ...extra };
}

/** The stack's learning deps with a background scheduler whose runs wait for `open()`. */
function gatedBackground() {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const runs: string[] = [];
  const results: MaintenanceResult[] = [];
  const scheduler = new BackgroundMaintenanceScheduler({
    run: async (clusterId) => {
      runs.push(clusterId);
      await gate;
      return maintainCluster(learning, { clusterId, nowMs: T0_MS + 3_600_000 });
    },
    logger: stack.logger,
    onResult: (_clusterId, result) => results.push(result),
  });
  const learning = learningWith({ maintenance: scheduler });
  const app = createHttpApp(stack.deps({}, { learning }));
  return { app, scheduler, runs, results, open: () => open() };
}

/** Registers `clusterId`, predicts `jobs`, and records the first `recorded` outcomes without a scheduler (nothing due yet). */
async function seed(clusterId: string, jobs: readonly SyntheticJob[], recorded: number): Promise<void> {
  const learning = learningWith();
  await registerCluster(learning, {
    clusterId,
    prior: syntheticBundle(TRUE_INTERCEPT, `prior-${clusterId}`),
    platform: 'slurm',
    nowMs: T0_MS,
  });
  for (const [index, job] of jobs.entries()) {
    await predictJob(learning, {
      clusterId,
      jobId: job.jobId,
      features: { x: job.x },
      nowMs: T0_MS + index,
      logDecision: false,
    });
    if (index < recorded)
      await recordJobOutcome(learning, {
        clusterId,
        jobId: job.jobId,
        waitSeconds: job.waitSeconds,
        nowMs: T0_MS + index,
      });
  }
}

async function postOutcome(
  app: ReturnType<typeof createHttpApp>,
  clusterId: string,
  job: SyntheticJob,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await app.fetch(
    new Request('http://localhost/api/outcomes', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cluster_id: clusterId, job_id: job.jobId, wait_seconds: job.waitSeconds }),
    }),
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('POST /api/outcomes with the background maintenance scheduler', () => {
  it('answers the outcome that makes a checkpoint due with maintenance_scheduled: true before the checkpoint is written, which then runs in the background', async () => {
    const jobs = syntheticJobs(DUE_AT, 21, 'bg');
    await seed('bg', jobs, DUE_AT - 1);
    const background = gatedBackground();

    const reply = await postOutcome(background.app, 'bg', jobs[DUE_AT - 1] as SyntheticJob);
    const atReply = await stack.learning.learning.load('bg');
    background.open();
    await background.scheduler.drain();
    const after = await stack.learning.learning.load('bg');

    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ status: 'recorded', outcome_count: DUE_AT, maintenance_scheduled: true });
    // Folded at once, checkpointed only later.
    expect(atReply?.state.outcomes).toBe(DUE_AT);
    expect(atReply?.checkpointVersions).toEqual([]);
    expect(background.results.map((result) => result.steps.includes('checkpointed'))).toEqual([true]);
    expect(after?.checkpointVersions).toHaveLength(1);
    expect(after?.state.checkpointedAtOutcomes).toBe(DUE_AT);
  });

  it('answers an outcome that makes nothing due with maintenance_scheduled: false and schedules nothing', async () => {
    const jobs = syntheticJobs(3, 22, 'quiet');
    await seed('quiet', jobs, 1);
    const background = gatedBackground();

    const reply = await postOutcome(background.app, 'quiet', jobs[1] as SyntheticJob);
    background.open();
    await background.scheduler.drain();

    expect(reply.body).toMatchObject({ status: 'recorded', outcome_count: 2, maintenance_scheduled: false });
    expect(background.runs).toEqual([]);
  });

  it('folds 101 concurrent outcomes exactly once and coalesces their maintenance into at most two runs, one checkpoint', async () => {
    const total = DUE_AT + 100;
    const jobs = syntheticJobs(total, 23, 'burst');
    await seed('burst', jobs, DUE_AT - 1);
    const background = gatedBackground();

    const replies = await Promise.all(jobs.slice(DUE_AT - 1).map((job) => postOutcome(background.app, 'burst', job)));
    const runsWhileHeld = background.runs.length;
    background.open();
    await background.scheduler.drain();
    const after = await stack.learning.learning.load('burst');

    expect(replies.every((reply) => reply.status === 201)).toBe(true);
    expect(replies.some((reply) => reply.body.maintenance_scheduled === true)).toBe(true);
    expect(runsWhileHeld).toBe(1);
    expect(background.runs.length).toBeLessThanOrEqual(2);
    // Every outcome folded once; the held run checkpoints all of them at once, so the second finds nothing due.
    expect(after?.state.outcomes).toBe(total);
    expect(after?.totalOutcomes).toBe(total);
    expect(background.results.filter((result) => result.steps.includes('checkpointed'))).toHaveLength(1);
    expect(after?.checkpointVersions).toHaveLength(1);
  });
});

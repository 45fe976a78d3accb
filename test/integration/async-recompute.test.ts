/**
 * POST /api/outcomes never waits on a calibration recompute: the outcome that makes one due is
 * answered with `recompute_scheduled: true` while the recompute waits in the local background
 * scheduler (start-stack's wiring: BackgroundRecomputeScheduler + recomputeIfDue), on dynalite
 * and s3rver. Each recompute is held at a gate the test opens only after the replies are in, so
 * "the reply came first" is shown by order, never by timing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/app/http/app.ts';
import type { LearningDeps } from '../../src/app/learning/learning-deps.ts';
import { predictJob } from '../../src/app/learning/predict-job.ts';
import type { RecomputeResult } from '../../src/app/learning/recompute-calibration.ts';
import { recomputeIfDue } from '../../src/app/learning/recompute-if-due.ts';
import { registerCluster } from '../../src/app/learning/register-cluster.ts';
import { DEFAULT_GATE_CONFIG } from '../../src/core/gating/gate-config.ts';
import { BackgroundRecomputeScheduler } from '../../src/entry/local/background-recompute-scheduler.ts';
import { startHttpStack, type HttpStack } from '../support/http-stack.ts';
import { syntheticBundle, syntheticJobs, TRUE_INTERCEPT, type SyntheticJob } from '../support/learning-fixtures.ts';

const T0_MS = Date.UTC(2026, 0, 5, 9, 0, 0);
const MIN = DEFAULT_GATE_CONFIG.minOutcomes;

let stack: HttpStack;

beforeAll(async () => {
  stack = await startHttpStack();
}, 60_000);

afterAll(async () => {
  await stack.stop();
});

/** The stack's learning deps with a background scheduler whose recomputes wait for `open()`. */
function gatedBackground() {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => { open = resolve; });
  const runs: string[] = [];
  const results: RecomputeResult[] = [];
  const scheduler = new BackgroundRecomputeScheduler({
    run: async (clusterId, reason) => {
      runs.push(clusterId);
      await gate;
      return recomputeIfDue(learning, { clusterId, reason, nowMs: T0_MS + 3_600_000 });
    },
    logger: stack.logger,
    onResult: (_clusterId, result) => results.push(result),
  });
  const learning: LearningDeps = { ...stack.learning, recompute: scheduler };
  const app = createHttpApp(stack.deps({}, { learning }));
  return { app, scheduler, runs, results, open: () => open() };
}

/** Registers `clusterId`, predicts `jobs`, and records the first `stored` outcomes straight to the store (no recompute). */
async function seed(clusterId: string, jobs: readonly SyntheticJob[], stored: number): Promise<void> {
  await registerCluster(stack.learning, { clusterId, prior: syntheticBundle(TRUE_INTERCEPT, `prior-${clusterId}`), platform: 'slurm', nowMs: T0_MS });
  for (const [index, job] of jobs.entries()) {
    await predictJob(stack.learning, { clusterId, jobId: job.jobId, features: { x: job.x }, nowMs: T0_MS + index, logDecision: false });
    if (index < stored) await stack.learning.store.recordOutcome(clusterId, job.jobId, { waitSeconds: job.waitSeconds, longWait: job.longWait, observedAtMs: T0_MS + index });
  }
}

async function postOutcome(app: ReturnType<typeof createHttpApp>, clusterId: string, job: SyntheticJob): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await app.fetch(new Request('http://localhost/api/outcomes', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ cluster_id: clusterId, job_id: job.jobId, wait_seconds: job.waitSeconds, long_wait: job.longWait }),
  }));
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('POST /api/outcomes with the background recompute scheduler', () => {
  it('answers the outcome that makes a recompute due with recompute_scheduled: true before the recompute has run, which then runs in the background', async () => {
    const jobs = syntheticJobs(MIN, 21, 'bg');
    await seed('bg', jobs, MIN - 1);
    const background = gatedBackground();

    const reply = await postOutcome(background.app, 'bg', jobs[MIN - 1] as SyntheticJob);
    const atReply = await stack.learning.store.getCalibration('bg');
    background.open();
    await background.scheduler.drain();
    const after = await stack.learning.store.getCalibration('bg');

    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ status: 'recorded', outcome_count: MIN, recompute_scheduled: true });
    expect(atReply).toMatchObject({ outcomeCount: MIN, outcomesAtLastRecompute: 0, sampleCount: 0, ece: null });
    expect(background.results.map((result) => result.status)).toEqual(['updated']);
    expect(after?.outcomesAtLastRecompute).toBe(MIN);
    expect(after?.version).toBeGreaterThan(atReply?.version ?? Number.POSITIVE_INFINITY);
  });

  it('answers an outcome that makes nothing due with recompute_scheduled: false and schedules nothing', async () => {
    const jobs = syntheticJobs(3, 22, 'quiet');
    await seed('quiet', jobs, 1);
    const background = gatedBackground();

    const reply = await postOutcome(background.app, 'quiet', jobs[1] as SyntheticJob);
    background.open();
    await background.scheduler.drain();

    expect(reply.body).toMatchObject({ status: 'recorded', outcome_count: 2, recompute_scheduled: false });
    expect(background.runs).toEqual([]);
  });

  it('coalesces 101 concurrent due outcomes into at most two recomputes, of which one recomputes the window', async () => {
    const total = MIN + 100;
    const jobs = syntheticJobs(total, 23, 'burst');
    await seed('burst', jobs, MIN - 1);
    const background = gatedBackground();

    const replies = await Promise.all(jobs.slice(MIN - 1).map((job) => postOutcome(background.app, 'burst', job)));
    const runsWhileHeld = background.runs.length;
    background.open();
    await background.scheduler.drain();
    const after = await stack.learning.store.getCalibration('burst');

    expect(replies.every((reply) => reply.status === 201 && reply.body.recompute_scheduled === true)).toBe(true);
    expect(runsWhileHeld).toBe(1);
    expect(background.runs.length).toBe(2);
    // The second found the window already recomputed by the first (recomputeIfDue): nothing due.
    expect(background.results.map((result) => result.status)).toEqual(['updated', 'skipped']);
    expect(after).toMatchObject({ outcomeCount: total, outcomesAtLastRecompute: total });
  });
});

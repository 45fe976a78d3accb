import { describe, expect, it } from 'vitest';
import { MemoryBundleStore } from '../../adapters/memory/memory-bundle-store.ts';
import { memoryLearningStores } from '../../adapters/memory/memory-tables.ts';
import { DEFAULT_GATE_CONFIG } from '../../core/gating/gate-config.ts';
import { seededRandom } from '../../core/random.ts';
import { reconstructQueueState } from '../../core/traces/queue-state.ts';
import type { TraceJob } from '../../core/traces/trace-job.ts';
import { createLearningDeps } from '../learning/learning-deps.ts';
import type { Logger } from '../ports/logger.ts';
import { replayTrace } from './replay-trace.ts';

const quietLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

function fnvHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1)
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193) >>> 0;
  return hash.toString(16);
}

/** A synthetic log: one job every ~100 s; bigger jobs wait longer. `futureFactor` scales every wait of a job that starts after `cutSeconds`. */
function syntheticTrace(count: number, cutSeconds: number, futureFactor: number): TraceJob[] {
  const random = seededRandom(5);
  let submit = 0;
  return Array.from({ length: count }, (_, index) => {
    submit += Math.floor(1 + random() * 200);
    const processors = 2 ** Math.floor(random() * 6);
    let wait = Math.floor(-Math.log(1 - random()) * 30 * processors);
    if (submit + wait > cutSeconds) wait = Math.floor(wait * futureFactor) + (futureFactor === 1 ? 0 : 1);
    const start = submit + wait;
    return {
      id: String(index + 1),
      submitTimeSeconds: submit,
      startTimeSeconds: start,
      censoredAtSeconds: null,
      endTimeSeconds: start + 600,
      requestedProcessors: processors,
      requestedGpus: 0,
      requestedMemoryMb: null,
      requestedTimeSeconds: 3600,
      user: `u${index % 7}`,
      queue: '',
      qos: '',
      status: 'completed',
    };
  });
}

async function replay(jobs: TraceJob[], plannedStartsSeconds?: readonly (number | null)[]) {
  const deps = createLearningDeps({
    ...memoryLearningStores(),
    bundles: new MemoryBundleStore(),
    gate: DEFAULT_GATE_CONFIG,
    logger: quietLogger,
  });
  return replayTrace(deps, {
    clusterId: 'synthetic',
    platform: 'swf',
    jobs,
    snapshots: reconstructQueueState(jobs),
    epochOffsetSeconds: 0,
    warmupJobs: 150,
    hash: fnvHash,
    includeJobs: true,
    ...(plannedStartsSeconds === undefined ? {} : { plannedStartsSeconds }),
  });
}

describe('replayTrace', () => {
  it('replayTrace answers every job submitted before t with only what was known before t (no future information)', async () => {
    const cutSeconds = 100 * 1200;
    const original = await replay(syntheticTrace(1600, cutSeconds, 1));
    const alteredFuture = await replay(syntheticTrace(1600, cutSeconds, 7));

    const before = (report: typeof original) =>
      (report.replayedJobs ?? []).filter((job) => job.submitSeconds <= cutSeconds);
    const labelledBefore = (report: typeof original) =>
      (report.replayedJobs ?? [])
        .filter((job) => job.waitSeconds !== null && job.submitSeconds + job.waitSeconds <= cutSeconds)
        .map((job) => [job.jobId, job.longWait]);
    const changedAfter = (alteredFuture.replayedJobs ?? []).filter(
      (job, index) => job.waitSeconds !== original.replayedJobs?.[index]?.waitSeconds,
    );
    // The futures really differ, and there are answers on both sides of the cut.
    expect(changedAfter.length).toBeGreaterThan(100);
    expect(before(original).length).toBeGreaterThan(500);
    // Probability, interval (label threshold, calibrator and conformal state) and scope before the cut are identical.
    expect(before(alteredFuture).map(({ waitSeconds: _w, longWait: _l, ...answer }) => answer)).toEqual(
      before(original).map(({ waitSeconds: _w, longWait: _l, ...answer }) => answer),
    );
    // Labels of outcomes known before the cut (the threshold fixed from the warm-up's waits) are identical too.
    expect(labelledBefore(alteredFuture)).toEqual(labelledBefore(original));
  });

  it('replayTrace reports every predictor side by side with coverage near the 80 % target', async () => {
    const report = await replay(syntheticTrace(1600, Number.POSITIVE_INFINITY, 1));

    expect(report.predictedJobs).toBe(1450);
    expect(report.prior.rows).toBeGreaterThan(100);
    expect(Object.keys(report.overall).sort()).toEqual([
      'backfill',
      'constant',
      'empirical',
      'loop',
      'prior',
      'qbets',
      'qbetsConformal',
    ]);
    expect(report.quarters).toHaveLength(4);
    expect(Math.abs((report.overall.loop.coverage ?? 0) - 0.8)).toBeLessThan(0.05);
  });

  it('replayTrace judges the loop, QBETS+ACI and empirical distributions and the backfill point on the same jobs', async () => {
    const jobs = syntheticTrace(1600, Number.POSITIVE_INFINITY, 1);
    // A planned wait of exactly the real wait for odd ids, none for even ones: the point baseline is within ×2 wherever it has a plan.
    const planned = jobs.map((job) => (Number(job.id) % 2 === 1 ? job.startTimeSeconds : null));

    const report = await replay(jobs, planned);

    const { loop, qbetsConformal, empirical, backfill } = report.overall;
    expect(backfill.withinFactor2).toBe(1);
    expect(backfill.pinball).toBeNull();
    expect(backfill.startWithinEce).toEqual({ '900': null, '3600': null, '14400': null });
    for (const metrics of [loop, qbetsConformal, empirical]) {
      expect(metrics.pinball).toBeGreaterThan(0);
      expect(metrics.coverage80ByQueueTercile).toHaveLength(3);
    }
    expect(Math.abs((loop.coverage80 ?? 0) - 0.8)).toBeLessThan(0.05);
    // The distribution's own P(wait > threshold) is calibrated on its own; it is read from 30
    // neighbours, so it differs from the classifier's P(long wait) by about its sampling noise.
    const agreement = report.probabilityAgreement.overall;
    expect(agreement.distributionOwnEce).toBeLessThan(0.05);
    expect(agreement.meanAbsoluteDisagreement).toBeLessThan(0.15);
    expect(report.queueTercileCuts).not.toBeNull();
  });
});

/**
 * Real drift on a real log: the Alibaba GPU trace replayed as it is, and with every wait from job
 * CUT on multiplied by 5 (the queue state each later job sees is reconstructed from the altered
 * log, so the classifier sees the longer queue too). The loop must flag the shift from its issued
 * forecasts' residuals, withdraw the agents' autonomy within 200 outcomes of the first shifted
 * outcome, and give it back only once forecasts issued after the response have earned it.
 */
import { describe, expect, it } from 'vitest';
import { MemoryBundleStore } from '../../src/adapters/memory/memory-bundle-store.ts';
import { memoryLearningStores } from '../../src/adapters/memory/memory-tables.ts';
import { createLearningDeps, sha256Hex } from '../../src/app/learning/learning-deps.ts';
import type { Logger } from '../../src/app/ports/logger.ts';
import { replayTrace, type TraceReplayReport as ReplayReport } from '../../src/app/replay/replay-trace.ts';
import { DEFAULT_GATE_CONFIG } from '../../src/core/gating/gate-config.ts';
import { parseTrace } from '../../src/core/traces/parse-trace.ts';
import { reconstructQueueState } from '../../src/core/traces/queue-state.ts';
import type { TraceJob } from '../../src/core/traces/trace-job.ts';
import { readSharedData, SharedDataFile } from '../support/shared-data.ts';

const quietLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const CUT = 5000;
const FACTOR = 5;
const JOBS_AFTER_CUT = 1500;

const imported = parseTrace(readSharedData(SharedDataFile.alibabaOpenbPods), 'alibaba-gpu');

function withWaitsScaled(jobs: readonly TraceJob[], from: number, factor: number): TraceJob[] {
  return jobs.map((job, index) => {
    if (index < from || job.startTimeSeconds === null) return job;
    const added = (factor - 1) * (job.startTimeSeconds - job.submitTimeSeconds);
    return {
      ...job,
      startTimeSeconds: job.startTimeSeconds + added,
      endTimeSeconds: job.endTimeSeconds === null ? null : job.endTimeSeconds + added,
    };
  });
}

async function replay(jobs: readonly TraceJob[]): Promise<ReplayReport> {
  const deps = createLearningDeps({
    ...memoryLearningStores(),
    bundles: new MemoryBundleStore(),
    gate: DEFAULT_GATE_CONFIG,
    logger: quietLogger,
  });
  const offset = imported.epochOffsetSeconds ?? 0;
  return replayTrace(deps, {
    clusterId: 'shifted',
    platform: 'kubernetes',
    jobs: [...jobs],
    snapshots: reconstructQueueState(jobs, { epochOffsetSeconds: offset }),
    epochOffsetSeconds: offset,
    hash: sha256Hex,
    includeJobs: true,
  });
}

/** The loop's outcome count when the first outcome of a job submitted at or after `cutSeconds` was observed. */
function firstShiftedOutcome(report: ReplayReport, cutSeconds: number): number {
  const observed = (report.replayedJobs ?? [])
    .filter((job) => job.waitSeconds !== null)
    .map((job) => ({ atSeconds: job.submitSeconds + (job.waitSeconds ?? 0), shifted: job.submitSeconds >= cutSeconds }))
    .sort((left, right) => left.atSeconds - right.atSeconds);
  return observed.findIndex((outcome) => outcome.shifted) + 1;
}

const isActing = (scope: string): boolean => scope === 'notify' || scope === 'autonomous';

describe('drift injected into a real trace', () => {
  const jobs = imported.jobs.slice(0, CUT + JOBS_AFTER_CUT);
  const cutSeconds = jobs[CUT]!.submitTimeSeconds;

  it('waits ×5 from job 5000 of the Alibaba GPU log: flagged, autonomy withdrawn within 200 outcomes, restored only once re-earned; unshifted: no alarm', async () => {
    const [original, shifted] = await Promise.all([replay(jobs), replay(withWaitsScaled(jobs, CUT, FACTOR))]);
    const shiftAt = firstShiftedOutcome(shifted, cutSeconds);
    const window = (report: ReplayReport) =>
      report.timeline.filter((entry) => entry.outcomes >= shiftAt && entry.outcomes <= shiftAt + 200);
    const answeredBeforeCut = (shifted.replayedJobs ?? []).filter((job) => job.submitSeconds < cutSeconds);

    // Agents were acting when the shift began, so there is autonomy to withdraw.
    expect(isActing(answeredBeforeCut.at(-1)!.scope)).toBe(true);
    // The unaltered log gives no alarm in the same stretch of outcomes: the alarm below is the shift's.
    expect(window(original).filter((entry) => entry.drift !== 'none')).toEqual([]);

    const response = window(shifted).find((entry) => entry.action === 'adapted' || entry.action === 'reset');
    expect(response, 'a drift response within 200 outcomes of the first shifted outcome').toBeDefined();
    expect(response!.reasons.join(' ')).toMatch(/more long waits than forecast/);
    expect(response!.scope).toBe('escalate');
    expect(response!.autonomy).toBe('withdrawn');

    // Autonomy comes back, and only on evidence gathered after the response.
    const restored = shifted.timeline.find(
      (entry) => entry.outcomes > response!.outcomes && entry.autonomy === 'restored',
    );
    expect(restored, 'autonomy restored later in the log').toBeDefined();
    expect(restored!.sampleCount).toBeLessThanOrEqual(restored!.outcomes - response!.outcomes);
    expect(restored!.sampleCount).toBeGreaterThanOrEqual(DEFAULT_GATE_CONFIG.minOutcomes);
  }, 120_000);
});

import { describe, it, expect } from 'vitest';
import { WAIT_QUANTILE_LEVELS } from '../../core/conformal/wait-distribution.ts';
import { formatVersusReport, versusReport, withinTolerance, type VersusRecord } from './versus-report.ts';

const spec = { submitOffsetSeconds: 0, gpus: 1, timeLimitMinutes: 1, runSeconds: 30 };
/** Every quantile at 100 s: the pinball loss is 0.5·|wait − 100| (the mean of τ and of 1 − τ over 0.1…0.9 is 0.5), the 80 % interval [100, 100]. */
const FLAT_100 = WAIT_QUANTILE_LEVELS.map(() => 100);

function record(
  index: number,
  fields: {
    ours: { point: number | null; lower: number | null; upper: number | null; quantiles: readonly number[] | null };
    depth: number;
    slurm: number | null;
    pending: boolean;
    realised: number | null;
    censored?: number;
  },
): VersusRecord {
  return {
    index,
    jobId: String(index + 1),
    spec,
    submitMs: 0,
    ours: {
      pointSeconds: fields.ours.point,
      lowerSeconds: fields.ours.lower,
      upperSeconds: fields.ours.upper,
      quantilesSeconds: fields.ours.quantiles,
    },
    queueDepth: fields.depth,
    slurmSeconds: fields.slurm,
    pendingAtFirstLook: fields.pending,
    realisedSeconds: fields.realised,
    censoredAtLeastSeconds: fields.censored ?? null,
  };
}

const flat = { point: 100, lower: 100, upper: 100, quantiles: FLAT_100 };
/** Job 1 is the warm-up; 2 started at once; 3 (no distribution yet: the bundle's point and interval), 4 and 5 queued, 5 never started. */
const RECORDS: readonly VersusRecord[] = [
  record(0, { ours: flat, depth: 50, slurm: 9999, pending: true, realised: 5000 }),
  record(1, { ours: flat, depth: 0, slurm: 0, pending: false, realised: 0 }),
  record(2, {
    ours: { point: 50, lower: 0, upper: 200, quantiles: null },
    depth: 4,
    slurm: 400,
    pending: true,
    realised: 300,
  }),
  record(3, { ours: flat, depth: 8, slurm: null, pending: true, realised: 100 }),
  record(4, { ours: flat, depth: 2, slurm: 500, pending: true, realised: null, censored: 700 }),
];

describe('withinTolerance', () => {
  it('withinTolerance allows 20 % of the realised wait or 60 s, whichever is larger', () => {
    expect(withinTolerance(60, 0)).toBe(true);
    expect(withinTolerance(61, 0)).toBe(false);
    expect(withinTolerance(1200, 1000)).toBe(true);
    expect(withinTolerance(1201, 1000)).toBe(false);
  });
});

describe('versusReport', () => {
  it('versusReport judges all compared jobs: points, our interval and the replay metrics of both', () => {
    const report = versusReport(RECORDS, 1);

    // Compared: jobs 2–5; waits 0, 300, 100 (job 5 censored) → median 100, max 300.
    expect(report).toMatchObject({ compared: 4, started: 3, censored: 1 });
    expect(report.all).toMatchObject({ jobs: 4, started: 3, realisedMedianSeconds: 100, realisedMaxSeconds: 300 });
    // Ours: (100 vs 0), (50 vs 300), (100 vs 100): MAE (100 + 250 + 0) / 3, bias (100 − 250 + 0) / 3; only the last
    // within max(20 %, 60 s). Slurm: (0 vs 0), (400 vs 300), N/A for job 4: MAE 50, bias 50, within 1 of 2.
    expect(report.all.point.ours.count).toBe(3);
    expect(report.all.point.ours.maeSeconds).toBeCloseTo(350 / 3, 9);
    expect(report.all.point.ours.biasSeconds).toBeCloseTo(-50, 9);
    expect(report.all.point.ours.within).toBeCloseTo(1 / 3, 12);
    expect(report.all.point.slurm).toEqual({ count: 2, maeSeconds: 50, biasSeconds: 50, within: 0.5 });
    // Intervals [100, 100] ∌ 0, [0, 200] ∌ 300, [100, 100] ∋ 100.
    expect(report.all.oursIntervalCoverage).toBeCloseTo(1 / 3, 12);
    // Distributions judged: jobs 2 and 4 (3 has none, 5 no wait). Pinball 0.5·|0 − 100| = 50 and 0 → 25; covered:
    // job 4 only; widths of jobs 2, 4, 5 all 0; ×2-or-60 s: job 4 only of the three points. Every wait ≤ 15 min
    // and P(start ≤ T) = 1 past the point mass at 100 s: ECE 0 at every T.
    // Terciles: depths 0, 4, 8, 2 → cuts (type-7 1/3 quantile of [0, 2, 4, 8] = 2; median of [4, 8] = 6): job 2
    // in the first (not covered), job 4 in the third (covered).
    expect(report.all.distribution.ours).toEqual({
      jobs: 4,
      judgedDistributions: 2,
      judgedPoints: 3,
      metrics: {
        pinball: 25,
        coverage80: 0.5,
        coverage80ByQueueTercile: [0, null, 1],
        medianWidthSeconds: 0,
        withinFactor2: expect.closeTo(1 / 3, 12) as number,
        startWithinEce: { 900: 0, 3600: 0, 14400: 0 },
      },
    });
    // Slurm: points only. 0 vs 0 within 60 s; 400 vs 300 within ×2.
    expect(report.all.distribution.slurm).toEqual({
      jobs: 4,
      judgedDistributions: 0,
      judgedPoints: 2,
      metrics: {
        pinball: null,
        coverage80: null,
        coverage80ByQueueTercile: [null, null, null],
        medianWidthSeconds: null,
        withinFactor2: 1,
        startWithinEce: { 900: null, 3600: null, 14400: null },
      },
    });
  });

  it('versusReport judges the queued jobs (pending at the first look) apart, with the terciles of all jobs', () => {
    const report = versusReport(RECORDS, 1);

    // Queued: jobs 3, 4, 5; waits 300 and 100.
    expect(report.queued).toMatchObject({ jobs: 3, started: 2, realisedMedianSeconds: 200, realisedMaxSeconds: 300 });
    expect(report.queued.point.ours).toEqual({ count: 2, maeSeconds: 125, biasSeconds: -125, within: 0.5 });
    expect(report.queued.point.slurm).toEqual({ count: 1, maeSeconds: 100, biasSeconds: 100, within: 0 });
    expect(report.queued.oursIntervalCoverage).toBe(0.5);
    expect(report.queued.distribution.ours).toMatchObject({
      jobs: 3,
      judgedDistributions: 1,
      judgedPoints: 2,
      metrics: { pinball: 0, coverage80: 1, coverage80ByQueueTercile: [null, null, 1], withinFactor2: 0.5 },
    });
    expect(report.queued.distribution.slurm.metrics.withinFactor2).toBe(1);
  });

  it('versusReport gives null, not NaN, for a group without jobs, and survives JSON', () => {
    const report = versusReport(RECORDS.slice(0, 3), 1);

    expect(report.queued.jobs).toBe(1);
    const none = versusReport(
      RECORDS.filter((entry) => !entry.pendingAtFirstLook),
      0,
    ).queued;
    expect(none).toMatchObject({
      jobs: 0,
      realisedMedianSeconds: null,
      point: { ours: { count: 0, maeSeconds: null, within: null } },
      oursIntervalCoverage: null,
      distribution: { ours: { metrics: { pinball: null, withinFactor2: null } } },
    });
    expect(JSON.parse(JSON.stringify(none))).toEqual(none);
  });
});

describe('formatVersusReport', () => {
  it('formatVersusReport prints both groups of both tables and lists the censored jobs', () => {
    const text = formatVersusReport(RECORDS, versusReport(RECORDS, 1));

    // The numbers of the versusReport tests above, as the table shows them.
    expect(text).toContain(
      '4 jobs (after a warm-up of 1); 3 started, 1 censored; queued (pending at the first look after submit): 3',
    );
    expect(text).toContain('| all | 3 | 117 s | 50 s | -50 s | 50 s | 33 % | 50 % | 1 | 33 % |');
    expect(text).toContain('| queued | 2 | 2.1 min | 100 s | -2.1 min | 100 s | 50 % | 0 % | 1 | 50 % |');
    expect(text).toContain('| ours (vgac) | all | 2 | 3 | 25 s | 50 % | 0 s | 33 % | 0.000 / 0.000 / 0.000 |');
    expect(text).toContain('| slurm | all | 0 | 2 | — | — | — | 100 % | — / — / — |');
    expect(text).toContain('| ours (vgac) | queued | 1 | 2 | 0 s | 100 % | 0 s | 50 % | 0.000 / 0.000 / 0.000 |');
    expect(text).toContain('censored: job 5 never started; waited at least 11.7 min (cancelled)');
    expect(text).not.toContain('job 1 ');
  });
});

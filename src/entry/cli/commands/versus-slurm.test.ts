import { describe, it, expect } from 'vitest';
import { formatVersusReport, versusReportJson, withinTolerance, type VersusRecord } from './versus-slurm.ts';

const spec = { submitOffsetSeconds: 0, gpus: 1, timeLimitMinutes: 1, runSeconds: 30 };

function record(
  index: number,
  ours: { point: number; lower: number; upper: number },
  slurmSeconds: number | null,
  realisedSeconds: number | null,
  censoredAtLeastSeconds: number | null = null,
): VersusRecord {
  return {
    index,
    jobId: String(index + 1),
    spec,
    submitMs: 0,
    slurmSeconds,
    realisedSeconds,
    censoredAtLeastSeconds,
    ours: {
      bin: 0,
      pointSeconds: ours.point,
      base: null,
      issued: { lowerSeconds: ours.lower, upperSeconds: ours.upper },
      source: 'observed',
    },
  };
}

describe('withinTolerance', () => {
  it('withinTolerance allows 20 % of the realised wait or 60 s, whichever is larger', () => {
    expect(withinTolerance(60, 0)).toBe(true);
    expect(withinTolerance(61, 0)).toBe(false);
    expect(withinTolerance(1200, 1000)).toBe(true);
    expect(withinTolerance(1201, 1000)).toBe(false);
  });
});

describe('formatVersusReport', () => {
  it('formatVersusReport compares only the jobs after the warm-up and lists the censored ones', () => {
    const records = [
      record(0, { point: 500, lower: 0, upper: 1 }, 500, 0),
      record(1, { point: 10, lower: 0, upper: 20 }, 100, 10),
      record(2, { point: 0, lower: 0, upper: 5 }, null, 30),
      record(3, { point: 0, lower: 0, upper: 5 }, 40, null, 400),
    ];

    const report = formatVersusReport(records, { warmUp: 1, offeredLoad: 0.8 });

    // Ours: |10 − 10| and |0 − 30| → MAE 15, both within 60 s, 1 of 2 intervals covers.
    // Slurm: job 2 only (N/A for job 3): |100 − 10| = 90 > 60.
    expect(report).toContain('| jobs compared | 2 | 1 (N/A for 1) |');
    expect(report).toContain('| mean absolute error | 15.0 s | 90.0 s |');
    expect(report).toContain('| within 20 % or 60 s | 100 % | 0 % |');
    expect(report).toContain('| interval coverage (nominal 80 %) | 50 % |');
    expect(report).toContain('2 started, 1 censored');
    expect(report).toContain('censored: job 4 never started; waited at least 400.0 s');
  });
});

describe('versusReportJson', () => {
  it("versusReportJson carries the numbers of the table, with an empty group's means as null", () => {
    const records = [
      record(0, { point: 500, lower: 0, upper: 1 }, 500, 0),
      record(1, { point: 10, lower: 0, upper: 20 }, 100, 10),
      record(2, { point: 0, lower: 0, upper: 5 }, null, 30),
      record(3, { point: 0, lower: 0, upper: 5 }, 40, null, 400),
    ];

    const report = versusReportJson(records, { warmUp: 1, offeredLoad: 0.8 }, {});
    const empty = versusReportJson(
      [record(0, { point: 1, lower: 0, upper: 2 }, null, 1)],
      { warmUp: 1, offeredLoad: 0.5 },
      {},
    );

    // As formatVersusReport above: ours MAE (0 + 30) / 2 = 15, bias (0 − 30) / 2 = −15; Slurm job 2 only: 100 − 10 = 90.
    expect(report).toMatchObject({
      started: 2,
      censored: 1,
      ours: { count: 2, maeSeconds: 15, biasSeconds: -15, within: 1, intervalCoverage: 0.5 },
      slurm: { count: 1, maeSeconds: 90, within: 0 },
    });
    expect(empty).toMatchObject({
      started: 0,
      ours: { count: 0, maeSeconds: null, intervalCoverage: null },
      slurm: { maeSeconds: null },
    });
    expect(JSON.parse(JSON.stringify(empty))).toEqual(empty);
  });
});

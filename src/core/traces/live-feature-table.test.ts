import { describe, expect, it } from 'vitest';
import { InsufficientDataError, InvalidInputError } from '../errors.ts';
import { seededRandom } from '../random.ts';
import { gpusForProcessors, LIVE_PRIOR_FEATURES, liveFeatureTable } from './live-feature-table.ts';
import type { TraceJob } from './trace-job.ts';

function job(index: number, fields: Partial<TraceJob> = {}): TraceJob {
  return {
    id: String(index),
    submitTimeSeconds: index * 10,
    startTimeSeconds: index * 10 + index,
    censoredAtSeconds: null,
    endTimeSeconds: index * 10 + index + 5,
    requestedProcessors: 4,
    requestedGpus: 1,
    requestedMemoryMb: null,
    requestedTimeSeconds: 600,
    user: 'u',
    queue: 'gpu',
    qos: '',
    status: 'completed',
    ...fields,
  };
}

/** 30 jobs, job i submitted at 10·i and started i s later (wait i), each ending 5 s after it starts. */
const JOBS = Array.from({ length: 30 }, (_, index) => job(index));

describe('liveFeatureTable', () => {
  it("liveFeatureTable takes the log's own GPU counts, one row per started job, labelled above the P90 wait", () => {
    const table = liveFeatureTable(JOBS, { rows: 1000, random: seededRandom(1), source: 'log' });

    expect(table.numericFeatures).toEqual([...LIVE_PRIOR_FEATURES]);
    expect(table.rows).toHaveLength(30);
    // Waits 0…29 s: the P90 by index floor(0.9 · 29) = 26 of the sorted waits is 26 s; waits 27, 28, 29 are long.
    expect(table.labelThresholdSeconds).toBe(26);
    expect([...(table.labels ?? [])].reduce((sum, label) => sum + label, 0)).toBe(3);
    // Job 12 is submitted at 120 (wait 12 s). Job 11 (submitted 110) starts only at 121: 1 job and 1 GPU
    // pending ahead. Job 10 ran 110–115: nothing runs at 120, so 0 GPUs in use.
    const row12 = table.rows[[...(table.waitsSeconds ?? [])].indexOf(12)];
    expect(row12).toEqual([1, 1, 0, 1, 600]);
  });

  it('liveFeatureTable reads a job without a time limit as asking for none', () => {
    const unlimited = JOBS.map((entry) => ({ ...entry, requestedTimeSeconds: null }));

    const table = liveFeatureTable(unlimited, { rows: 1000, random: seededRandom(1), source: 'log' });

    expect(table.rows.every((row) => row[4] === 0)).toBe(true);
  });

  it("liveFeatureTable maps processors onto the live cluster's GPUs when the log has none, and scales time", () => {
    const cpuOnly = JOBS.map((entry) => ({ ...entry, requestedGpus: 0, requestedProcessors: 16 }));

    const table = liveFeatureTable(cpuOnly, {
      totalGpus: 8,
      timeScale: 2,
      rows: 1000,
      random: seededRandom(1),
      source: 'swf',
    });

    // Per processor 8 / 16 = 0.5 GPU; a 16-processor job asks for 1 + floor(log2(16) / 2) = 3 GPUs; times ÷ 2.
    const row12 = table.rows[[...(table.waitsSeconds ?? [])].indexOf(12 / 2)];
    expect(row12).toEqual([1, 8, 0, 3, 300]);
    expect(gpusForProcessors(16, 8)).toBe(3);
  });

  it('liveFeatureTable subsamples to `rows`, reproducibly for a seed', () => {
    const first = liveFeatureTable(JOBS, { rows: 20, random: seededRandom(7), source: 'log' });
    const again = liveFeatureTable(JOBS, { rows: 20, random: seededRandom(7), source: 'log' });

    expect(first.rows).toHaveLength(20);
    expect(again).toEqual(first);
  });

  it('liveFeatureTable refuses a log without GPUs and no cluster size, too few started jobs, and bad options', () => {
    const cpuOnly = JOBS.map((entry) => ({ ...entry, requestedGpus: 0 }));

    expect(() => liveFeatureTable(cpuOnly, { rows: 10, random: seededRandom(1), source: 'kth.swf' })).toThrow(
      "kth.swf records no GPU request: give the live cluster's GPU count",
    );
    expect(() => liveFeatureTable(JOBS.slice(0, 19), { rows: 10, random: seededRandom(1), source: 'log' })).toThrow(
      InsufficientDataError,
    );
    expect(() => liveFeatureTable(JOBS, { rows: 0, random: seededRandom(1), source: 'log' })).toThrow(
      InvalidInputError,
    );
    expect(() => liveFeatureTable(JOBS, { totalGpus: 0, rows: 5, random: seededRandom(1), source: 'log' })).toThrow(
      'totalGpus must be an integer ≥ 1, got 0',
    );
    expect(() => liveFeatureTable(JOBS, { timeScale: 0, rows: 5, random: seededRandom(1), source: 'log' })).toThrow(
      'timeScale must be > 0, got 0',
    );
  });
});

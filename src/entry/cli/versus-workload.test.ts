import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { seededRandom } from '../../core/random.ts';
import type { TraceJob } from '../../core/traces/trace-job.ts';
import { gpusForProcessors } from '../../core/traces/live-feature-table.ts';
import { buildVersusWorkload, offeredLoad, runToLimitRatio } from './versus-workload.ts';

function traceJob(overrides: Partial<TraceJob> & Pick<TraceJob, 'submitTimeSeconds'>): TraceJob {
  const start = overrides.startTimeSeconds ?? overrides.submitTimeSeconds;
  return {
    id: `j${overrides.submitTimeSeconds}`,
    startTimeSeconds: start,
    censoredAtSeconds: null,
    endTimeSeconds: start + 1800,
    requestedProcessors: 1,
    requestedGpus: 0,
    requestedMemoryMb: null,
    requestedTimeSeconds: 7200,
    user: '',
    queue: '',
    qos: '',
    status: 'completed',
    ...overrides,
  };
}

const zero = (): number => 0;

describe('offeredLoad', () => {
  it('offeredLoad divides the GPU-seconds asked for by the GPU-seconds available', () => {
    // 2·30 + 1·60 + 4·15 = 180 GPU·s over 4 GPUs · 90 s = 360 GPU·s → 0.5.
    const jobs = [
      { gpus: 2, runSeconds: 30 },
      { gpus: 1, runSeconds: 60 },
      { gpus: 4, runSeconds: 15 },
    ];

    const load = offeredLoad(jobs, 4, 90);

    expect(load).toBeCloseTo(0.5, 12);
  });

  it('offeredLoad rejects a cluster without GPUs or an empty window', () => {
    expect(() => offeredLoad([], 0, 90)).toThrow(/totalGpus/);
    expect(() => offeredLoad([], 4, 0)).toThrow(/durationSeconds/);
  });
});

describe('runToLimitRatio', () => {
  it('runToLimitRatio is run time over requested time', () => {
    const job = traceJob({
      submitTimeSeconds: 0,
      startTimeSeconds: 100,
      endTimeSeconds: 160,
      requestedTimeSeconds: 240,
    });

    expect(runToLimitRatio(job)).toBeCloseTo(0.25, 12);
  });

  it('runToLimitRatio caps a job that overran its limit at 1 and is 0 without a limit', () => {
    const overran = traceJob({
      submitTimeSeconds: 0,
      startTimeSeconds: 0,
      endTimeSeconds: 300,
      requestedTimeSeconds: 240,
    });
    const unlimited = traceJob({ submitTimeSeconds: 0, requestedTimeSeconds: null });

    expect(runToLimitRatio(overran)).toBe(1);
    expect(runToLimitRatio(unlimited)).toBe(0);
  });
});

describe('gpusForProcessors', () => {
  it('gpusForProcessors maps processors to 1 + floor(log2(p) / 2) GPUs, capped at the cluster', () => {
    // log2: 3 → 1.58, 4 → 2, 15 → 3.91, 16 → 4, 64 → 6, 1024 → 10.
    const mapped = [1, 3, 4, 15, 16, 64, 1024].map((processors) => gpusForProcessors(processors, 4));

    expect(mapped).toEqual([1, 1, 2, 2, 3, 4, 4]);
    expect(gpusForProcessors(1024, 16)).toBe(6);
  });
});

describe('buildVersusWorkload', () => {
  const base = {
    targetLoad: 1,
    durationSeconds: 60,
    timeScale: 60,
    totalGpus: 4,
    maxLimitMinutes: 2,
    minRunSeconds: 2,
    random: zero,
  };

  it('buildVersusWorkload keeps the trace arrivals, scales limits and samples run times from the trace ratios', () => {
    // Requested 7200 s ÷ 60 = 120 s → 2 min; requested 3600 s → 1 min; 36000 s → 10 min, capped at 2.
    const trace = [
      traceJob({
        submitTimeSeconds: 0,
        startTimeSeconds: 0,
        endTimeSeconds: 1800,
        requestedTimeSeconds: 7200,
        requestedProcessors: 1,
      }),
      traceJob({
        submitTimeSeconds: 100,
        startTimeSeconds: 200,
        endTimeSeconds: 3800,
        requestedTimeSeconds: 3600,
        requestedProcessors: 16,
      }),
      traceJob({
        submitTimeSeconds: 300,
        startTimeSeconds: 300,
        endTimeSeconds: 300 + 36000,
        requestedTimeSeconds: 36000,
        requestedProcessors: 4,
      }),
      traceJob({ submitTimeSeconds: 900, requestedProcessors: 1 }),
    ];

    const workload = buildVersusWorkload(trace, { ...base, count: 3 });

    // Offsets: (0, 100, 300) / 300 · 60 s. Runs: 0.25 · 120 = 30 s; 1 · 60 = 60 s; 1 · 120 = 120 s.
    expect(workload).toEqual([
      { submitOffsetSeconds: 0, gpus: 1, timeLimitMinutes: 2, runSeconds: 30 },
      { submitOffsetSeconds: 20, gpus: 3, timeLimitMinutes: 1, runSeconds: 60 },
      { submitOffsetSeconds: 60, gpus: 2, timeLimitMinutes: 2, runSeconds: 120 },
    ]);
  });

  it('buildVersusWorkload never runs a job for less than the minimum run time', () => {
    // 6 s of a 7200 s limit: 0.00083 · 120 s = 0.1 s → 2 s.
    const trace = [
      traceJob({ submitTimeSeconds: 0, endTimeSeconds: 6 }),
      traceJob({ submitTimeSeconds: 10 }),
      traceJob({ submitTimeSeconds: 20 }),
    ];

    const workload = buildVersusWorkload(trace, { ...base, count: 2 });

    expect(workload[0]?.runSeconds).toBe(2);
  });

  it('buildVersusWorkload takes as many jobs as reach the target offered load', () => {
    // Each job: 1 GPU · 0.25 · 120 s = 30 GPU·s. 2 GPUs · 60 s · 0.5 = 60 GPU·s → 2 jobs; · 0.75 = 90 → 3 jobs.
    const trace = Array.from({ length: 6 }, (_, index) => traceJob({ submitTimeSeconds: index * 10 }));
    const options = { ...base, totalGpus: 2 };

    const half = buildVersusWorkload(trace, { ...options, targetLoad: 0.5 });
    const threeQuarters = buildVersusWorkload(trace, { ...options, targetLoad: 0.75 });

    expect(half).toHaveLength(2);
    expect(threeQuarters).toHaveLength(3);
    expect(offeredLoad(threeQuarters, 2, 60)).toBeCloseTo(0.75, 12);
  });

  it('buildVersusWorkload reaches the target load with the fewest jobs, runs within their limits', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            gap: fc.integer({ min: 0, max: 600 }),
            run: fc.integer({ min: 1, max: 20_000 }),
            requested: fc.integer({ min: 60, max: 20_000 }),
            processors: fc.integer({ min: 1, max: 128 }),
          }),
          { minLength: 60, maxLength: 80 },
        ),
        fc.double({ min: 0.05, max: 0.9, noNaN: true }),
        fc.integer({ min: 0, max: 1000 }),
        (rows, targetLoad, seed) => {
          let submit = 0;
          const trace = rows.map((row) => {
            submit += row.gap;
            return traceJob({
              submitTimeSeconds: submit,
              startTimeSeconds: submit,
              endTimeSeconds: submit + row.run,
              requestedTimeSeconds: row.requested,
              requestedProcessors: row.processors,
            });
          });
          const options = { ...base, targetLoad, durationSeconds: 30, random: seededRandom(seed) };

          const workload = buildVersusWorkload(trace, options);

          for (const job of workload) {
            expect(job.runSeconds).toBeGreaterThanOrEqual(2);
            expect(job.runSeconds).toBeLessThanOrEqual(job.timeLimitMinutes * 60);
            expect(job.submitOffsetSeconds).toBeGreaterThanOrEqual(0);
            expect(job.submitOffsetSeconds).toBeLessThanOrEqual(30);
          }
          const reachedEnd = workload.length === trace.length - Math.floor(seededRandom(seed)() * (trace.length - 2));
          if (!reachedEnd) expect(offeredLoad(workload, 4, 30)).toBeGreaterThanOrEqual(targetLoad - 1e-9);
          if (workload.length > 2) expect(offeredLoad(workload.slice(0, -1), 4, 30)).toBeLessThan(targetLoad);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('buildVersusWorkload refuses a trace with too few usable jobs', () => {
    const trace = [
      traceJob({ submitTimeSeconds: 0 }),
      traceJob({ submitTimeSeconds: 10, startTimeSeconds: null, endTimeSeconds: null, censoredAtSeconds: 20 }),
    ];

    expect(() => buildVersusWorkload(trace, { ...base, count: 2 })).toThrow(/1 usable jobs; 2 needed/);
  });
});

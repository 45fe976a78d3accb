import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { seededRandom } from '../../core/random.ts';
import type { TraceJob } from '../../core/traces/trace-job.ts';
import { gpusForProcessors } from '../../core/traces/live-feature-table.ts';
import { InsufficientDataError, InvalidInputError } from '../../core/errors.ts';
import {
  buildBurstWorkload,
  buildVersusWorkload,
  burstDemandGpus,
  offeredLoad,
  runToLimitRatio,
  type BurstJob,
} from './versus-workload.ts';

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

describe('buildBurstWorkload', () => {
  const base = {
    totalGpus: 4,
    bursts: 2,
    overload: 2,
    timeScale: 60,
    maxLimitMinutes: 2,
    minRunSeconds: 2,
    random: zero,
  };
  // A: 16 processors → 1 + floor(log2(16) / 2) = 3 GPUs, limit 7200 s ÷ 60 = 2 min, ran a quarter of it → 30 s.
  // B: 4 processors → 2 GPUs, limit 3600 s ÷ 60 = 1 min, ran all of it → 60 s.
  // C: 1 processor → 1 GPU, limit 36000 s ÷ 60 = 10 min capped at 2, ran all of it → 120 s.
  const A = traceJob({
    submitTimeSeconds: 0,
    endTimeSeconds: 1800,
    requestedTimeSeconds: 7200,
    requestedProcessors: 16,
  });
  const B = traceJob({
    submitTimeSeconds: 5,
    endTimeSeconds: 5 + 3600,
    requestedTimeSeconds: 3600,
    requestedProcessors: 4,
  });
  const C = traceJob({
    submitTimeSeconds: 9,
    endTimeSeconds: 9 + 36000,
    requestedTimeSeconds: 36000,
    requestedProcessors: 1,
  });

  it('buildBurstWorkload fills each burst to overload × the cluster GPUs and spaces bursts by their work', () => {
    const workload = buildBurstWorkload([A, B, C], base);

    // Demand ≥ 2 × 4 = 8 GPUs a burst. Burst 0: A 3, B 5, C 6, A 9 → work 90 + 120 + 120 + 90 = 420 GPU·s,
    // drained by 4 GPUs in 105 s. Burst 1 at 105 s: B 2, C 3, A 6, B 8.
    const a = { gpus: 3, timeLimitMinutes: 2, runSeconds: 30 };
    const b = { gpus: 2, timeLimitMinutes: 1, runSeconds: 60 };
    const c = { gpus: 1, timeLimitMinutes: 2, runSeconds: 120 };
    expect(workload).toEqual([
      { submitOffsetSeconds: 0, burst: 0, ...a },
      { submitOffsetSeconds: 0, burst: 0, ...b },
      { submitOffsetSeconds: 0, burst: 0, ...c },
      { submitOffsetSeconds: 0, burst: 0, ...a },
      { submitOffsetSeconds: 105, burst: 1, ...b },
      { submitOffsetSeconds: 105, burst: 1, ...c },
      { submitOffsetSeconds: 105, burst: 1, ...a },
      { submitOffsetSeconds: 105, burst: 1, ...b },
    ]);
    expect(burstDemandGpus(workload)).toEqual([9, 8]);
  });

  it('buildBurstWorkload caps run times at maxRunSeconds, limits unchanged', () => {
    const workload = buildBurstWorkload([A, B, C], { ...base, bursts: 1, maxRunSeconds: 45 });

    // Runs 30, 60 → 45, 120 → 45, 30; work 90 + 90 + 45 + 90 = 315 (the next burst would come at 78.75 s).
    expect(workload.map((job) => [job.runSeconds, job.timeLimitMinutes])).toEqual([
      [30, 2],
      [45, 1],
      [45, 2],
      [30, 2],
    ]);
  });

  it('buildBurstWorkload: every burst asks for at least overload × GPUs, and would not without its last job; same seed, same workload', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            run: fc.integer({ min: 1, max: 20_000 }),
            requested: fc.integer({ min: 60, max: 20_000 }),
            processors: fc.integer({ min: 1, max: 1024 }),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        fc.integer({ min: 1, max: 32 }),
        fc.integer({ min: 1, max: 4 }),
        fc.double({ min: 1.01, max: 5, noNaN: true }),
        fc.integer({ min: 0, max: 1000 }),
        (rows, totalGpus, bursts, overload, seed) => {
          const trace = rows.map((row, index) =>
            traceJob({
              submitTimeSeconds: index * 10,
              startTimeSeconds: index * 10,
              endTimeSeconds: index * 10 + row.run,
              requestedTimeSeconds: row.requested,
              requestedProcessors: row.processors,
            }),
          );
          const options = { ...base, totalGpus, bursts, overload };

          const workload = buildBurstWorkload(trace, { ...options, random: seededRandom(seed) });
          const again = buildBurstWorkload(trace, { ...options, random: seededRandom(seed) });

          expect(again).toEqual(workload);
          let offset = 0;
          for (let burst = 0; burst < bursts; burst += 1) {
            const jobs = workload.filter((job: BurstJob) => job.burst === burst);
            const gpus = jobs.map((job) => job.gpus);
            const demand = gpus.reduce((sum, value) => sum + value, 0);
            expect(demand).toBeGreaterThanOrEqual(overload * totalGpus);
            expect(demand - (gpus[gpus.length - 1] as number)).toBeLessThan(overload * totalGpus);
            for (const job of jobs) {
              expect(job.submitOffsetSeconds).toBeCloseTo(offset, 9);
              expect(job.gpus).toBeLessThanOrEqual(totalGpus);
              expect(job.runSeconds).toBeLessThanOrEqual(job.timeLimitMinutes * 60);
            }
            offset += jobs.reduce((sum, job) => sum + job.gpus * job.runSeconds, 0) / totalGpus;
          }
          expect(workload.every((job) => job.burst < bursts)).toBe(true);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('buildBurstWorkload refuses an overload that fits the cluster and a trace without usable jobs', () => {
    const unusable = traceJob({
      submitTimeSeconds: 0,
      startTimeSeconds: null,
      endTimeSeconds: null,
      censoredAtSeconds: 5,
    });

    expect(() => buildBurstWorkload([A], { ...base, overload: 1 })).toThrow(InvalidInputError);
    expect(() => buildBurstWorkload([A], { ...base, overload: 1 })).toThrow(/overload must be a number > 1, got 1/);
    expect(() => buildBurstWorkload([A], { ...base, bursts: 0, maxRunSeconds: 1 })).toThrow(
      /bursts must be an integer ≥ 1, got 0; maxRunSeconds must be ≥ minRunSeconds \(2\), got 1/,
    );
    expect(() => buildBurstWorkload([unusable], base)).toThrow(InsufficientDataError);
  });
});

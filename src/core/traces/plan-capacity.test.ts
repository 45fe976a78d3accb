import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readSharedData, SharedDataFile } from '../../../test/support/shared-data.ts';
import { importAlibabaGpu } from './alibaba-gpu-importer.ts';
import { peakConcurrentUsage, resolvePlanCapacity } from './plan-capacity.ts';
import { importSwf } from './swf-importer.ts';
import type { TraceJob } from './trace-job.ts';

function job(fields: Partial<TraceJob> & Pick<TraceJob, 'id' | 'submitTimeSeconds'>): TraceJob {
  return {
    startTimeSeconds: null,
    censoredAtSeconds: null,
    endTimeSeconds: null,
    requestedProcessors: 1,
    requestedGpus: 0,
    requestedMemoryMb: null,
    requestedTimeSeconds: null,
    user: '',
    queue: '',
    qos: '',
    status: 'completed',
    ...fields,
  };
}

/** A job that ran over [start, end) (end null: still running) holding `processors` and `gpus`. */
function ran(id: string, start: number, end: number | null, processors: number, gpus = 0): TraceJob {
  return job({
    id,
    submitTimeSeconds: 0,
    startTimeSeconds: start,
    endTimeSeconds: end,
    requestedProcessors: processors,
    requestedGpus: gpus,
  });
}

/** The peak by brute force: usage just after every start instant, each job held on [start, end). */
function peakByScan(jobs: readonly TraceJob[], request: (entry: TraceJob) => number): number {
  let peak = 0;
  for (const probe of jobs) {
    if (probe.startTimeSeconds === null) continue;
    const instant = probe.startTimeSeconds;
    let used = 0;
    for (const other of jobs) {
      if (other.startTimeSeconds === null || other.startTimeSeconds > instant) continue;
      if (other.endTimeSeconds !== null && other.endTimeSeconds <= instant) continue;
      used += request(other);
    }
    peak = Math.max(peak, used);
  }
  return peak;
}

describe('peakConcurrentUsage', () => {
  it('peakConcurrentUsage nets ends and starts at one instant and holds open-ended jobs for ever', () => {
    // [0,10)×2, [5,15)×3, [10,20)×4, [12,∞)×1, a zero-length [5,5)×100, a censored job ×50.
    // Usage: [0,5) 2; [5,10) 5; [10,12) 3+4 = 7 (the first job ends as the third starts);
    // [12,15) 8; [15,20) 5; [20,∞) 1. Peak 8.
    const jobs = [
      ran('a', 0, 10, 2),
      ran('b', 5, 15, 3),
      ran('c', 10, 20, 4),
      ran('d', 12, null, 1),
      ran('e', 5, 5, 100),
      job({ id: 'f', submitTimeSeconds: 0, censoredAtSeconds: 30, requestedProcessors: 50 }),
    ];

    expect(peakConcurrentUsage(jobs, 'processors')).toBe(8);
  });

  it('peakConcurrentUsage adds fractional GPUs exactly and is 0 when nothing ran', () => {
    // 0.1 + 0.2 in binary floating point is 0.30000000000000004; counted in millionths it is 0.3.
    const jobs = [ran('a', 0, 10, 8, 0.1), ran('b', 1, 10, 8, 0.2)];

    expect(peakConcurrentUsage(jobs, 'gpus')).toBe(0.3);
    expect(peakConcurrentUsage(jobs, 'processors')).toBe(16);
    expect(peakConcurrentUsage([job({ id: 'x', submitTimeSeconds: 0, censoredAtSeconds: 5 })], 'processors')).toBe(0);
  });

  it('peakConcurrentUsage names a job whose end precedes its start', () => {
    expect(() => peakConcurrentUsage([ran('bad', 10, 5, 1)], 'processors')).toThrow(
      'job bad: end 5 is not a finite time ≥ start 10',
    );
  });

  it('peakConcurrentUsage equals the brute-force scan over every start instant', () => {
    const arbitraryRun = fc.record({
      start: fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }),
      run: fc.option(fc.integer({ min: 0, max: 15 }), { nil: null }),
      processors: fc.integer({ min: 0, max: 6 }),
      gpus: fc.constantFrom(0, 0.25, 0.5, 1, 2),
    });

    fc.assert(
      fc.property(fc.array(arbitraryRun, { maxLength: 12 }), (runs) => {
        const jobs = runs.map(({ start, run, processors, gpus }, index) =>
          start === null
            ? job({
                id: `${index}`,
                submitTimeSeconds: 0,
                censoredAtSeconds: 1,
                requestedProcessors: processors,
                requestedGpus: gpus,
              })
            : ran(`${index}`, start, run === null ? null : start + run, processors, gpus),
        );

        expect(peakConcurrentUsage(jobs, 'processors')).toBe(peakByScan(jobs, (entry) => entry.requestedProcessors));
        expect(peakConcurrentUsage(jobs, 'gpus')).toBe(peakByScan(jobs, (entry) => entry.requestedGpus));
      }),
    );
  });
});

describe('resolvePlanCapacity', () => {
  it('resolvePlanCapacity takes the declared processors of the KTH SP2 log', () => {
    const imported = importSwf(readSharedData(SharedDataFile.kthSwf));

    // The header says `; MaxProcs: 100`; no job requests a GPU.
    expect(resolvePlanCapacity(imported)).toEqual({ resource: 'processors', amount: 100, source: 'declared' });
  });

  it('resolvePlanCapacity infers the GPUs of the Alibaba log as its peak concurrent allocation', () => {
    const imported = importAlibabaGpu(readSharedData(SharedDataFile.alibabaOpenbPods));

    const capacity = resolvePlanCapacity(imported);

    expect(capacity).toMatchObject({ resource: 'gpus', source: 'inferred' });
    expect(capacity.amount).toBeCloseTo(
      peakByScan(imported.jobs, (entry) => entry.requestedGpus),
      6,
    );
  });

  it('resolvePlanCapacity plans on GPUs when any job asks for one, declared or else inferred', () => {
    const jobs = [ran('a', 0, 10, 4, 0), ran('b', 5, 10, 4, 1.5)];

    expect(resolvePlanCapacity({ jobs, capacity: { processors: 64, gpus: null } })).toEqual({
      resource: 'gpus',
      amount: 1.5,
      source: 'inferred',
    });
    expect(resolvePlanCapacity({ jobs, capacity: { processors: 64, gpus: 8 } })).toEqual({
      resource: 'gpus',
      amount: 8,
      source: 'declared',
    });
    expect(resolvePlanCapacity({ jobs: [ran('a', 0, 10, 4), ran('b', 5, 10, 3)] })).toEqual({
      resource: 'processors',
      amount: 7,
      source: 'inferred',
    });
  });
});

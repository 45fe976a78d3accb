import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { backfillPlannedStarts } from './backfill-planned-starts.ts';
import { compareJobIds } from './compare-job-ids.ts';
import type { PlanResource } from './plan-capacity.ts';
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

/** Planned start by job id, to read hand-worked answers by name. */
function plannedById(jobs: readonly TraceJob[], planned: readonly (number | null)[]): Record<string, number | null> {
  return Object.fromEntries(jobs.map((entry, index) => [entry.id, planned[index] as number | null]));
}

const FOUR_PROCESSORS = { resource: 'processors', amount: 4 } as const;

describe('backfillPlannedStarts on hand-worked logs', () => {
  it('backfillPlannedStarts plans from time limits: a blocked job waits for a limit, a short one backfills at once', () => {
    // Capacity 4 processors.
    // a: submitted 0, runs 0–500 (its real end is unknown to the plan), 3 procs, limit 100.
    // b @10, 2 procs, limit 100: a holds 3 until 0 + 100 → 1 free → b fits at 100.
    // c @20, 1 proc, limit 50: free room [20,100) 1, [100,∞) 4; b is reserved on [100,200) →
    //   [100,200) 2. c needs 1 for 50: [20,70) has 1 → planned 20 (backfills at once).
    // d @30, 1 proc, limit 200: c really started at 20 and holds 1 until 20 + 50 = 70, a until 100 →
    //   [30,70) 0, [70,100) 1, [100,∞) 4; b reserved on [100,200) → 2 there. d needs 1 for 200:
    //   from 70 every segment has ≥ 1 → planned 70.
    const jobs = [
      job({
        id: 'a',
        submitTimeSeconds: 0,
        startTimeSeconds: 0,
        endTimeSeconds: 500,
        requestedProcessors: 3,
        requestedTimeSeconds: 100,
      }),
      job({
        id: 'b',
        submitTimeSeconds: 10,
        startTimeSeconds: 500,
        endTimeSeconds: 560,
        requestedProcessors: 2,
        requestedTimeSeconds: 100,
      }),
      job({
        id: 'c',
        submitTimeSeconds: 20,
        startTimeSeconds: 20,
        endTimeSeconds: 40,
        requestedProcessors: 1,
        requestedTimeSeconds: 50,
      }),
      job({
        id: 'd',
        submitTimeSeconds: 30,
        startTimeSeconds: 600,
        endTimeSeconds: 700,
        requestedProcessors: 1,
        requestedTimeSeconds: 200,
      }),
    ];

    const planned = backfillPlannedStarts(jobs, FOUR_PROCESSORS);

    expect(plannedById(jobs, planned)).toEqual({ a: 0, b: 100, c: 20, d: 70 });
  });

  it('backfillPlannedStarts lets no long small job delay a reservation ahead of it', () => {
    // Capacity 4. a: runs from 0, 2 procs, limit 100.
    // b @10 needs all 4 for 50: 2 free until 100 → reserved [100,150).
    // l @20, 2 procs, limit 200: 2 are free now, but [20,220) would cross b's [100,150), which has 0
    //   free → the earliest window is [150,350) → planned 150.
    // s @30, 2 procs, limit 70: [30,100) has 2 free and is exactly 70 long → planned 30.
    // s2 @31, 2 procs, limit 70: s really started at 30 and holds 2 until 100 → [31,100) 0;
    //   b [100,150) 0; l [150,350) 2 → [150,220) → planned 150.
    const jobs = [
      job({
        id: 'a',
        submitTimeSeconds: 0,
        startTimeSeconds: 0,
        endTimeSeconds: 90,
        requestedProcessors: 2,
        requestedTimeSeconds: 100,
      }),
      job({
        id: 'b',
        submitTimeSeconds: 10,
        startTimeSeconds: 90,
        endTimeSeconds: 130,
        requestedProcessors: 4,
        requestedTimeSeconds: 50,
      }),
      job({
        id: 'l',
        submitTimeSeconds: 20,
        startTimeSeconds: 130,
        endTimeSeconds: 300,
        requestedProcessors: 2,
        requestedTimeSeconds: 200,
      }),
      job({
        id: 's',
        submitTimeSeconds: 30,
        startTimeSeconds: 30,
        endTimeSeconds: 80,
        requestedProcessors: 2,
        requestedTimeSeconds: 70,
      }),
      job({
        id: 's2',
        submitTimeSeconds: 31,
        startTimeSeconds: 130,
        endTimeSeconds: 140,
        requestedProcessors: 2,
        requestedTimeSeconds: 70,
      }),
    ];

    const planned = backfillPlannedStarts(jobs, FOUR_PROCESSORS);

    expect(plannedById(jobs, planned)).toEqual({ a: 0, b: 100, l: 150, s: 30, s2: 150 });
  });

  it('backfillPlannedStarts takes a running job past its limit to end now', () => {
    // Capacity 4. a: runs 0–300 on all 4 processors with a limit of 100.
    // c @100: a's limit ends exactly now (0 + 100 ≤ 100) → planned 100.
    // b @150: a has outlived its limit → free now; c is pending (really starts 200), 1 proc for
    //   10 → reserved [150,160), 3 left → b (1 proc) planned 150.
    const jobs = [
      job({
        id: 'a',
        submitTimeSeconds: 0,
        startTimeSeconds: 0,
        endTimeSeconds: 300,
        requestedProcessors: 4,
        requestedTimeSeconds: 100,
      }),
      job({
        id: 'c',
        submitTimeSeconds: 100,
        startTimeSeconds: 300,
        endTimeSeconds: 305,
        requestedProcessors: 1,
        requestedTimeSeconds: 10,
      }),
      job({
        id: 'b',
        submitTimeSeconds: 150,
        startTimeSeconds: 300,
        endTimeSeconds: 305,
        requestedProcessors: 1,
        requestedTimeSeconds: 10,
      }),
    ];

    expect(plannedById(jobs, backfillPlannedStarts(jobs, FOUR_PROCESSORS))).toEqual({ a: 0, c: 100, b: 150 });
  });

  it('backfillPlannedStarts orders equal submit instants by natural id and answers in input order', () => {
    // Capacity 4, everything submitted at 0; job order 9, 10, 11 (natural, not text order).
    // 9: empty machine → 0; it really starts at 0, before 10's submission (an earlier job's event
    //   at this instant has happened). 10, 2 procs, limit 50: 9 holds 3 until 100 → planned 100.
    // 11, 1 proc, limit 10: 10 is pending, reserved [100,150) → 1 free now → planned 0.
    const jobs = [
      job({
        id: '11',
        submitTimeSeconds: 0,
        startTimeSeconds: 5,
        endTimeSeconds: 6,
        requestedProcessors: 1,
        requestedTimeSeconds: 10,
      }),
      job({
        id: '10',
        submitTimeSeconds: 0,
        startTimeSeconds: 80,
        endTimeSeconds: 90,
        requestedProcessors: 2,
        requestedTimeSeconds: 50,
      }),
      job({
        id: '9',
        submitTimeSeconds: 0,
        startTimeSeconds: 0,
        endTimeSeconds: 80,
        requestedProcessors: 3,
        requestedTimeSeconds: 100,
      }),
    ];

    expect(backfillPlannedStarts(jobs, FOUR_PROCESSORS)).toEqual([0, 100, 0]);
  });

  it('backfillPlannedStarts drops a withdrawn job from the plan and keeps every queued job ahead in it', () => {
    // Capacity 4. a: runs from 0 on all 4 processors, limit 100.
    // b @10, 3 procs, limit 100 → reserved [100,200) (1 free there).
    // w @15, 4 procs, limit 50, cancelled while pending at 25.
    // c @20, 2 procs, limit 10: b [100,200) leaves 1; w (still queued) takes [200,250) → c at 250.
    // d @30, 2 procs, limit 10: w has left; b [100,200) leaves 1; c (queued) now fits [200,210) →
    //   2 left there → d planned 200.
    const jobs = [
      job({
        id: 'a',
        submitTimeSeconds: 0,
        startTimeSeconds: 0,
        endTimeSeconds: 100,
        requestedProcessors: 4,
        requestedTimeSeconds: 100,
      }),
      job({
        id: 'b',
        submitTimeSeconds: 10,
        startTimeSeconds: 100,
        endTimeSeconds: 150,
        requestedProcessors: 3,
        requestedTimeSeconds: 100,
      }),
      job({ id: 'w', submitTimeSeconds: 15, censoredAtSeconds: 25, requestedProcessors: 4, requestedTimeSeconds: 50 }),
      job({
        id: 'c',
        submitTimeSeconds: 20,
        startTimeSeconds: 150,
        endTimeSeconds: 155,
        requestedProcessors: 2,
        requestedTimeSeconds: 10,
      }),
      job({
        id: 'd',
        submitTimeSeconds: 30,
        startTimeSeconds: 150,
        endTimeSeconds: 155,
        requestedProcessors: 2,
        requestedTimeSeconds: 10,
      }),
    ];

    expect(plannedById(jobs, backfillPlannedStarts(jobs, FOUR_PROCESSORS))).toEqual({
      a: 0,
      b: 100,
      w: 200,
      c: 250,
      d: 200,
    });
  });

  it('backfillPlannedStarts gives no start behind unlimited jobs unless a default limit is assumed', () => {
    // Capacity 2. a: runs from 0 on 2 processors, limit unknown.
    // b @10, 1 proc, limit 5. c @20, 1 proc, limit unknown.
    // Unlimited: a never frees its room → b null; at c, b fits nowhere so reserves nothing → c null.
    // Default 60 s: a ends at 60. b → 60. At c: b reserved [60,65) → 1 free there, 2 after; c needs 1
    //   for 60 → [60,120) → 60.
    const jobs = [
      job({ id: 'a', submitTimeSeconds: 0, startTimeSeconds: 0, endTimeSeconds: 1000, requestedProcessors: 2 }),
      job({
        id: 'b',
        submitTimeSeconds: 10,
        startTimeSeconds: 1000,
        endTimeSeconds: 1001,
        requestedProcessors: 1,
        requestedTimeSeconds: 5,
      }),
      job({ id: 'c', submitTimeSeconds: 20, startTimeSeconds: 1000, endTimeSeconds: 1001, requestedProcessors: 1 }),
    ];
    const twoProcessors = { resource: 'processors', amount: 2 } as const;

    const unlimited = backfillPlannedStarts(jobs, twoProcessors);
    const withDefault = backfillPlannedStarts(jobs, twoProcessors, { unknownLimitSeconds: 60 });

    expect(plannedById(jobs, unlimited)).toEqual({ a: 0, b: null, c: null });
    expect(plannedById(jobs, withDefault)).toEqual({ a: 0, b: 60, c: 60 });
  });

  it('backfillPlannedStarts: a request beyond the machine is null, a request of nothing starts at once, a 0 s limit needs one instant', () => {
    // Capacity 4. a: runs from 0 on all 4, limit 100.
    // big @10 needs 5 → never fits → null (and reserves nothing).
    // none @20 needs 0 → planned 20 although the machine is full.
    // zero @30 needs 4 with a 0 s limit → the first instant with 4 free: 100. It reserves nothing.
    // after @40 needs 4 for 10 → [100,110) → 100.
    const jobs = [
      job({
        id: 'a',
        submitTimeSeconds: 0,
        startTimeSeconds: 0,
        endTimeSeconds: 100,
        requestedProcessors: 4,
        requestedTimeSeconds: 100,
      }),
      job({
        id: 'big',
        submitTimeSeconds: 10,
        censoredAtSeconds: 500,
        requestedProcessors: 5,
        requestedTimeSeconds: 10,
      }),
      job({
        id: 'none',
        submitTimeSeconds: 20,
        censoredAtSeconds: 500,
        requestedProcessors: 0,
        requestedTimeSeconds: 10,
      }),
      job({
        id: 'zero',
        submitTimeSeconds: 30,
        censoredAtSeconds: 500,
        requestedProcessors: 4,
        requestedTimeSeconds: 0,
      }),
      job({
        id: 'after',
        submitTimeSeconds: 40,
        censoredAtSeconds: 500,
        requestedProcessors: 4,
        requestedTimeSeconds: 10,
      }),
    ];

    expect(plannedById(jobs, backfillPlannedStarts(jobs, FOUR_PROCESSORS))).toEqual({
      a: 0,
      big: null,
      none: 20,
      zero: 100,
      after: 100,
    });
  });

  it('backfillPlannedStarts plans GPU logs on fractional GPUs, exactly', () => {
    // Capacity 0.766962 GPUs. a: runs from 0 on 0.252729 GPU, limit 100. b @10 needs 0.514233 GPU
    // (and 8 CPUs, which a GPU plan ignores): 0.252729 + 0.514233 = 0.766962 fits exactly when
    // counted in whole millionths — scaled without rounding it would not: in binary floating point
    // 0.766962·10⁶ − 0.252729·10⁶ = 514233 < 0.514233·10⁶ = 514233.00000000006 (node: `0.514233 * 1e6`)
    // → planned 10; it runs from 10, limit 50.
    // c @20 needs 0.1 GPU for 10: the GPUs are full until b's limit ends at 10 + 50 = 60, which
    // frees 0.514233 → planned 60.
    const jobs = [
      job({
        id: 'a',
        submitTimeSeconds: 0,
        startTimeSeconds: 0,
        requestedProcessors: 1,
        requestedGpus: 0.252729,
        requestedTimeSeconds: 100,
      }),
      job({
        id: 'b',
        submitTimeSeconds: 10,
        startTimeSeconds: 10,
        requestedProcessors: 8,
        requestedGpus: 0.514233,
        requestedTimeSeconds: 50,
      }),
      job({
        id: 'c',
        submitTimeSeconds: 20,
        startTimeSeconds: 90,
        requestedProcessors: 1,
        requestedGpus: 0.1,
        requestedTimeSeconds: 10,
      }),
    ];

    expect(backfillPlannedStarts(jobs, { resource: 'gpus', amount: 0.766962 })).toEqual([0, 10, 60]);
  });

  it('backfillPlannedStarts lets over-full running jobs leave negative room, merging releases at one instant', () => {
    // Capacity 4, but the log has 6 running (logs do exceed their declared size): x and y, 3 procs
    // each, both submitted at 0. x runs from 0 (limit 100). y: x holds 3 until 100 → planned 100,
    // yet it really runs from 50 (limit 50), so both are planned to end at 100.
    // z @60 needs 1 → room 4 − 6 = −2 until 100, then 4 → planned 100.
    const jobs = [
      job({ id: 'x', submitTimeSeconds: 0, startTimeSeconds: 0, requestedProcessors: 3, requestedTimeSeconds: 100 }),
      job({ id: 'y', submitTimeSeconds: 0, startTimeSeconds: 50, requestedProcessors: 3, requestedTimeSeconds: 50 }),
      job({ id: 'z', submitTimeSeconds: 60, startTimeSeconds: 100, requestedProcessors: 1, requestedTimeSeconds: 5 }),
    ];

    expect(backfillPlannedStarts(jobs, FOUR_PROCESSORS)).toEqual([0, 100, 100]);
  });
});

describe('backfillPlannedStarts refuses bad input', () => {
  const good = [job({ id: 'a', submitTimeSeconds: 0, startTimeSeconds: 0, requestedTimeSeconds: 10 })];

  it('backfillPlannedStarts names a bad capacity, default limit, job limit or job', () => {
    expect(() => backfillPlannedStarts(good, { resource: 'processors', amount: Number.NaN })).toThrow(
      'capacity must be a finite number ≥ 0, got NaN',
    );
    expect(() => backfillPlannedStarts(good, { resource: 'processors', amount: -1 })).toThrow(InvalidInputError);
    expect(() => backfillPlannedStarts(good, FOUR_PROCESSORS, { unknownLimitSeconds: -5 })).toThrow(
      'unknownLimitSeconds must be null or a finite number ≥ 0, got -5',
    );
    expect(() =>
      backfillPlannedStarts(good, FOUR_PROCESSORS, { unknownLimitSeconds: Number.POSITIVE_INFINITY }),
    ).toThrow(InvalidInputError);
    expect(() =>
      backfillPlannedStarts([job({ id: 'q', submitTimeSeconds: 0, requestedTimeSeconds: -1 })], FOUR_PROCESSORS),
    ).toThrow('job q: requestedTimeSeconds must be null or a finite number ≥ 0, got -1');
    expect(() =>
      backfillPlannedStarts(
        [job({ id: 'q', submitTimeSeconds: 0, requestedTimeSeconds: Number.NaN })],
        FOUR_PROCESSORS,
      ),
    ).toThrow(InvalidInputError);
    expect(() =>
      backfillPlannedStarts([job({ id: 'r', submitTimeSeconds: 10, startTimeSeconds: 5 })], FOUR_PROCESSORS),
    ).toThrow('job r: start 5 is not a finite time ≥ submit 10');
  });
});

/** Time grid for the brute-force plan: one cell per second, far past every finite end below. */
const HORIZON_SECONDS = 600;

/**
 * The planned starts by brute force, written from the definitions without the event sweep or the
 * step-function profile: for each job k, find the running and queued jobs by scanning the whole
 * log, lay free room out second by second on [t, HORIZON_SECONDS), and try every start second in
 * turn for each queued job (then k). An unlimited window runs to the horizon. Needs integer times.
 */
function plannedStartsByGrid(
  jobs: readonly TraceJob[],
  resource: PlanResource,
  capacity: number,
  unknownLimitSeconds: number | null,
): (number | null)[] {
  const order = jobs
    .map((_, index) => index)
    .sort(
      (left, right) =>
        (jobs[left] as TraceJob).submitTimeSeconds - (jobs[right] as TraceJob).submitTimeSeconds ||
        compareJobIds((jobs[left] as TraceJob).id, (jobs[right] as TraceJob).id) ||
        left - right,
    );
  const rank = new Map(order.map((jobIndex, position) => [jobIndex, position]));
  const request = (entry: TraceJob): number => (resource === 'gpus' ? entry.requestedGpus : entry.requestedProcessors);
  const limit = (entry: TraceJob): number =>
    entry.requestedTimeSeconds ?? unknownLimitSeconds ?? Number.POSITIVE_INFINITY;

  return jobs.map((own, ownIndex) => {
    const now = own.submitTimeSeconds;
    const free = Array.from({ length: HORIZON_SECONDS }, () => capacity);
    const queued: TraceJob[] = [];
    for (const jobIndex of order) {
      if ((rank.get(jobIndex) as number) >= (rank.get(ownIndex) as number)) break;
      const other = jobs[jobIndex] as TraceJob;
      // An event at or before now of a job submitted earlier has happened.
      const started = other.startTimeSeconds !== null && other.startTimeSeconds <= now;
      const ended = other.endTimeSeconds !== null && other.endTimeSeconds <= now;
      const withdrawn = other.censoredAtSeconds !== null && other.censoredAtSeconds <= now;
      if (started && !ended) {
        const plannedEnd = (other.startTimeSeconds as number) + limit(other);
        for (let second = now; second < Math.min(plannedEnd, HORIZON_SECONDS); second += 1)
          free[second] = (free[second] as number) - request(other);
      } else if (!started && !withdrawn) queued.push(other);
    }
    let answer: number | null = null;
    for (const candidate of [...queued, own]) {
      const duration = limit(candidate);
      let found: number | null = null;
      for (let start = now; start < HORIZON_SECONDS && found === null; start += 1) {
        const last = duration === Number.POSITIVE_INFINITY ? HORIZON_SECONDS - 1 : start + Math.max(duration, 1) - 1;
        let fits = true;
        // Past the horizon the room stays what it is in the last cell.
        for (let second = start; second <= last; second += 1)
          if ((free[Math.min(second, HORIZON_SECONDS - 1)] as number) < request(candidate)) fits = false;
        if (fits) found = start;
      }
      answer = found;
      if (found !== null && candidate !== own) {
        const end = duration === Number.POSITIVE_INFINITY ? HORIZON_SECONDS : found + duration;
        for (let second = found; second < end; second += 1)
          free[second] = (free[second] as number) - request(candidate);
      }
    }
    return answer;
  });
}

/** Random logs with many ties; requests exact in binary floating point; all times integers. */
const arbitraryJob = (index: number) =>
  fc
    .record({
      submit: fc.integer({ min: 0, max: 40 }),
      wait: fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }),
      run: fc.option(fc.integer({ min: 0, max: 40 }), { nil: null }),
      pendingFor: fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }),
      processors: fc.integer({ min: 0, max: 5 }),
      gpus: fc.constantFrom(0, 0.25, 0.5, 1, 1.5),
      limit: fc.option(fc.integer({ min: 0, max: 25 }), { nil: null }),
      id: fc.constantFrom(`${index}`, `${index % 3}`, 'dup'),
    })
    .map(({ submit, wait, run, pendingFor, processors, gpus, limit, id }) =>
      job({
        id,
        submitTimeSeconds: submit,
        startTimeSeconds: wait === null ? null : submit + wait,
        endTimeSeconds: wait === null || run === null ? null : submit + wait + run,
        censoredAtSeconds: wait === null && pendingFor !== null ? submit + pendingFor : null,
        requestedProcessors: processors,
        requestedGpus: gpus,
        requestedTimeSeconds: limit,
      }),
    );

const arbitraryLog = fc
  .integer({ min: 0, max: 10 })
  .chain((length) => fc.tuple(...Array.from({ length }, (_, index) => arbitraryJob(index))));

describe('backfillPlannedStarts properties', () => {
  it('backfillPlannedStarts equals the second-by-second brute-force plan', () => {
    // Finite ends stay below 40 + 30 + 25 + 10 × 25 = 345 < HORIZON_SECONDS, so the grid's horizon
    // stands in for "for ever".
    fc.assert(
      fc.property(
        arbitraryLog,
        fc.constantFrom<PlanResource>('processors', 'gpus'),
        fc.constantFrom(0, 1, 2, 3.5, 6),
        fc.option(fc.integer({ min: 0, max: 20 }), { nil: null }),
        (jobs, resource, capacity, unknownLimitSeconds) => {
          const planned = backfillPlannedStarts(jobs, { resource, amount: capacity }, { unknownLimitSeconds });

          expect(planned).toEqual(plannedStartsByGrid(jobs, resource, capacity, unknownLimitSeconds));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('backfillPlannedStarts never plans a start before submit, and on an empty machine plans the submit instant', () => {
    // Each job runs within [submit, submit + 10) and the next is submitted ≥ 10 s later, so every
    // job finds an empty machine (the plan must not hold on to finished jobs).
    const spacedLog = fc.array(
      fc.record({
        gap: fc.integer({ min: 10, max: 100 }),
        processors: fc.integer({ min: 0, max: 4 }),
        limit: fc.option(fc.integer({ min: 1, max: 50 }), { nil: null }),
      }),
      { maxLength: 20 },
    );

    fc.assert(
      fc.property(spacedLog, fc.integer({ min: 4, max: 8 }), (steps, capacity) => {
        let submit = 0;
        const jobs = steps.map(({ gap, processors, limit }, index) => {
          submit += gap;
          return job({
            id: `${index}`,
            submitTimeSeconds: submit,
            startTimeSeconds: submit + 1,
            endTimeSeconds: submit + 9,
            requestedProcessors: processors,
            requestedTimeSeconds: limit,
          });
        });

        const planned = backfillPlannedStarts(jobs, { resource: 'processors', amount: capacity });

        expect(planned).toEqual(jobs.map((entry) => entry.submitTimeSeconds));
      }),
    );
    fc.assert(
      fc.property(arbitraryLog, fc.constantFrom(0, 1, 3.5), (jobs, capacity) => {
        const planned = backfillPlannedStarts(jobs, { resource: 'gpus', amount: capacity }, { unknownLimitSeconds: 7 });

        planned.forEach((start, index) => {
          if (start !== null) expect(start).toBeGreaterThanOrEqual((jobs[index] as TraceJob).submitTimeSeconds);
        });
      }),
    );
  });
});

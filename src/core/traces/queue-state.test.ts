import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readSharedData, SharedDataFile } from '../../../test/support/shared-data.ts';
import { InvalidInputError } from '../errors.ts';
import { compareJobIds } from './compare-job-ids.ts';
import { importAlibabaGpu } from './alibaba-gpu-importer.ts';
import { reconstructQueueState, SNAPSHOT_FEATURES, snapshotFeatureRow, type SubmitSnapshot } from './queue-state.ts';
import { reconstructQueueStateByScan } from './queue-state-reference.ts';
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

function withoutOutcome(snapshot: SubmitSnapshot | undefined): Omit<SubmitSnapshot, 'outcome'> | undefined {
  if (snapshot === undefined) return undefined;
  const { outcome: _outcome, ...features } = snapshot;
  return features;
}

/**
 * Seven jobs, times in seconds from the epoch (1970-01-01 was a Thursday: dayOfWeek 4).
 *
 *   job  submit start  end   procs gpus user  notes
 *   a      0      0    100     4    1    u1   starts at its own submit instant
 *   b     10     50   4000     2   0.5   u2
 *   c     20     —      —      8    2    u1   censored: withdrawn (cancelled) at 60
 *   d     50    100     —      1    0    u1   still running at the end of the log
 *   e    100    100   3700    16    4    u2   same submit instant as f, earlier id
 *   f    100   3800   5000     2    1    u1
 *   g   3750     —      —      4    0    ''   censored, never leaves the queue; no user
 *
 * With recentWaitWindow = 2 (type-7 quantiles: median of [x, y] = (x + y)/2, P90 = x + 0.9(y − x)):
 * - a @0: nothing before it. recent waits none → null, null. Thursday, hour 0. Own wait 0.
 * - b @10: a started at 0 (running, 4 procs, 1 GPU). Started: [a:0] → median 0, P90 0.
 *   Starts in (10 − 3600, 10]: a → 1. Own wait 40.
 * - c @20: a running; b pending (starts 50) → pending 1, 2 procs, 0.5 GPU. u1 has nothing
 *   pending. Recent [0] → 0, 0; last hour 1. Censored, wait null.
 * - d @50: b started at 50 (an event of an earlier job at this very instant comes first) →
 *   running a, b: 2 jobs, 6 procs, 1.5 GPUs. Pending: c (withdrawn only at 60) → 1, 8 procs,
 *   2 GPUs; c is u1's → userPendingJobs 1. Started a:0, b:40 → [0, 40]: median 20, P90 36.
 *   Last hour 2. Own wait 50.
 * - e @100: a ended at 100 and d started at 100 (both before the submission). Running b, d:
 *   2 jobs, 3 procs, 0.5 GPU. Pending none (c withdrawn at 60). Started by (start, order): a:0,
 *   b:40, d:50 → last two [40, 50]: median 45, P90 49. Last hour 3. Own wait 0.
 * - f @100: e (same instant, id 'e' < 'f') was submitted and started right before f. Running b, d,
 *   e: 3 jobs, 19 procs, 4.5 GPUs. Pending none; u1 0. Started a, b, d, e (d before e: start 100
 *   for both, d earlier in job order) → last two [50, 0] → sorted [0, 50]: median 25, P90 45.
 *   Last hour 4. Own wait 3700.
 * - g @3750 (hour 1): e ended at 3700. Running b, d: 2 jobs, 3 procs, 0.5 GPU. Pending f (starts
 *   3800) → 1, 2 procs, 1 GPU. No user → userPendingJobs 0. Recent [0, 50] → 25, 45. Starts in
 *   (150, 3750]: none → 0. Censored, wait null.
 */
const HAND_JOBS: TraceJob[] = [
  job({
    id: 'a',
    submitTimeSeconds: 0,
    startTimeSeconds: 0,
    endTimeSeconds: 100,
    requestedProcessors: 4,
    requestedGpus: 1,
    user: 'u1',
    requestedTimeSeconds: 200,
  }),
  job({
    id: 'b',
    submitTimeSeconds: 10,
    startTimeSeconds: 50,
    endTimeSeconds: 4000,
    requestedProcessors: 2,
    requestedGpus: 0.5,
    user: 'u2',
  }),
  job({ id: 'c', submitTimeSeconds: 20, censoredAtSeconds: 60, requestedProcessors: 8, requestedGpus: 2, user: 'u1' }),
  job({ id: 'd', submitTimeSeconds: 50, startTimeSeconds: 100, requestedProcessors: 1, requestedGpus: 0, user: 'u1' }),
  job({
    id: 'e',
    submitTimeSeconds: 100,
    startTimeSeconds: 100,
    endTimeSeconds: 3700,
    requestedProcessors: 16,
    requestedGpus: 4,
    user: 'u2',
  }),
  job({
    id: 'f',
    submitTimeSeconds: 100,
    startTimeSeconds: 3800,
    endTimeSeconds: 5000,
    requestedProcessors: 2,
    requestedGpus: 1,
    user: 'u1',
  }),
  job({ id: 'g', submitTimeSeconds: 3750, requestedProcessors: 4, requestedGpus: 0, user: '' }),
];

type Row = [
  string,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number | null,
  number | null,
  number,
  number,
  number | null,
  boolean,
];
// id, pendingJobs, pendingProcs, pendingGpus, running, procsInUse, gpusInUse, userPending, median, p90, lastHour, hour, wait, censored
const HAND_EXPECTED: Row[] = [
  ['a', 0, 0, 0, 0, 0, 0, 0, null, null, 0, 0, 0, false],
  ['b', 0, 0, 0, 1, 4, 1, 0, 0, 0, 1, 0, 40, false],
  ['c', 1, 2, 0.5, 1, 4, 1, 0, 0, 0, 1, 0, null, true],
  ['d', 1, 8, 2, 2, 6, 1.5, 1, 20, 36, 2, 0, 50, false],
  ['e', 0, 0, 0, 2, 3, 0.5, 0, 45, 49, 3, 0, 0, false],
  ['f', 0, 0, 0, 3, 19, 4.5, 0, 25, 45, 4, 0, 3700, false],
  ['g', 1, 2, 1, 2, 3, 0.5, 0, 25, 45, 0, 1, null, true],
];

function expectedSnapshot(row: Row): SubmitSnapshot {
  const [
    jobId,
    pendingJobsAhead,
    pendingProcessorsAhead,
    pendingGpusAhead,
    runningJobs,
    processorsInUse,
    gpusInUse,
    userPendingJobs,
    median,
    p90,
    jobsStartedLastHour,
    hourOfDay,
    waitSeconds,
    censored,
  ] = row;
  const source = HAND_JOBS.find((entry) => entry.id === jobId) as TraceJob;
  return {
    jobId,
    submitTimeSeconds: source.submitTimeSeconds,
    pendingJobsAhead,
    pendingProcessorsAhead,
    pendingGpusAhead,
    runningJobs,
    processorsInUse,
    gpusInUse,
    requestedProcessors: source.requestedProcessors,
    requestedGpus: source.requestedGpus,
    requestedTimeSeconds: source.requestedTimeSeconds,
    userPendingJobs,
    hourOfDay,
    dayOfWeek: 4,
    recentWaitMedianSeconds: median,
    recentWaitP90Seconds: p90,
    jobsStartedLastHour,
    outcome: { waitSeconds, censored },
  };
}

const GPU_SHARES = [0, 0.25, 0.5, 1, 2] as const;
const USERS = ['', 'u1', 'u2'] as const;

/**
 * Random jobs with many ties; resource values exact in binary floating point. Times are multiples
 * of `secondsPerTick` (300 s makes the one-hour window edge, 12 ticks, reachable).
 */
const arbitraryJob = (index: number, secondsPerTick = 1) =>
  fc
    .record({
      submit: fc.integer({ min: 0, max: 40 }).map((ticks) => ticks * secondsPerTick),
      wait: fc.option(
        fc.integer({ min: 0, max: 20 }).map((ticks) => ticks * secondsPerTick),
        { nil: null },
      ),
      run: fc.option(
        fc.integer({ min: 0, max: 25 }).map((ticks) => ticks * secondsPerTick),
        { nil: null },
      ),
      pendingFor: fc.option(
        fc.integer({ min: 0, max: 25 }).map((ticks) => ticks * secondsPerTick),
        { nil: null },
      ),
      processors: fc.integer({ min: 0, max: 8 }),
      gpuShare: fc.constantFrom(...GPU_SHARES),
      user: fc.constantFrom(...USERS),
      requestedTime: fc.option(fc.integer({ min: 1, max: 100 }), { nil: null }),
      id: fc.constantFrom(`j${index}`, `${index % 4}`, 'dup'),
    })
    .map(({ submit, wait, run, pendingFor, processors, gpuShare, user, requestedTime, id }) =>
      job({
        id,
        submitTimeSeconds: submit,
        startTimeSeconds: wait === null ? null : submit + wait,
        endTimeSeconds: wait === null || run === null ? null : submit + wait + run,
        censoredAtSeconds: wait === null && pendingFor !== null ? submit + pendingFor : null,
        requestedProcessors: processors,
        requestedGpus: gpuShare,
        user,
        requestedTimeSeconds: requestedTime,
      }),
    );

const arbitraryTrace = (secondsPerTick = 1) =>
  fc
    .integer({ min: 0, max: 24 })
    .chain((length) => fc.tuple(...Array.from({ length }, (_, index) => arbitraryJob(index, secondsPerTick))));

describe('reconstructQueueState on a hand-worked log', () => {
  it('reconstructQueueState reproduces every hand-computed field', () => {
    const snapshots = reconstructQueueState(HAND_JOBS, { recentWaitWindow: 2 });

    expect(snapshots).toEqual(HAND_EXPECTED.map(expectedSnapshot));
  });

  it('reconstructQueueStateByScan (the oracle) reproduces the same hand-computed fields', () => {
    const snapshots = reconstructQueueStateByScan(HAND_JOBS, { recentWaitWindow: 2 });

    expect(snapshots).toEqual(HAND_EXPECTED.map(expectedSnapshot));
  });

  it('reconstructQueueState returns snapshots in input order whatever the order of the input', () => {
    const reversed = HAND_JOBS.slice().reverse();

    const snapshots = reconstructQueueState(reversed, { recentWaitWindow: 2 });

    expect(snapshots).toEqual(HAND_EXPECTED.map(expectedSnapshot).reverse());
  });

  it('reconstructQueueState uses a window of 50 by default', () => {
    // 60 jobs, job i waits i seconds, each starts before the next is submitted (submit 1000·i).
    const jobs = Array.from({ length: 61 }, (_, index) =>
      job({
        id: String(index),
        submitTimeSeconds: 1000 * index,
        startTimeSeconds: 1000 * index + index,
        endTimeSeconds: 1000 * index + index + 1,
      }),
    );

    const last = reconstructQueueState(jobs).at(-1) as SubmitSnapshot;

    // Jobs 0…59 started; the window holds waits 10…59: numpy.quantile(range(10, 60), [0.5, 0.9]) → [34.5, 54.1].
    expect(last.recentWaitMedianSeconds).toBe(34.5);
    expect(last.recentWaitP90Seconds).toBeCloseTo(54.1, 10);
    // Starts in (60000 − 3600, 60000]: jobs 57, 58, 59 (job 56 started at 56056).
    expect(last.jobsStartedLastHour).toBe(3);
  });

  it('reconstructQueueState handles a window larger than the log', () => {
    const snapshots = reconstructQueueState(HAND_JOBS, { recentWaitWindow: 1_000_000 });

    // At g: all four started waits [0, 40, 50, 0] → sorted [0, 0, 40, 50]: median 20, P90 = 40 + 0.7·10 = 47.
    expect(snapshots.at(-1)?.recentWaitMedianSeconds).toBe(20);
    expect(snapshots.at(-1)?.recentWaitP90Seconds).toBeCloseTo(47, 10);
  });
});

describe('reconstructQueueState calendar features', () => {
  it('reconstructQueueState adds the epoch offset before reading hour and weekday in UTC', () => {
    // `date -u -d @1709539200` → Mon Mar  4 08:00:00 UTC 2024.
    const jobs = [job({ id: 'x', submitTimeSeconds: 0 }), job({ id: 'y', submitTimeSeconds: 16 * 3600 + 59 })];

    const snapshots = reconstructQueueState(jobs, { epochOffsetSeconds: 1_709_539_200 });

    expect(snapshots.map((snapshot) => [snapshot.hourOfDay, snapshot.dayOfWeek])).toEqual([
      [8, 1],
      [0, 2],
    ]);
  });

  it('reconstructQueueState reads times before 1970 correctly', () => {
    // −3600 s is 1969-12-31 23:00 UTC, a Wednesday.
    const [snapshot] = reconstructQueueState([job({ id: 'x', submitTimeSeconds: 0 })], { epochOffsetSeconds: -3600 });

    expect([snapshot?.hourOfDay, snapshot?.dayOfWeek]).toEqual([23, 3]);
  });
});

describe('reconstructQueueState against the scanning oracle', () => {
  it('reconstructQueueState equals the O(n²) definition on random traces full of ties', () => {
    fc.assert(
      fc.property(arbitraryTrace(), fc.integer({ min: 1, max: 5 }), (jobs, recentWaitWindow) => {
        const fast = reconstructQueueState(jobs, { recentWaitWindow });

        expect(fast).toEqual(reconstructQueueStateByScan(jobs, { recentWaitWindow }));
      }),
      { numRuns: 300 },
    );
  });

  it('reconstructQueueState equals the O(n²) definition when starts fall exactly one hour before a submit', () => {
    fc.assert(
      fc.property(arbitraryTrace(300), (jobs) => {
        const fast = reconstructQueueState(jobs);

        expect(fast).toEqual(reconstructQueueStateByScan(jobs));
      }),
      { numRuns: 200 },
    );
  });

  it('reconstructQueueState counts a start exactly one hour old as outside the last hour', () => {
    const jobs = [
      job({ id: 'a', submitTimeSeconds: 0, startTimeSeconds: 0 }),
      job({ id: 'b', submitTimeSeconds: 0, startTimeSeconds: 1 }),
      job({ id: 'c', submitTimeSeconds: 3600 }),
    ];

    expect(reconstructQueueState(jobs)[2]?.jobsStartedLastHour).toBe(1);
  });

  it('reconstructQueueState matches the oracle on a sample of the Alibaba GPU trace', () => {
    const { jobs } = importAlibabaGpu(readSharedData(SharedDataFile.alibabaOpenbPods));
    const sample = Array.from({ length: 80 }, (_, index) => index * 101);

    const fast = reconstructQueueState(jobs);
    const slow = reconstructQueueStateByScan(jobs, {}, sample);

    sample.forEach((jobIndex, sampleIndex) => {
      const expected = slow[sampleIndex] as SubmitSnapshot;
      const actual = fast[jobIndex] as SubmitSnapshot;
      // GPU shares such as 0.46 do not add exactly in binary: compare sums with a tolerance.
      for (const name of ['pendingProcessorsAhead', 'pendingGpusAhead', 'processorsInUse', 'gpusInUse'] as const) {
        expect(actual[name]).toBeCloseTo(expected[name], 6);
      }
      expect({ ...actual, pendingProcessorsAhead: 0, pendingGpusAhead: 0, processorsInUse: 0, gpusInUse: 0 }).toEqual({
        ...expected,
        pendingProcessorsAhead: 0,
        pendingGpusAhead: 0,
        processorsInUse: 0,
        gpusInUse: 0,
      });
    });
  });
});

describe('reconstructQueueState has no look-ahead', () => {
  const alteration = fc.record({
    drop: fc.boolean(),
    mode: fc.integer({ min: 0, max: 2 }),
    first: fc.nat(30),
    second: fc.nat(30),
  });

  /** A new future, strictly after t, for a job whose start/end/withdrawal had not happened by t. */
  function newFuture(entry: TraceJob, t: number, change: { mode: number; first: number; second: number }): TraceJob {
    if (change.mode === 0) return { ...entry, startTimeSeconds: null, endTimeSeconds: null, censoredAtSeconds: null };
    if (change.mode === 1)
      return { ...entry, startTimeSeconds: null, endTimeSeconds: null, censoredAtSeconds: t + 1 + change.first };
    return {
      ...entry,
      censoredAtSeconds: null,
      startTimeSeconds: t + 1 + change.first,
      endTimeSeconds: t + 1 + change.first + change.second,
    };
  }

  it('the snapshot of job k ignores later submissions and every start, end or withdrawal after its submit', () => {
    fc.assert(
      fc.property(
        arbitraryTrace()
          .map((jobs) => jobs.map((entry, index) => ({ ...entry, id: `j${index}` })))
          .filter((jobs) => jobs.length > 0),
        fc.nat(),
        fc.array(alteration, { minLength: 24, maxLength: 24 }),
        fc.array(arbitraryJob(99), { maxLength: 4 }),
        (jobs, pick, alterations, arrivals) => {
          const target = jobs[pick % jobs.length] as TraceJob;
          const t = target.submitTimeSeconds;
          const isAfterTarget = (entry: TraceJob): boolean =>
            entry.submitTimeSeconds > t || (entry.submitTimeSeconds === t && compareJobIds(entry.id, target.id) > 0);

          const altered: TraceJob[] = [];
          jobs.forEach((entry, index) => {
            const change = alterations[index] as { drop: boolean; mode: number; first: number; second: number };
            if (entry === target) {
              // Its own outcome is unknown at its submit: give it any other future.
              altered.push(newFuture(entry, t - 1, change));
            } else if (isAfterTarget(entry)) {
              const submitTimeSeconds = t + 1 + change.second;
              if (!change.drop) altered.push(newFuture({ ...entry, submitTimeSeconds }, submitTimeSeconds - 1, change));
            } else if (entry.startTimeSeconds !== null && entry.startTimeSeconds <= t) {
              // Started by t: the start is known; an end after t is not.
              const endKnown = entry.endTimeSeconds !== null && entry.endTimeSeconds <= t;
              altered.push(
                endKnown || change.drop
                  ? entry
                  : { ...entry, endTimeSeconds: change.mode === 0 ? null : t + 1 + change.first },
              );
            } else if (
              entry.startTimeSeconds === null &&
              entry.censoredAtSeconds !== null &&
              entry.censoredAtSeconds <= t
            ) {
              altered.push(entry);
            } else {
              // Still pending at t: how it leaves the queue later is unknown.
              altered.push(newFuture(entry, t, change));
            }
          });
          arrivals.forEach((arrival, index) => {
            const shift = t + 1 - arrival.submitTimeSeconds;
            altered.push({
              ...arrival,
              id: `late${index}`,
              submitTimeSeconds: arrival.submitTimeSeconds + shift,
              startTimeSeconds: arrival.startTimeSeconds === null ? null : arrival.startTimeSeconds + shift,
              endTimeSeconds: arrival.endTimeSeconds === null ? null : arrival.endTimeSeconds + shift,
              censoredAtSeconds: arrival.censoredAtSeconds === null ? null : arrival.censoredAtSeconds + shift,
            });
          });

          const before = reconstructQueueState(jobs, { recentWaitWindow: 3 }).find(
            (snapshot) => snapshot.jobId === target.id,
          );
          const after = reconstructQueueState(altered, { recentWaitWindow: 3 }).find(
            (snapshot) => snapshot.jobId === target.id,
          );

          expect(withoutOutcome(after)).toEqual(withoutOutcome(before));
        },
      ),
      { numRuns: 400 },
    );
  });

  it("the look-ahead check can fail: moving an earlier job's start before t changes the snapshot", () => {
    const jobs = [
      job({ id: 'a', submitTimeSeconds: 0, startTimeSeconds: 50 }),
      job({ id: 'b', submitTimeSeconds: 10 }),
    ];
    const leaked = [job({ id: 'a', submitTimeSeconds: 0, startTimeSeconds: 5 }), jobs[1] as TraceJob];

    const before = reconstructQueueState(jobs)[1];
    const after = reconstructQueueState(leaked)[1];

    expect(withoutOutcome(after)).not.toEqual(withoutOutcome(before));
  });
});

describe('reconstructQueueState on the KTH SP2 log', () => {
  const result = importSwf(readSharedData(SharedDataFile.kthSwf));
  const snapshots = reconstructQueueState(result.jobs, { epochOffsetSeconds: result.epochOffsetSeconds ?? 0 });

  it('reconstructQueueState matches an independent Python replay at four jobs', () => {
    // Reference values from a separate script written from the definition (plain loops over the
    // parsed SWF rows, waits via numpy.quantile(w, 0.5) / numpy.quantile(w, 0.9) over the last 50
    // starts sorted by (start, job order), calendar via datetime.fromtimestamp(t + 843480031, utc)).
    const expected = [
      {
        index: 0,
        jobId: '15',
        pendingJobsAhead: 0,
        pendingProcessorsAhead: 0,
        runningJobs: 0,
        processorsInUse: 0,
        userPendingJobs: 0,
        hourOfDay: 10,
        dayOfWeek: 1,
        recentWaitMedianSeconds: null,
        recentWaitP90Seconds: null,
        jobsStartedLastHour: 0,
      },
      {
        index: 1000,
        jobId: '1015',
        pendingJobsAhead: 29,
        pendingProcessorsAhead: 1132,
        runningJobs: 13,
        processorsInUse: 78,
        userPendingJobs: 0,
        hourOfDay: 16,
        dayOfWeek: 3,
        recentWaitMedianSeconds: 3420,
        recentWaitP90Seconds: 119_082,
        jobsStartedLastHour: 26,
      },
      {
        index: 15_000,
        jobId: '15015',
        pendingJobsAhead: 11,
        pendingProcessorsAhead: 225,
        runningJobs: 4,
        processorsInUse: 67,
        userPendingJobs: 0,
        hourOfDay: 14,
        dayOfWeek: 5,
        recentWaitMedianSeconds: 0,
        recentWaitP90Seconds: 120,
        jobsStartedLastHour: 21,
      },
      {
        index: 28_475,
        jobId: '28490',
        pendingJobsAhead: 1,
        pendingProcessorsAhead: 1,
        runningJobs: 1,
        processorsInUse: 16,
        userPendingJobs: 1,
        hourOfDay: 8,
        dayOfWeek: 5,
        recentWaitMedianSeconds: 2520,
        recentWaitP90Seconds: 28_308.000000000004,
        jobsStartedLastHour: 4,
      },
    ];

    for (const { index, recentWaitP90Seconds, ...fields } of expected) {
      const snapshot = snapshots[index] as SubmitSnapshot;
      expect(snapshot).toMatchObject({ ...fields, pendingGpusAhead: 0, gpusInUse: 0 });
      if (recentWaitP90Seconds === null) expect(snapshot.recentWaitP90Seconds).toBeNull();
      else expect(snapshot.recentWaitP90Seconds).toBeCloseTo(recentWaitP90Seconds, 6);
    }
  });

  it('reconstructQueueState matches the oracle on a spread sample of KTH jobs', () => {
    const sample = Array.from({ length: 80 }, (_, index) => index * 355);

    const slow = reconstructQueueStateByScan(
      result.jobs,
      { epochOffsetSeconds: result.epochOffsetSeconds ?? 0 },
      sample,
    );

    expect(sample.map((index) => snapshots[index])).toEqual(slow);
  });
});

describe('reconstructQueueState input checks', () => {
  it('reconstructQueueState refuses a window that is not an integer ≥ 1 and a non-finite offset', () => {
    expect(() => reconstructQueueState(HAND_JOBS, { recentWaitWindow: 0 })).toThrow(
      'recentWaitWindow must be an integer ≥ 1, got 0',
    );
    expect(() => reconstructQueueState(HAND_JOBS, { recentWaitWindow: 2.5 })).toThrow(InvalidInputError);
    expect(() => reconstructQueueState(HAND_JOBS, { epochOffsetSeconds: Number.NaN })).toThrow(
      'epochOffsetSeconds must be finite, got NaN',
    );
  });

  it('reconstructQueueState names the job with impossible times or requests', () => {
    const cases: [Partial<TraceJob>, string][] = [
      [{ submitTimeSeconds: Number.POSITIVE_INFINITY }, 'job z: submit time is not finite (Infinity)'],
      [{ startTimeSeconds: 5 }, 'job z: start 5 is not a finite time ≥ submit 10'],
      [{ startTimeSeconds: Number.NaN }, 'job z: start NaN is not a finite time ≥ submit 10'],
      [{ endTimeSeconds: 20 }, 'job z: has an end (20) but no start'],
      [{ startTimeSeconds: 15, endTimeSeconds: 12 }, 'job z: end 12 is not a finite time ≥ start 15'],
      [
        { startTimeSeconds: 15, endTimeSeconds: Number.POSITIVE_INFINITY },
        'job z: end Infinity is not a finite time ≥ start 15',
      ],
      [{ censoredAtSeconds: 9 }, 'job z: censoredAtSeconds 9 is not a finite time ≥ submit 10'],
      [{ censoredAtSeconds: Number.NaN }, 'job z: censoredAtSeconds NaN is not a finite time ≥ submit 10'],
      [{ requestedProcessors: -1 }, 'job z: requestedProcessors must be a finite number ≥ 0, got -1'],
      [
        { requestedProcessors: Number.POSITIVE_INFINITY },
        'job z: requestedProcessors must be a finite number ≥ 0, got Infinity',
      ],
      [{ requestedGpus: Number.NaN }, 'job z: requestedGpus must be a finite number ≥ 0, got NaN'],
      [{ requestedGpus: Number.POSITIVE_INFINITY }, 'job z: requestedGpus must be a finite number ≥ 0, got Infinity'],
    ];

    for (const [fields, message] of cases) {
      expect(() => reconstructQueueState([job({ id: 'z', submitTimeSeconds: 10, ...fields })]), message).toThrow(
        message,
      );
    }
  });

  it('reconstructQueueState returns nothing for an empty log', () => {
    expect(reconstructQueueState([])).toEqual([]);
  });
});

describe('snapshotFeatureRow', () => {
  it('snapshotFeatureRow lists the features in SNAPSHOT_FEATURES order, missing values as NaN', () => {
    const snapshot = expectedSnapshot(HAND_EXPECTED[3] as Row);

    const row = snapshotFeatureRow(snapshot);

    // d: pending 1/8/2, running 2/6/1.5, requested 1/0/none, u1 pending 1, hour 0, Thursday, waits 20/36, last hour 2.
    expect(row).toEqual([1, 8, 2, 2, 6, 1.5, 1, 0, Number.NaN, 1, 0, 4, 20, 36, 2]);
    expect(SNAPSHOT_FEATURES).toHaveLength(15);
  });

  it('snapshotFeatureRow turns a missing recent-wait history into NaN', () => {
    const row = snapshotFeatureRow(expectedSnapshot(HAND_EXPECTED[0] as Row));

    expect(row.slice(12, 14)).toEqual([Number.NaN, Number.NaN]);
    expect(row[8]).toBe(200);
  });
});

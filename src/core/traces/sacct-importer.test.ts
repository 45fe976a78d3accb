import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { importSacct, MAX_ARRAY_TASKS_PER_RECORD } from './sacct-importer.ts';
import type { TraceJob } from './trace-job.ts';

const FIXTURE = readFileSync(new URL('../../../test/fixtures/traces/sacct-sample.txt', import.meta.url), 'utf8');
const HEADER = 'JobID|Submit|Start|End|State|Partition|ReqCPUS|ReqMem|ReqTRES|Timelimit|User|QOS';

/** `date -u -d '2024-03-04T08:00:00Z' +%s` */
const EIGHT_AM = 1_709_539_200;
/** Seconds after 08:00:00 UTC on 2024-03-04 for a clock time that day. */
const at = (hours: number, minutes: number, seconds = 0): number =>
  EIGHT_AM + (hours - 8) * 3600 + minutes * 60 + seconds;
/** The latest observed time in the fixture: step 4102.batch ends 12:40:02 (`date -u -d '2024-03-04T12:40:02Z' +%s` = 1709556002). */
const FIXTURE_END = 1_709_556_002;

function byId(jobs: readonly TraceJob[], id: string): TraceJob {
  const found = jobs.find((job) => job.id === id);
  if (!found) throw new Error(`no job ${id}`);
  return found;
}

describe('importSacct on the hand-made fixture', () => {
  const result = importSacct(FIXTURE);

  it('importSacct accounts for every line: 14 jobs, 7 steps skipped, 3 malformed', () => {
    const jobIds = result.jobs.map((job) => job.id);

    expect(result.format).toBe('sacct');
    expect(result.totalLines).toBe(23);
    expect(jobIds).toEqual([
      '4101',
      '4102',
      '4103',
      '4104_1',
      '4104_2',
      '4104_3',
      '4104_4',
      '4104_5',
      '4104_6',
      '4105',
      '4106',
      '4107',
      '4111',
      '4112',
    ]);
    expect(result.skipped.map((note) => note.line)).toEqual([3, 4, 5, 7, 10, 14, 15]);
    expect(result.skipped[0]?.reason).toContain('job step 4101.batch of job 4101');
    expect(result.malformed.map((note) => note.line)).toEqual([18, 19, 20]);
    expect(result.epochOffsetSeconds).toBe(0);
  });

  it('importSacct says why each malformed line was refused', () => {
    const reasons = result.malformed.map((note) => note.reason);

    expect(reasons[0]).toMatch(/4108 Start 2024-03-04T09:05:00 precedes Submit/);
    expect(reasons[1]).toMatch(/timestamp not understood: 'yesterday'/);
    expect(reasons[2]).toBe('expected 12 fields, got 4');
  });

  it('importSacct reads a completed GPU job with its steps folded away', () => {
    const job = byId(result.jobs, '4101');

    expect(job).toEqual({
      id: '4101',
      submitTimeSeconds: EIGHT_AM,
      startTimeSeconds: EIGHT_AM + 5,
      censoredAtSeconds: null,
      endTimeSeconds: at(9, 30, 5),
      requestedProcessors: 16,
      requestedGpus: 4,
      requestedMemoryMb: 64 * 1024,
      requestedTimeSeconds: 2 * 3600,
      user: 'alice',
      queue: 'gpu',
      qos: 'normal',
      status: 'completed',
    });
  });

  it('importSacct counts a typed GPU request once when Slurm also lists the generic total', () => {
    expect(byId(result.jobs, '4102').requestedGpus).toBe(2);
    expect(byId(result.jobs, '4102').requestedMemoryMb).toBe(32_000);
    expect(byId(result.jobs, '4102').status).toBe('timeout');
  });

  it('importSacct sums typed GPU requests when there is no generic total', () => {
    expect(byId(result.jobs, '4103').requestedGpus).toBe(1);
    expect(byId(result.jobs, '4111').requestedGpus).toBe(3);
  });

  it('importSacct censors a job cancelled before start at its cancel time', () => {
    const job = byId(result.jobs, '4103');

    expect(job.startTimeSeconds).toBeNull();
    expect(job.censoredAtSeconds).toBe(at(8, 25));
    expect(job.endTimeSeconds).toBeNull();
    expect(job.status).toBe('cancelled');
    expect(job.requestedTimeSeconds).toBe(30 * 60);
  });

  it('importSacct reads Start = End on a cancelled job as cancelled while pending', () => {
    const job = byId(result.jobs, '4112');

    expect(job.startTimeSeconds).toBeNull();
    expect(job.censoredAtSeconds).toBe(at(11, 30));
    expect(job.requestedTimeSeconds).toBe(5 * 60);
  });

  it('importSacct expands a pending array record into one censored job per task', () => {
    const tasks = ['4104_3', '4104_4', '4104_5', '4104_6'].map((id) => byId(result.jobs, id));

    for (const task of tasks) {
      expect(task.startTimeSeconds).toBeNull();
      expect(task.censoredAtSeconds).toBe(FIXTURE_END);
      expect(task.submitTimeSeconds).toBe(at(8, 20));
      expect(task.requestedMemoryMb).toBe(4000 * 2);
      expect(task.status).toBe('pending');
    }
  });

  it('importSacct reads array tasks as jobs, per-CPU memory multiplied by CPUs, MM:SS limits', () => {
    const job = byId(result.jobs, '4104_2');

    expect(job.startTimeSeconds).toBe(at(8, 22));
    expect(job.endTimeSeconds).toBe(at(8, 33));
    expect(job.requestedMemoryMb).toBe(8000);
    expect(job.requestedTimeSeconds).toBe(15 * 60);
    expect(job.status).toBe('failed');
  });

  it('importSacct keeps a running job open-ended and multiplies per-node memory by TRES nodes', () => {
    const job = byId(result.jobs, '4105');

    expect(job.startTimeSeconds).toBe(at(9, 5));
    expect(job.endTimeSeconds).toBeNull();
    expect(job.requestedMemoryMb).toBe(256 * 1024 * 2);
    expect(job.requestedGpus).toBe(8);
    expect(job.requestedTimeSeconds).toBe(2 * 86_400);
    expect(job.qos).toBe('high');
  });

  it('importSacct ignores the forecast Start of a pending job and censors it at the trace end', () => {
    const job = byId(result.jobs, '4106');

    expect(job.startTimeSeconds).toBeNull();
    expect(job.censoredAtSeconds).toBe(FIXTURE_END);
    expect(job.requestedTimeSeconds).toBe(36 * 3600);
  });

  it('importSacct leaves memory and time limit null when unstated or UNLIMITED', () => {
    const job = byId(result.jobs, '4107');

    expect(job.requestedMemoryMb).toBeNull();
    expect(job.requestedTimeSeconds).toBeNull();
    expect(job.requestedGpus).toBe(0);
    expect(job.queue).toBe('debug');
  });
});

describe('importSacct options and edge cases', () => {
  it('importSacct censors pending jobs at traceEndSeconds when given', () => {
    const later = FIXTURE_END + 600;

    const result = importSacct(FIXTURE, { traceEndSeconds: later });

    expect(byId(result.jobs, '4106').censoredAtSeconds).toBe(later);
    expect(byId(result.jobs, '4103').censoredAtSeconds).toBe(at(8, 25));
  });

  it('importSacct refuses a traceEndSeconds before the latest time in the file', () => {
    expect(() => importSacct(FIXTURE, { traceEndSeconds: FIXTURE_END - 1 })).toThrow(
      /traceEndSeconds 1709556001 precedes/,
    );
    expect(() => importSacct(FIXTURE, { traceEndSeconds: Number.NaN })).toThrow(InvalidInputError);
  });

  it('importSacct refuses a header without a required column', () => {
    const text = 'JobID|Submit|Start|State\n1|2024-03-04T08:00:00|2024-03-04T08:00:00|COMPLETED\n';

    expect(() => importSacct(text)).toThrow(/header lacks column 'End'/);
  });

  it('importSacct finds columns by name, needs only the required ones, and tolerates --parsable trailing pipes', () => {
    const text = [
      'State|End|Start|Submit|JobID|',
      'COMPLETED|2024-03-04T08:10:00|2024-03-04T08:01:00|2024-03-04T08:00:00|77|',
    ].join('\n');

    const [job] = importSacct(text).jobs;

    expect(job).toMatchObject({
      id: '77',
      submitTimeSeconds: EIGHT_AM,
      startTimeSeconds: EIGHT_AM + 60,
      endTimeSeconds: EIGHT_AM + 600,
      requestedProcessors: 1,
      requestedGpus: 0,
      requestedMemoryMb: null,
      requestedTimeSeconds: null,
      user: '',
      queue: '',
      qos: '',
    });
  });

  it('importSacct falls back to TRES for CPUs and memory', () => {
    const text = [
      HEADER,
      '9|2024-03-04T08:00:00|2024-03-04T08:00:00|2024-03-04T08:01:00|COMPLETED|p||0|cpu=6,mem=12G,node=1|10|u|q',
    ].join('\n');

    const [job] = importSacct(text).jobs;

    expect(job?.requestedProcessors).toBe(6);
    expect(job?.requestedMemoryMb).toBe(12 * 1024);
  });

  it('importSacct expands lists, steps and throttles in pending array records', () => {
    const text = [HEADER, '5_[1,4-8:2%3]|2024-03-04T08:00:00|Unknown|Unknown|PENDING|p|1|1G||1|u|q'].join('\n');

    const ids = importSacct(text).jobs.map((job) => job.id);

    expect(ids).toEqual(['5_1', '5_4', '5_6', '5_8']);
  });

  it('importSacct refuses an array record larger than the cap, and bad ranges', () => {
    const huge = `5_[0-${MAX_ARRAY_TASKS_PER_RECORD}]`;
    const lines = [
      HEADER,
      '1|2024-03-04T08:00:00|2024-03-04T08:00:00|2024-03-04T08:01:00|COMPLETED|p|1|1G||1|u|q',
      '2|2024-03-04T08:00:00|2024-03-04T08:00:00|2024-03-04T08:01:00|COMPLETED|p|1|1G||1|u|q',
      '3|2024-03-04T08:00:00|2024-03-04T08:00:00|2024-03-04T08:01:00|COMPLETED|p|1|1G||1|u|q',
      `${huge}|2024-03-04T08:00:00|Unknown|Unknown|PENDING|p|1|1G||1|u|q`,
      '6_[9-3]|2024-03-04T08:00:00|Unknown|Unknown|PENDING|p|1|1G||1|u|q',
      '7_[a]|2024-03-04T08:00:00|Unknown|Unknown|PENDING|p|1|1G||1|u|q',
    ];

    const result = importSacct(lines.join('\n'));

    expect(result.malformed.map((note) => note.reason)).toEqual([
      `array record ${huge} has more than ${MAX_ARRAY_TASKS_PER_RECORD} tasks`,
      "array range not understood: '9-3' in 6_[9-3]",
      "array range not understood: 'a' in 7_[a]",
    ]);
  });

  it('importSacct reports each kind of bad field as malformed', () => {
    const good = '1|2024-03-04T08:00:00|2024-03-04T08:00:00|2024-03-04T08:01:00|COMPLETED|p|1|1G||1|u|q';
    const bad = [
      'x1|2024-03-04T08:00:00|2024-03-04T08:00:00|2024-03-04T08:01:00|COMPLETED|p|1|1G||1|u|q',
      '2|Unknown|2024-03-04T08:00:00|2024-03-04T08:01:00|COMPLETED|p|1|1G||1|u|q',
      '3|2024-03-04T08:00:00|2024-03-04T08:00:00|2024-03-04T08:01:00||p|1|1G||1|u|q',
      '4|2024-03-04T08:00:00|2024-03-04T08:05:00|2024-03-04T08:01:00|COMPLETED|p|1|1G||1|u|q',
      '5|2024-03-04T08:00:00|Unknown|2024-03-04T07:01:00|CANCELLED|p|1|1G||1|u|q',
      '6|2024-03-04T08:00:00|2024-03-04T08:00:00|2024-03-04T08:01:00|COMPLETED|p|1.5|1G||1|u|q',
    ];

    const result = importSacct([HEADER, ...Array.from({ length: 6 }, () => good), ...bad].join('\n'));

    expect(result.malformed.map((note) => note.reason)).toEqual([
      "job id not understood: 'x1'",
      'job 2 has no Submit time',
      'job 3 has no State',
      'job 4 End 2024-03-04T08:01:00 precedes Start',
      'job 5 End 2024-03-04T07:01:00 precedes Submit',
      "ReqCPUS not understood: '1.5'",
    ]);
  });

  it('importSacct accepts heterogeneous-job components as jobs', () => {
    const text = [
      HEADER,
      '8+1|2024-03-04T08:00:00|2024-03-04T08:00:00|2024-03-04T08:01:00|COMPLETED|p|1|1G||1|u|q',
    ].join('\n');

    expect(importSacct(text).jobs.map((job) => job.id)).toEqual(['8+1']);
  });

  it('importSacct throws when most lines are malformed, quoting the first', () => {
    const text = [HEADER, '1|bad', '2|bad', '3|2024-03-04T08:00:00|Unknown|Unknown|PENDING|p|1|1G||1|u|q'].join('\n');

    expect(() => importSacct(text)).toThrow('sacct: 2 of 3 lines malformed (first: line 2: expected 12 fields, got 2)');
  });

  it('importSacct throws when only steps are present', () => {
    const text = [HEADER, '1.batch|2024-03-04T08:00:00|2024-03-04T08:00:00|bad|COMPLETED||1|||||'].join('\n');

    expect(() => importSacct(text)).toThrow('sacct: no jobs in 1 data lines (0 malformed, 1 skipped)');
  });

  it('importSacct throws on an empty file', () => {
    expect(() => importSacct(' \n\n')).toThrow('sacct trace is empty');
  });
});

import { describe, expect, it } from 'vitest';
import { readSharedData, SharedDataFile } from '../../../test/support/shared-data.ts';
import { importSwf } from './swf-importer.ts';

/** An 18-field SWF line from the fields we care about; the rest are −1. */
function swfLine(fields: {
  id: number;
  submit: number;
  wait: number;
  run: number;
  allocated?: number;
  requested?: number;
  requestedTime?: number;
  requestedMemoryKb?: number;
  status?: number;
  user?: number;
  queue?: number;
}): string {
  const row = Array.from({ length: 18 }, () => -1);
  row[0] = fields.id;
  row[1] = fields.submit;
  row[2] = fields.wait;
  row[3] = fields.run;
  row[4] = fields.allocated ?? -1;
  row[7] = fields.requested ?? -1;
  row[8] = fields.requestedTime ?? -1;
  row[9] = fields.requestedMemoryKb ?? -1;
  row[10] = fields.status ?? 1;
  row[11] = fields.user ?? -1;
  row[14] = fields.queue ?? -1;
  return `  ${row.join('   ')}`;
}

describe('importSwf', () => {
  it('importSwf maps a completed job: start = submit + wait, end = start + run, memory KB per processor', () => {
    const text = [
      '; Version: 2.2',
      '; UnixStartTime: 843480031',
      swfLine({
        id: 7,
        submit: 100,
        wait: 40,
        run: 60,
        allocated: 4,
        requested: 4,
        requestedTime: 120,
        requestedMemoryKb: 2048,
        user: 12,
        queue: 3,
      }),
    ].join('\n');

    const result = importSwf(text);

    expect(result.jobs).toEqual([
      {
        id: '7',
        submitTimeSeconds: 100,
        startTimeSeconds: 140,
        censoredAtSeconds: null,
        endTimeSeconds: 200,
        requestedProcessors: 4,
        requestedGpus: 0,
        requestedMemoryMb: 8,
        requestedTimeSeconds: 120,
        user: '12',
        queue: '3',
        qos: '',
        status: 'completed',
      },
    ]);
    expect(result.epochOffsetSeconds).toBe(843_480_031);
    expect(result.totalLines).toBe(3);
    expect(result.format).toBe('swf');
  });

  it('importSwf reads the machine size from MaxProcs, else MaxNodes, else leaves it unknown', () => {
    const job = swfLine({ id: 1, submit: 0, wait: 0, run: 1, requested: 1 });

    const both = importSwf(['; MaxNodes: 64', ';   MaxProcs: 512  ', job].join('\n'));
    const nodesOnly = importSwf(['; MaxNodes: 100', job].join('\n'));
    const neither = importSwf(['; MaxNodes: -1', '; MaxProcs: 0', job].join('\n'));

    expect(both.capacity).toEqual({ processors: 512, gpus: null });
    expect(nodesOnly.capacity).toEqual({ processors: 100, gpus: null });
    expect(neither.capacity).toEqual({ processors: null, gpus: null });
  });

  it('importSwf censors cancelled-before-start jobs at submit + wait instead of reading a short wait', () => {
    const text = [
      swfLine({ id: 1, submit: 10, wait: 300, run: 0, requested: 2, status: 5 }),
      swfLine({ id: 2, submit: 20, wait: -1, run: -1, requested: 2, status: 5 }),
      swfLine({ id: 3, submit: 30, wait: 5, run: 50, requested: 2, status: 5 }),
    ].join('\n');

    const [first, second, third] = importSwf(text).jobs;

    expect(first).toMatchObject({
      startTimeSeconds: null,
      censoredAtSeconds: 310,
      endTimeSeconds: null,
      status: 'cancelled',
    });
    expect(second).toMatchObject({ startTimeSeconds: null, censoredAtSeconds: 20, endTimeSeconds: null });
    expect(third).toMatchObject({
      startTimeSeconds: 35,
      censoredAtSeconds: null,
      endTimeSeconds: 85,
      status: 'cancelled',
    });
  });

  it('importSwf censors an unknown wait at submit and leaves an unknown run time open', () => {
    const text = [
      swfLine({ id: 1, submit: 10, wait: -1, run: 30, requested: 1, status: 0 }),
      swfLine({ id: 2, submit: 11, wait: 4, run: -1, requested: 1 }),
    ].join('\n');

    const [first, second] = importSwf(text).jobs;

    expect(first).toMatchObject({ startTimeSeconds: null, censoredAtSeconds: 10, status: 'failed' });
    expect(second).toMatchObject({ startTimeSeconds: 15, endTimeSeconds: null });
  });

  it('importSwf falls back to allocated processors, then to 1; unknown time, memory, user and queue stay empty', () => {
    const text = [
      swfLine({ id: 1, submit: 0, wait: 0, run: 1, allocated: 6 }),
      swfLine({ id: 2, submit: 1, wait: 0, run: 1 }),
    ].join('\n');

    const [first, second] = importSwf(text).jobs;

    expect(first).toMatchObject({
      requestedProcessors: 6,
      requestedTimeSeconds: null,
      requestedMemoryMb: null,
      user: '',
      queue: '',
    });
    expect(second?.requestedProcessors).toBe(1);
  });

  it('importSwf names partial-execution and unknown status codes', () => {
    const statuses = [2, 3, 4, -1, 9].map((status, index) =>
      swfLine({ id: index + 1, submit: index, wait: 0, run: 1, requested: 1, status }),
    );

    const names = importSwf(statuses.join('\n')).jobs.map((job) => job.status);

    expect(names).toEqual(['partial', 'partial-completed', 'partial-failed', 'unknown', 'status-9']);
  });

  it('importSwf sorts by submit time then natural id', () => {
    const text = [
      swfLine({ id: 10, submit: 5, wait: 0, run: 1, requested: 1 }),
      swfLine({ id: 9, submit: 5, wait: 0, run: 1, requested: 1 }),
      swfLine({ id: 11, submit: 4, wait: 0, run: 1, requested: 1 }),
    ].join('\n');

    expect(importSwf(text).jobs.map((job) => job.id)).toEqual(['11', '9', '10']);
  });

  it('importSwf reports malformed lines with their line numbers and reasons', () => {
    const good = swfLine({ id: 1, submit: 0, wait: 0, run: 1, requested: 1 });
    const lines = [
      '; header',
      good,
      '1 2 3',
      good.replace(/^\s+1\s+0\s+0/, ' 2 0 abc'),
      good.replace(/^\s+1\s+0\s+0/, ' 3 0 -7'),
      good.replace(/^\s+1\s+0/, ' 4 -1'),
      '',
      good,
      good,
      good,
      good,
    ];

    const result = importSwf(lines.join('\r\n'));

    expect(result.malformed).toEqual([
      { line: 3, reason: 'expected 18 fields, got 3' },
      { line: 4, reason: "wait time is not a number: 'abc'" },
      { line: 5, reason: 'wait time is negative: -7' },
      { line: 6, reason: 'submit time is unknown (-1)' },
    ]);
    expect(result.jobs).toHaveLength(5);
    expect(result.totalLines).toBe(11);
  });

  it('importSwf throws when more than half the data lines are malformed', () => {
    const text = ['a b c', 'd e f', swfLine({ id: 1, submit: 0, wait: 0, run: 1, requested: 1 })].join('\n');

    expect(() => importSwf(text)).toThrow('swf: 2 of 3 lines malformed (first: line 1: expected 18 fields, got 3)');
  });

  it('importSwf throws on an empty file and on a header-only file', () => {
    expect(() => importSwf('')).toThrow('swf trace is empty');
    expect(() => importSwf('; Version: 2.2\n;\n')).toThrow('swf trace has no data lines');
  });

  it('importSwf reads the KTH SP2 log: 28,476 jobs, wait median 300 s and P90 10.1 h', () => {
    const text = readSharedData(SharedDataFile.kthSwf);

    const result = importSwf(text);

    // Reference: the Archive's header says MaxRecords 28476; the data README gives the wait
    // median 300 s and P90 10.1 h (numpy.percentile(waits, [50, 90]) → [300, 36300]).
    expect(result.jobs).toHaveLength(28_476);
    expect(result.malformed).toEqual([]);
    expect(result.epochOffsetSeconds).toBe(843_480_031);
    // The header says `; MaxNodes: 100` and `; MaxProcs: 100` (the SP2 had 100 nodes).
    expect(result.capacity).toEqual({ processors: 100, gpus: null });
    const waits = result.jobs
      .map((job) => (job.startTimeSeconds as number) - job.submitTimeSeconds)
      .sort((left, right) => left - right);
    expect(waits[Math.floor((waits.length - 1) * 0.5)]).toBe(300);
    const p90Position = (waits.length - 1) * 0.9;
    const p90 =
      (waits[Math.floor(p90Position)] as number) +
      (p90Position % 1) * ((waits[Math.ceil(p90Position)] as number) - (waits[Math.floor(p90Position)] as number));
    expect(p90 / 3600).toBeCloseTo(10.08, 2);
    // The one job with neither requested nor allocated processors (id 27313) is kept with 1.
    expect(result.jobs.find((job) => job.id === '27313')?.requestedProcessors).toBe(1);
  });
});

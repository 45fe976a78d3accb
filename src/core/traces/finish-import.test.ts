import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { finishImport, malformedReason, splitTraceLines } from './finish-import.ts';
import type { TraceJob } from './trace-job.ts';

function job(id: string, submitTimeSeconds: number): TraceJob {
  return {
    id,
    submitTimeSeconds,
    startTimeSeconds: submitTimeSeconds,
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
  };
}

const draft = { malformed: [], skipped: [], totalLines: 3, dataLines: 3, epochOffsetSeconds: null };

describe('finishImport', () => {
  it('finishImport sorts by submit time, then natural id, then file order', () => {
    const first = job('7', 5);
    const second = { ...job('7', 5), status: 'failed' };

    const result = finishImport('swf', { ...draft, jobs: [job('10', 5), first, job('2', 9), second, job('1', 6)] });

    expect(result.jobs.map((entry) => `${entry.id}@${entry.submitTimeSeconds}`)).toEqual([
      '7@5',
      '7@5',
      '10@5',
      '1@6',
      '2@9',
    ]);
    expect(result.jobs[0]).toBe(first);
    expect(result.jobs[1]).toBe(second);
  });

  it('finishImport accepts exactly half the lines malformed and refuses more', () => {
    const note = (line: number) => ({ line, reason: 'bad' });

    expect(
      finishImport('sacct', { ...draft, jobs: [job('1', 0)], dataLines: 4, malformed: [note(2), note(3)] }).malformed,
    ).toHaveLength(2);
    expect(() =>
      finishImport('sacct', { ...draft, jobs: [job('1', 0)], dataLines: 4, malformed: [note(2), note(3), note(4)] }),
    ).toThrow('sacct: 3 of 4 lines malformed (first: line 2: bad)');
  });

  it('finishImport refuses a draft without data lines or without jobs', () => {
    expect(() => finishImport('swf', { ...draft, jobs: [], dataLines: 0 })).toThrow('swf trace has no data lines');
    expect(() => finishImport('swf', { ...draft, jobs: [], skipped: [{ line: 1, reason: 'step' }] })).toThrow(
      'swf: no jobs in 3 data lines (0 malformed, 1 skipped)',
    );
  });
});

describe('splitTraceLines', () => {
  it('splitTraceLines splits LF and CRLF, drops a byte-order mark and the final terminator', () => {
    expect(splitTraceLines('\uFEFFa\r\nb\n\nc\n', 'swf')).toEqual(['a', 'b', '', 'c']);
    expect(splitTraceLines('a', 'swf')).toEqual(['a']);
  });

  it('splitTraceLines refuses whitespace-only text', () => {
    expect(() => splitTraceLines(' \r\n\t', 'alibaba-gpu')).toThrow('alibaba-gpu trace is empty');
  });
});

describe('malformedReason', () => {
  it('malformedReason returns the message of our own errors and rethrows anything else', () => {
    const bug = new TypeError('x is undefined');

    expect(malformedReason(new InvalidInputError('bad field'))).toBe('bad field');
    expect(() => malformedReason(bug)).toThrow(bug);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { detectTraceFormat, parseTrace } from './parse-trace.ts';

const SACCT = readFileSync(new URL('../../../test/fixtures/traces/sacct-sample.txt', import.meta.url), 'utf8');
const SWF = ';Version: 2.2\n1 0 5 10 1 -1 -1 1 60 -1 1 1 1 -1 -1 -1 -1 -1\n';
const SWF_NO_HEADER = '1 0 5 10 1 -1 -1 1 60 -1 1 1 1 -1 -1 -1 -1 -1\n';
const ALIBABA =
  'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\np,1000,1,1,1000,,LS,Pending,0,,\np2,1000,1,1,1000,,LS,Running,0,9,3\n';

describe('detectTraceFormat', () => {
  it('detectTraceFormat recognises each format from its first line', () => {
    expect(detectTraceFormat(SWF)).toBe('swf');
    expect(detectTraceFormat(SWF_NO_HEADER)).toBe('swf');
    expect(detectTraceFormat(`\uFEFF\r\n${SACCT}`)).toBe('sacct');
    expect(detectTraceFormat(ALIBABA)).toBe('alibaba-gpu');
  });

  it('detectTraceFormat falls back to a .swf file name when the content is not conclusive', () => {
    expect(detectTraceFormat('1 2 3\n', 'LOG.SWF')).toBe('swf');
  });

  it('detectTraceFormat refuses empty and unrecognisable text, quoting the first line', () => {
    expect(() => detectTraceFormat('  \n')).toThrow('trace is empty');
    expect(() => detectTraceFormat('\n', 'jobs.txt')).toThrow('trace jobs.txt is empty');
    expect(() => detectTraceFormat('hello world\n', 'jobs.txt')).toThrow(
      "cannot tell the trace format of jobs.txt (first line: 'hello world'); name it: swf, alibaba-gpu, sacct",
    );
    expect(() => detectTraceFormat(`${'x'.repeat(70)}\n`)).toThrow(
      `cannot tell the trace format of the text (first line: '${'x'.repeat(60)}…')`,
    );
    expect(() => detectTraceFormat('a,b\n')).toThrow(InvalidInputError);
  });
});

describe('parseTrace', () => {
  it('parseTrace dispatches to the importer of the named format', () => {
    expect(parseTrace(SWF, 'swf').jobs.map((job) => job.startTimeSeconds)).toEqual([5]);
    expect(parseTrace(SACCT, 'sacct').jobs).toHaveLength(14);
    expect(parseTrace(ALIBABA, 'alibaba-gpu').jobs.map((job) => job.censoredAtSeconds)).toEqual([9, null]);
  });

  it('parseTrace passes traceEndSeconds to the importers that censor at the trace end', () => {
    expect(parseTrace(ALIBABA, 'alibaba-gpu', { traceEndSeconds: 20 }).jobs[0]?.censoredAtSeconds).toBe(20);
    expect(
      parseTrace(SACCT, 'sacct', { traceEndSeconds: 1_709_560_000 }).jobs.find((job) => job.id === '4106')
        ?.censoredAtSeconds,
    ).toBe(1_709_560_000);
  });

  it('parseTrace refuses text of another format with a clear error', () => {
    expect(() => parseTrace(SACCT, 'swf')).toThrow(
      'swf: 22 of 22 lines malformed (first: line 1: expected 18 fields, got 1)',
    );
  });
});

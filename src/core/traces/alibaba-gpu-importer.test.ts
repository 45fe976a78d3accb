import { describe, expect, it } from 'vitest';
import { readSharedData, SharedDataFile } from '../../../test/support/shared-data.ts';
import { importAlibabaGpu } from './alibaba-gpu-importer.ts';

const HEADER =
  'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time';

describe('importAlibabaGpu', () => {
  it('importAlibabaGpu maps a scheduled pod: wait = scheduled − creation, fractional GPUs and CPUs', () => {
    const text = [HEADER, 'pod-a,6000,12288,1,460,,LS,Running,100,900,130'].join('\n');

    const result = importAlibabaGpu(text);

    expect(result.jobs).toEqual([
      {
        id: 'pod-a',
        submitTimeSeconds: 100,
        startTimeSeconds: 130,
        censoredAtSeconds: null,
        endTimeSeconds: 900,
        requestedProcessors: 6,
        requestedGpus: 0.46,
        requestedMemoryMb: 12_288,
        requestedTimeSeconds: null,
        user: '',
        queue: '',
        qos: 'LS',
        status: 'running',
      },
    ]);
    expect(result.epochOffsetSeconds).toBeNull();
    expect(result.format).toBe('alibaba-gpu');
  });

  it('importAlibabaGpu multiplies num_gpu by the per-GPU share', () => {
    const text = [HEADER, 'pod-b,88000,327680,8,1000,,Burstable,Succeeded,0,50,0'].join('\n');

    expect(importAlibabaGpu(text).jobs[0]?.requestedGpus).toBe(8);
  });

  it('importAlibabaGpu censors a pending pod at its deletion time, else at the trace end', () => {
    const text = [
      HEADER,
      'pod-a,1000,1024,1,1000,,BE,Pending,100,225,',
      'pod-b,1000,1024,1,1000,,BE,Pending,200,,',
      'pod-c,1000,1024,0,0,,LS,Running,300,5000,310',
    ].join('\n');

    const [deleted, open, running] = importAlibabaGpu(text).jobs;

    expect(deleted).toMatchObject({
      startTimeSeconds: null,
      censoredAtSeconds: 225,
      endTimeSeconds: null,
      status: 'pending',
    });
    expect(open).toMatchObject({ startTimeSeconds: null, censoredAtSeconds: 5000 });
    expect(running).toMatchObject({ startTimeSeconds: 310, censoredAtSeconds: null, requestedGpus: 0 });
  });

  it('importAlibabaGpu censors at traceEndSeconds when given, and refuses one before the last time seen', () => {
    const text = [
      HEADER,
      'pod-b,1000,1024,1,1000,,BE,Pending,200,,',
      'pod-c,1000,1024,0,0,,LS,Running,300,5000,310',
    ].join('\n');

    expect(importAlibabaGpu(text, { traceEndSeconds: 6000 }).jobs[0]?.censoredAtSeconds).toBe(6000);
    expect(() => importAlibabaGpu(text, { traceEndSeconds: 4999 })).toThrow(
      'alibaba-gpu: traceEndSeconds 4999 precedes the latest time in the file (5000)',
    );
  });

  it('importAlibabaGpu finds columns by name, keeps quoted commas and reads gpu_spec as the queue', () => {
    const text = [
      'scheduled_time,creation_time,deletion_time,name,pod_phase,qos,gpu_spec,gpu_milli,num_gpu,memory_mib,cpu_milli',
      '20,10,,"pod ""x""",Running,LS,"V100M16,V100M32",1000,2,,4000',
    ].join('\n');

    const [job] = importAlibabaGpu(text).jobs;

    expect(job).toMatchObject({
      id: 'pod "x"',
      queue: 'V100M16,V100M32',
      requestedGpus: 2,
      requestedProcessors: 4,
      requestedMemoryMb: null,
      endTimeSeconds: null,
    });
  });

  it('importAlibabaGpu works without the optional gpu_spec column and skips blank lines', () => {
    const text = [
      'name,cpu_milli,memory_mib,num_gpu,gpu_milli,qos,pod_phase,creation_time,deletion_time,scheduled_time',
      '',
      'p,500,64,1,250,BE,Running,1,9,2',
      '',
    ].join('\n');

    const result = importAlibabaGpu(text);

    expect(result.jobs).toMatchObject([
      { id: 'p', queue: '', requestedGpus: 0.25, requestedProcessors: 0.5, startTimeSeconds: 2 },
    ]);
    expect(result.totalLines).toBe(3);
  });

  it('importAlibabaGpu refuses a header without a required column', () => {
    expect(() => importAlibabaGpu('name,cpu_milli\npod,1\n')).toThrow("alibaba-gpu: header lacks column 'memory_mib'");
  });

  it('importAlibabaGpu reports malformed rows with reasons', () => {
    const good = 'ok,1000,1024,1,1000,,LS,Running,0,10,0';
    const bad = [
      'too,few',
      ',1000,1024,1,1000,,LS,Running,0,10,0',
      'x,1000,1024,1,1000,,LS,Running,,10,0',
      'x,lots,1024,1,1000,,LS,Running,0,10,0',
      'x,1000,1024,-1,1000,,LS,Running,0,10,0',
      'x,1000,1024,1,1000,,LS,Running,0,10,abc',
      'x,1000,1024,1,1000,,LS,Running,50,60,40',
      'x,1000,1024,1,1000,,LS,Running,50,55,60',
      'x,1000,1024,1,1000,,LS,Pending,50,45,',
    ];

    const result = importAlibabaGpu([HEADER, ...Array.from({ length: 9 }, () => good), ...bad].join('\n'));

    expect(result.malformed).toEqual([
      { line: 11, reason: 'expected 11 fields, got 2' },
      { line: 12, reason: 'name is empty' },
      { line: 13, reason: 'creation_time is empty' },
      { line: 14, reason: "cpu_milli is not a number: 'lots'" },
      { line: 15, reason: 'num_gpu is negative: -1' },
      { line: 16, reason: "scheduled_time is not a number: 'abc'" },
      { line: 17, reason: 'scheduled_time 40 precedes creation_time 50' },
      { line: 18, reason: 'deletion_time 55 precedes scheduled_time 60' },
      { line: 19, reason: 'deletion_time 45 precedes creation_time 50' },
    ]);
    expect(result.jobs).toHaveLength(9);
  });

  it('importAlibabaGpu throws on an empty file and on a header-only file', () => {
    expect(() => importAlibabaGpu('\n')).toThrow('alibaba-gpu trace is empty');
    expect(() => importAlibabaGpu(`${HEADER}\n`)).toThrow('alibaba-gpu trace has no data lines');
  });

  it('importAlibabaGpu reads the 2023 openb trace: 8,152 pods, observed wait median 2 s and P90 106 s', () => {
    const text = readSharedData(SharedDataFile.alibabaOpenbPods);

    const result = importAlibabaGpu(text);

    // Reference (data README, and numpy.percentile(observed_waits, [50, 90]) → [2, 106]);
    // 897 pods are Pending in the file (pandas value_counts of pod_phase).
    expect(result.jobs).toHaveLength(8_152);
    expect(result.malformed).toEqual([]);
    const censored = result.jobs.filter((job) => job.startTimeSeconds === null);
    expect(censored).toHaveLength(897);
    expect(censored.every((job) => job.censoredAtSeconds !== null && job.censoredAtSeconds < 12_902_960)).toBe(true);
    const waits = result.jobs
      .flatMap((job) => (job.startTimeSeconds === null ? [] : [job.startTimeSeconds - job.submitTimeSeconds]))
      .sort((left, right) => left - right);
    expect(waits).toHaveLength(7_255);
    expect(waits[(waits.length - 1) / 2]).toBe(2);
    const p90Position = (waits.length - 1) * 0.9;
    const lower = waits[Math.floor(p90Position)] as number;
    expect(lower + (p90Position % 1) * ((waits[Math.ceil(p90Position)] as number) - lower)).toBeCloseTo(106, 6);
  });
});

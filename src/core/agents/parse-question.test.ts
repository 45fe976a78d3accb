import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { parseQuestion, parseStartBy, resolveStartBy, type StartByPhrase } from './parse-question.ts';

describe('parseQuestion', () => {
  it.each([
    [
      'when will my 4-GPU job start on slurm-hpc?',
      { clusterId: 'slurm-hpc', gpus: 4, gpusStated: true, gpuType: null, intent: 'wait', complex: false },
    ],
    [
      '/vgac when will my 4×A100 job start on slurm-hpc?',
      { clusterId: 'slurm-hpc', gpus: 4, gpusStated: true, gpuType: 'A100', intent: 'wait', complex: false },
    ],
    [
      'why is my 8 gpus job slow on eks-prod',
      { clusterId: 'eks-prod', gpus: 8, gpusStated: true, gpuType: null, intent: 'why', complex: true },
    ],
    [
      'when does an h100 job start',
      { clusterId: null, gpus: 1, gpusStated: false, gpuType: 'H100', intent: 'wait', complex: false },
    ],
    [
      '2 x H100 on my cluster?',
      { clusterId: null, gpus: 2, gpusStated: true, gpuType: 'H100', intent: 'wait', complex: false },
    ],
    [
      'when will my 2xA100 job start on eks-prod?',
      { clusterId: 'eks-prod', gpus: 2, gpusStated: true, gpuType: 'A100', intent: 'wait', complex: false },
    ],
    [
      'status of eks-prod',
      { clusterId: 'eks-prod', gpus: 1, gpusStated: false, gpuType: null, intent: 'status', complex: false },
    ],
    [
      'how is slurm-hpc doing?',
      { clusterId: null, gpus: 1, gpusStated: false, gpuType: null, intent: 'status', complex: false },
    ],
    ['why?', { clusterId: null, gpus: 1, gpusStated: false, gpuType: null, intent: 'why', complex: true }],
    ['/vgac why', { clusterId: null, gpus: 1, gpusStated: false, gpuType: null, intent: 'why', complex: true }],
  ])('%s', (question, expected) => {
    expect(parseQuestion(question)).toMatchObject(expected);
  });

  it('lists every word after a preposition that may name a cluster, in order, skipping ones that never do', () => {
    expect(parseQuestion('when will my job waiting in the queue on slurm-hpc start?').clusterCandidates).toEqual([
      'slurm-hpc',
    ]);
    expect(parseQuestion('when will my 2-GPU job for project-x on eks-prod start?').clusterCandidates).toEqual([
      'project-x',
      'eks-prod',
    ]);
    expect(parseQuestion('when will it start').clusterCandidates).toEqual([]);
  });

  it.each(['what is the meaning of life', '/vgac hello', 'tell me a joke', 'thanks!'])(
    'reads "%s" as none of wait, status, why',
    (question) => {
      expect(parseQuestion(question).intent).toBe('unknown');
    },
  );

  it('reads a question with only a GPU count or type, or a wait word, as a wait question', () => {
    expect(parseQuestion('4 GPUs on eks-prod?').intent).toBe('wait');
    expect(parseQuestion('an H100 on eks-prod?').intent).toBe('wait');
    expect(parseQuestion('how long is the queue on eks-prod').intent).toBe('wait');
  });

  it('keeps an unregistered word after "of" only as a candidate: "the meaning of life" → life', () => {
    expect(parseQuestion('what is the meaning of life').clusterCandidates).toEqual(['life']);
  });

  it('reads "when" questions that mention status as wait questions', () => {
    expect(parseQuestion('when will my job in status pending start on eks-prod?').intent).toBe('wait');
  });

  it('refuses an empty question and an absurd GPU count', () => {
    expect(() => parseQuestion('   ')).toThrow(new InvalidInputError('empty question'));
    expect(() => parseQuestion('0 GPU on x')).toThrow(/GPU count 0/);
    expect(() => parseQuestion('99999 GPUs on x')).toThrow(/GPU count 99999/);
  });
});

describe('parseStartBy and resolveStartBy', () => {
  // 2025-01-01T10:00:00Z, worked by hand: 1_735_689_600_000 ms is 2025-01-01T00:00Z, plus 10 h.
  const TEN_AM_UTC_MS = 1_735_689_600_000 + 10 * 3_600_000;

  it('reads "before 17:00" with the job and the cluster', () => {
    const question = parseQuestion('will my 4-GPU job start before 17:00 on slurm-hpc?');

    expect(question).toMatchObject({
      clusterId: 'slurm-hpc',
      clusterCandidates: ['slurm-hpc'],
      gpus: 4,
      intent: 'wait',
    });
    expect(question.startBy).toEqual({ kind: 'clock', hour: 17, minute: 0, tomorrow: false, text: 'before 17:00' });
  });

  it.each([
    ['by 5pm', 17, 0, false, 'by 5pm'],
    ['until 5:30 pm tomorrow', 17, 30, true, 'until 5:30 pm tomorrow'],
    ['at 09:15', 9, 15, false, 'by 09:15'],
    ['by 12am', 0, 0, false, 'by 12am'],
    ['by 12 pm today', 12, 0, false, 'by 12 pm today'],
  ])('reads the time of day in "%s"', (phrase, hour, minute, tomorrow, text) => {
    expect(parseStartBy(`will my job start ${phrase} on eks-prod?`)).toEqual({
      kind: 'clock',
      hour,
      minute,
      tomorrow,
      text,
    });
  });

  it.each([
    ['within 2 hours', 7200],
    ['in 30 min', 1800],
    ['within an hour', 3600],
    ['in the next 1.5 h', 5400],
    ['within 90 seconds', 90],
    ['in 2 days', 172_800],
  ])('reads the horizon in "%s" as %i s', (phrase, seconds) => {
    expect(parseStartBy(`will my 2-GPU job start ${phrase}?`)).toEqual({ kind: 'within', seconds, text: phrase });
  });

  it('reads no deadline where none is stated, and skips "in a queue"', () => {
    expect(parseStartBy('when will my job start on eks-prod?')).toBeNull();
    expect(parseStartBy('my 4 GPUs job in the queue on eks-prod')).toBeNull();
    expect(parseStartBy('by 4 GPUs')).toBeNull();
    expect(parseStartBy('my job in a queue, will it start within 2 hours?')).toEqual({
      kind: 'within',
      seconds: 7200,
      text: 'within 2 hours',
    });
    expect(parseQuestion('status of eks-prod').startBy).toBeNull();
  });

  it('keeps times and numbers out of the cluster candidates', () => {
    expect(parseQuestion('will it start at 17:00 on eks-prod').clusterCandidates).toEqual(['eks-prod']);
    expect(parseQuestion('will it start in 30 min on eks-prod').clusterCandidates).toEqual(['eks-prod']);
  });

  it('refuses a time that is not a time of day and a horizon over a year', () => {
    expect(() => parseStartBy('by 25:00')).toThrow(new InvalidInputError("'25:00' is not a time of day"));
    expect(() => parseStartBy('by 17:60')).toThrow(/not a time of day/);
    expect(() => parseStartBy('at 13pm')).toThrow(/'13pm' is not a time of day/);
    expect(() => parseStartBy('at 0 am')).toThrow(/not a time of day/);
    expect(() => parseStartBy('within 400 days')).toThrow(/more than a year away/);
  });

  const clock = (hour: number, minute = 0, tomorrow = false): StartByPhrase => ({
    kind: 'clock',
    hour,
    minute,
    tomorrow,
    text: 'by',
  });

  it.each([
    // [phrase, now, UTC offset (min), expected seconds], each worked by hand:
    ['17:00 today, 7 h after 10:00', clock(17), TEN_AM_UTC_MS, 0, 7 * 3600],
    ['17:00 is past at 18:30: tomorrow, 22.5 h later', clock(17), TEN_AM_UTC_MS + 8.5 * 3_600_000, 0, 22.5 * 3600],
    ['exactly 17:00: now, not tomorrow', clock(17), TEN_AM_UTC_MS + 7 * 3_600_000, 0, 0],
    ['stated tomorrow: 31 h', clock(17, 0, true), TEN_AM_UTC_MS, 0, 31 * 3600],
    ['UTC+1: 10:00Z is 11:00 local, 17:00 local is 16:00Z', clock(17), TEN_AM_UTC_MS, 60, 6 * 3600],
    [
      'UTC+1 at 23:30Z: local 00:30 next day, 17:00 local is 16:00Z',
      clock(17),
      TEN_AM_UTC_MS + 13.5 * 3_600_000,
      60,
      16.5 * 3600,
    ],
    [
      'UTC−5 at 02:00Z: local 21:00 the day before, next 17:00 local is 22:00Z',
      clock(17),
      TEN_AM_UTC_MS - 8 * 3_600_000,
      -300,
      20 * 3600,
    ],
    ['09:15 from 10:00: tomorrow', clock(9, 15), TEN_AM_UTC_MS, 0, 23.25 * 3600],
  ])('resolveStartBy: %s', (_label, phrase, nowMs, offset, seconds) => {
    const resolved = resolveStartBy(phrase, nowMs, offset);

    expect(resolved.seconds).toBe(seconds);
    expect(resolved.atMs).toBe(nowMs + seconds * 1000);
  });

  it('resolveStartBy takes a horizon as it is, and UTC by default', () => {
    expect(resolveStartBy({ kind: 'within', seconds: 1800, text: 'in 30 min' }, TEN_AM_UTC_MS)).toEqual({
      seconds: 1800,
      atMs: TEN_AM_UTC_MS + 1_800_000,
    });
    expect(resolveStartBy(clock(17), TEN_AM_UTC_MS).seconds).toBe(7 * 3600);
  });
});

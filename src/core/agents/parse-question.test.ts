import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { parseQuestion } from './parse-question.ts';

describe('parseQuestion', () => {
  it.each([
    ['when will my 4-GPU job start on slurm-hpc?', { clusterId: 'slurm-hpc', gpus: 4, gpusStated: true, gpuType: null, intent: 'wait', complex: false }],
    ['/vgac when will my 4×A100 job start on slurm-hpc?', { clusterId: 'slurm-hpc', gpus: 4, gpusStated: true, gpuType: 'A100', intent: 'wait', complex: false }],
    ['why is my 8 gpus job slow on eks-prod', { clusterId: 'eks-prod', gpus: 8, gpusStated: true, gpuType: null, intent: 'why', complex: true }],
    ['when does an h100 job start', { clusterId: null, gpus: 1, gpusStated: false, gpuType: 'H100', intent: 'wait', complex: false }],
    ['2 x H100 on my cluster?', { clusterId: null, gpus: 2, gpusStated: true, gpuType: 'H100', intent: 'wait', complex: false }],
    ['when will my 2xA100 job start on eks-prod?', { clusterId: 'eks-prod', gpus: 2, gpusStated: true, gpuType: 'A100', intent: 'wait', complex: false }],
    ['status of eks-prod', { clusterId: 'eks-prod', gpus: 1, gpusStated: false, gpuType: null, intent: 'status', complex: false }],
    ['how is slurm-hpc doing?', { clusterId: null, gpus: 1, gpusStated: false, gpuType: null, intent: 'status', complex: false }],
    ['why?', { clusterId: null, gpus: 1, gpusStated: false, gpuType: null, intent: 'why', complex: true }],
    ['/vgac why', { clusterId: null, gpus: 1, gpusStated: false, gpuType: null, intent: 'why', complex: true }],
  ])('%s', (question, expected) => {
    expect(parseQuestion(question)).toMatchObject(expected);
  });

  it('lists every word after a preposition that may name a cluster, in order, skipping ones that never do', () => {
    expect(parseQuestion('when will my job waiting in the queue on slurm-hpc start?').clusterCandidates).toEqual(['slurm-hpc']);
    expect(parseQuestion('when will my 2-GPU job for project-x on eks-prod start?').clusterCandidates).toEqual(['project-x', 'eks-prod']);
    expect(parseQuestion('when will it start').clusterCandidates).toEqual([]);
  });

  it.each(['what is the meaning of life', '/vgac hello', 'tell me a joke', 'thanks!'])('reads "%s" as none of wait, status, why', (question) => {
    expect(parseQuestion(question).intent).toBe('unknown');
  });

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

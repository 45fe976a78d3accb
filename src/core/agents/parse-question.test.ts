import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { parseQuestion } from './parse-question.ts';

describe('parseQuestion', () => {
  it.each([
    ['when will my 4-GPU job start on slurm-hpc?', { clusterId: 'slurm-hpc', gpus: 4, gpuType: null, complex: false }],
    ['/vgac when will my 4×A100 job start on slurm-hpc?', { clusterId: 'slurm-hpc', gpus: 4, gpuType: 'A100', complex: false }],
    ['why is my 8 gpus job slow on eks-prod', { clusterId: 'eks-prod', gpus: 8, gpuType: null, complex: true }],
    ['when does an h100 job start', { clusterId: null, gpus: 1, gpuType: 'H100', complex: false }],
    ['2 x H100 on my cluster?', { clusterId: null, gpus: 2, gpuType: 'H100', complex: false }],
  ])('%s', (question, expected) => {
    expect(parseQuestion(question)).toEqual(expected);
  });

  it('refuses an empty question and an absurd GPU count', () => {
    expect(() => parseQuestion('   ')).toThrow(new InvalidInputError('empty question'));
    expect(() => parseQuestion('0 GPU on x')).toThrow(/GPU count 0/);
    expect(() => parseQuestion('99999 GPUs on x')).toThrow(/GPU count 99999/);
  });
});

import { describe, expect, it } from 'vitest';
import { parseJobQuestion } from './parse-job-question.ts';

describe('parseJobQuestion', () => {
  it.each([
    ['when will 12345 start?', 'job_when', '12345'],
    ['/vgac when will job 12345 start on slurm-hpc?', 'job_when', '12345'],
    ['why is 12345 pending?', 'job_why', '12345'],
    ['why is job #77 still waiting', 'job_why', '77'],
    ['notify me when 12345 starts', 'job_notify', '12345'],
    ['let me know when 12345_3 starts', 'job_notify', '12345_3'],
    ['what if 12345', 'job_what_if', '12345'],
    ['how can 12345 start sooner?', 'job_what_if', '12345'],
    ['when will my 4-GPU job 981 start', 'job_when', '981'],
  ])('parseJobQuestion(%s)', (text, intent, jobId) => {
    expect(parseJobQuestion(text)).toMatchObject({ intent, jobId });
  });

  it.each([
    'when will my 4-GPU job start on slurm-hpc?',
    'when will my 2 x H100 job start',
    'status of eks-prod',
    'why?',
    'when does a 2 hour 8 gpus job start on slurm-2',
  ])('parseJobQuestion(%s)_namesNoJob_isNull', (text) => {
    expect(parseJobQuestion(text)).toBeNull();
  });

  it('parseJobQuestion_clusterCandidates_skipWordsThatNeverNameOne', () => {
    expect(parseJobQuestion('when will 12345 start on slurm-hpc?')?.clusterCandidates).toEqual(['slurm-hpc']);
    expect(parseJobQuestion('notify me when 12345 starts')?.clusterCandidates).toEqual([]);
  });
});

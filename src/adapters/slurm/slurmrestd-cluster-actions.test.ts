import { describe, expect, it } from 'vitest';
import type { ClusterAction } from '../../app/ports/cluster-actions.ts';
import { jobUpdateFor, stateRefusal, type SlurmRestJob } from './slurmrestd-cluster-actions.ts';

const action = (kind: ClusterAction['kind'], value?: string | number, jobId = '42'): ClusterAction => ({
  kind,
  clusterId: 'c',
  jobId,
  reason: 'r',
  ...(value === undefined ? {} : { value }),
});
const job = (jobState: string, stateReason = 'None', priority = 100): SlurmRestJob => ({
  jobState,
  stateReason,
  priority,
});

describe('jobUpdateFor', () => {
  it('maps each kind to its v0.0.38 job-properties body (priority as the schema string)', () => {
    expect(jobUpdateFor(action('annotate', 'p=0.8'))).toEqual({ body: { comment: 'p=0.8' } });
    expect(jobUpdateFor(action('adjust_priority', 7))).toEqual({ body: { priority: '7' } });
    expect(jobUpdateFor(action('adjust_priority', '4294967293'))).toEqual({ body: { priority: '4294967293' } });
    expect(jobUpdateFor(action('hold'))).toEqual({ body: { hold: true } });
    expect(jobUpdateFor(action('release'))).toEqual({ body: { hold: false } });
    expect(jobUpdateFor(action('move_partition', 'debug'))).toEqual({ body: { partition: 'debug' } });
  });

  it('refuses requeue, bad ids and values before anything is sent', () => {
    const refused = (value: ReturnType<typeof jobUpdateFor>): string => ('refused' in value ? value.refused : 'sent');

    expect(refused(jobUpdateFor(action('requeue')))).toMatch(/^requeue is not possible through slurmrestd v0\.0\.38/);
    expect(refused(jobUpdateFor(action('hold', undefined, '42/../../nodes')))).toBe(
      "job id '42/../../nodes' is not a Slurm job id",
    );
    expect(refused(jobUpdateFor(action('annotate', ' ')))).toBe('annotate needs the comment text as its value');
    expect(refused(jobUpdateFor(action('annotate', 'a\nb')))).toMatch(/one line/);
    expect(refused(jobUpdateFor(action('annotate', 'x'.repeat(251))))).toMatch(/at most 250/);
    for (const priority of [0, -1, 1.5, 4294967294, 'TOP'])
      expect(refused(jobUpdateFor(action('adjust_priority', priority)))).toMatch(
        /^priority must be an integer in \[1, 4294967293\]/,
      );
    expect(refused(jobUpdateFor(action('move_partition', 'gpu;rm')))).toBe("'gpu;rm' is not a partition name");
  });
});

describe('stateRefusal', () => {
  it('lets each kind through only in the states it applies to', () => {
    const allowed = (kind: ClusterAction['kind'], state: SlurmRestJob): boolean =>
      stateRefusal(kind, '42', state) === null;

    expect(allowed('annotate', job('RUNNING'))).toBe(true);
    expect(allowed('annotate', job('COMPLETED'))).toBe(false);
    expect(allowed('adjust_priority', job('PENDING', 'Priority'))).toBe(true);
    expect(allowed('adjust_priority', job('PENDING', 'JobHeldUser', 0))).toBe(false);
    expect(allowed('hold', job('PENDING', 'Resources'))).toBe(true);
    expect(allowed('hold', job('RUNNING'))).toBe(false);
    expect(allowed('hold', job('PENDING', 'JobHeldAdmin', 0))).toBe(false);
    expect(allowed('release', job('PENDING', 'JobHeldUser', 0))).toBe(true);
    expect(allowed('release', job('PENDING', 'Resources'))).toBe(false);
    expect(allowed('move_partition', job('PENDING', 'JobHeldAdmin', 0))).toBe(true);
    expect(allowed('move_partition', job('RUNNING'))).toBe(false);
  });

  it('names the job and its state in the refusal', () => {
    expect(stateRefusal('hold', '42', job('CANCELLED'))).toBe('job 42 is CANCELLED: Slurm changes no finished job');
    expect(stateRefusal('release', '42', job('PENDING', 'Resources'))).toBe(
      'job 42 is not held (Resources): nothing to release',
    );
  });
});

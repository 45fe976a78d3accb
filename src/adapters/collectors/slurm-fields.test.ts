import { describe, expect, it } from 'vitest';
import {
  gpusInTres,
  queuedJobFromJson,
  queuedJobFromScontrol,
  queuedJobState,
  slurmDurationSeconds,
  slurmJsonNumber,
} from './slurm-fields.ts';

describe('slurm-fields', () => {
  it('gpusInTres_readsEveryGresSpellingAndIgnoresOtherResources', () => {
    const cases: [string | null, number][] = [
      ['gres:gpu:3', 3],
      ['gres/gpu=2', 2],
      ['gpu:a100:4(S:0-1)', 4],
      ['gres:gpu', 1],
      ['gres:gpu:2,gres:shard:5', 2],
      ['gres:gpu:a100:1,gres:gpu:v100:2', 3],
      ['', 0],
      [null, 0],
      ['(null)', 0],
      ['cpu=4,mem=1G', 0],
      // Slurm lists the total and its typed breakdown: 2 GPUs, not 4 (as core's sacct importer reads it).
      ['gres/gpu=2,gres/gpu:a100=2', 2],
      ['gres:gpu:a100:many', 0],
    ];

    const results = cases.map(([text]) => gpusInTres(text));

    expect(results).toEqual(cases.map(([, gpus]) => gpus));
  });

  it('slurmDurationSeconds_handlesEveryFormat', () => {
    const cases: [string, number | null][] = [
      ['5', 300],
      ['02:30', 150],
      ['01:02:03', 3723],
      ['1-00', 86_400],
      ['1-02:03', 93_780],
      ['2-00:00:10', 172_810],
      ['UNLIMITED', null],
      ['N/A', null],
    ];

    expect(cases.map(([text]) => slurmDurationSeconds(text))).toEqual(cases.map(([, seconds]) => seconds));
  });

  it('queuedJobState_mapsSlurmStatesWithFlags', () => {
    expect(
      ['PENDING', 'RUNNING', 'COMPLETING', 'COMPLETED', 'CANCELLED+', 'TIMEOUT', 'SUSPENDED'].map(queuedJobState),
    ).toEqual(['pending', 'running', 'running', 'completed', 'cancelled', 'failed', 'other']);
  });

  it('slurmJsonNumber_readsPlainAndV39Numbers', () => {
    expect([
      slurmJsonNumber(5),
      slurmJsonNumber({ set: true, infinite: false, number: 7 }),
      slurmJsonNumber({ set: false, number: 0 }),
      slurmJsonNumber({ infinite: true }),
      slurmJsonNumber('x'),
    ]).toEqual([5, 7, null, null, null]);
  });

  it('queuedJobFromJson_pendingStartIsAnEstimate_cancelledWithoutRunningNeverStarted', () => {
    const base = {
      job_id: 12,
      user_name: 'ana',
      partition: 'gpu',
      submit_time: 1_000,
      start_time: 1_600,
      end_time: 1_700,
      time_limit: 30,
      tres_per_node: 'gres:gpu:2',
      node_count: 2,
      cpus: 8,
      priority: 100,
    };

    const pending = queuedJobFromJson({ ...base, job_state: 'PENDING', state_reason: 'Resources' });
    const cancelled = queuedJobFromJson({ ...base, job_state: 'CANCELLED', state_reason: 'None', flags: [] });
    const ranThenCancelled = queuedJobFromJson({ ...base, job_state: 'CANCELLED', flags: ['JOB_WAS_RUNNING'] });
    const unlimited = queuedJobFromJson({ ...base, job_state: 'RUNNING', time_limit: 4_294_967_295 });

    expect(pending).toEqual({
      jobId: '12',
      user: 'ana',
      partition: 'gpu',
      state: 'pending',
      submitTimeMs: 1_000_000,
      startTimeMs: null,
      requestedGpus: 4,
      requestedCpus: 8,
      timeLimitSeconds: 1_800,
      priority: 100,
      reason: 'Resources',
      endTimeMs: null,
    });
    expect(cancelled).toMatchObject({ state: 'cancelled', startTimeMs: null, endTimeMs: 1_700_000, reason: null });
    expect(ranThenCancelled).toMatchObject({ startTimeMs: 1_600_000 });
    expect(unlimited).toMatchObject({ timeLimitSeconds: null, startTimeMs: 1_600_000 });
    expect(queuedJobFromJson({ job_id: null })).toBeNull();
  });

  it('queuedJobFromScontrol_readsTheOneLineFormat', () => {
    const line =
      'JobId=2 JobName=wrap UserId=root(0) GroupId=root(0) Priority=4294901758 JobState=PENDING Reason=Resources RunTime=00:00:00 TimeLimit=00:01:00 SubmitTime=2026-11-25T16:54:06 StartTime=2026-11-25T16:56:06 EndTime=2026-11-25T16:57:06 Partition=gpu NumNodes=1 NumCPUs=1 TresPerNode=gres:gpu:2';
    const parse = (text: string): number => Date.parse(`${text}Z`);

    const job = queuedJobFromScontrol(line, parse);

    expect(job).toEqual({
      jobId: '2',
      user: 'root',
      partition: 'gpu',
      state: 'pending',
      submitTimeMs: Date.UTC(2026, 10, 25, 16, 54, 6),
      startTimeMs: null,
      requestedGpus: 2,
      requestedCpus: 1,
      timeLimitSeconds: 60,
      priority: 4_294_901_758,
      reason: 'Resources',
      endTimeMs: null,
    });
    expect(queuedJobFromScontrol('No jobs in the system', parse)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { jobFromJson, nodeFieldsFromJson, partitionOfferFromJson } from './slurmrestd-job-lookup.ts';
import { jobsOfListing, nodeGpusByPartition, rankInListing, withNodeGpus } from './job-lookup-fields.ts';

/** A v0.0.38 `GET /partitions` entry as Slurm 22.05.8's slurmrestd sends it (trimmed to the fields around the ones read). */
const v38Partition = {
  flags: ['default'],
  allowed_accounts: '',
  denied_accounts: '',
  max_time_limit: -1,
  name: 'gpu',
  nodes: 'node1',
  state: 'UP',
  total_cpus: 8,
  tres: 'cpu=8,mem=1000M,node=1,billing=8',
};

describe('partitionOfferFromJson', () => {
  it('partitionOffer_v0038UnlimitedOpenPartition_isNoLimitEveryAccountUp_andNoTresGpus', () => {
    expect(partitionOfferFromJson(v38Partition)).toEqual({
      name: 'gpu',
      gpus: 0,
      maxTimeSeconds: null,
      up: true,
      allowAccounts: null,
    });
  });

  it('partitionOffer_v0038LimitedRestrictedPartitionTrackingGpus_readsMinutesAccountsAndGpus', () => {
    const partition = {
      ...v38Partition,
      name: 'a100',
      max_time_limit: 2880,
      allowed_accounts: 'lab1,lab2',
      state: 'DRAIN',
      tres: 'cpu=64,mem=500G,node=2,billing=64,gres/gpu=8',
    };

    // 2880 min × 60 = 172 800 s (2 days).
    expect(partitionOfferFromJson(partition)).toEqual({
      name: 'a100',
      gpus: 8,
      maxTimeSeconds: 172_800,
      up: false,
      allowAccounts: ['lab1', 'lab2'],
    });
    expect(partitionOfferFromJson({ ...partition, max_time_limit: 4_294_967_295 })?.maxTimeSeconds).toBeNull();
  });

  it('partitionOffer_v0040NestedFields_readsTheSameValues', () => {
    // v0.0.40's partition_info: the limit under maximums (a no-val number), accounts, the state list and TRES nested.
    const partition = {
      name: 'a100',
      accounts: { allowed: 'lab1', deny: '' },
      maximums: { time: { set: true, infinite: false, number: 90 } },
      partition: { state: ['UP'] },
      tres: { billing_weights: '', configured: 'cpu=64,gres/gpu=4' },
    };
    const unlimited = { ...partition, maximums: { time: { set: true, infinite: true, number: 0 } } };

    expect(partitionOfferFromJson(partition)).toEqual({
      name: 'a100',
      gpus: 4,
      maxTimeSeconds: 5_400,
      up: true,
      allowAccounts: ['lab1'],
    });
    expect(partitionOfferFromJson(unlimited)?.maxTimeSeconds).toBeNull();
  });

  it('partitionOffer_entryWithoutAName_isNull', () => {
    expect(partitionOfferFromJson({ ...v38Partition, name: '' })).toBeNull();
    expect(partitionOfferFromJson(null)).toBeNull();
    expect(partitionOfferFromJson('gpu')).toBeNull();
  });
});

describe('node GPUs by partition', () => {
  it('nodeFields_v0038AndV0040Nodes_giveGpusOnlyFromNodesThatCanRunJobs', () => {
    const nodes = [
      { name: 'n1', gres: 'gpu:4', state: 'mixed', state_flags: [], partitions: ['gpu', 'debug'] },
      { name: 'n2', gres: 'gpu:a100:2(S:0-1)', state: 'idle', state_flags: ['DRAIN'], partitions: ['gpu'] },
      { name: 'n3', gres: 'gpu:2', state: ['IDLE'], partitions: ['gpu'] },
      { name: 'n4', gres: '', state: ['DOWN', 'NOT_RESPONDING'], partitions: ['debug'] },
    ].map(nodeFieldsFromJson);

    const gpus = nodeGpusByPartition(nodes);
    const offers = withNodeGpus(
      [partitionOfferFromJson(v38Partition), partitionOfferFromJson({ ...v38Partition, name: 'debug' }), null],
      gpus,
    );

    // n2 is drained: gpu = n1 (4) + n3 (2); debug = n1 (4).
    expect(Object.fromEntries(gpus)).toEqual({ gpu: 6, debug: 4 });
    expect(offers.map((offer) => [offer.name, offer.gpus])).toEqual([
      ['gpu', 6],
      ['debug', 4],
    ]);
    expect(nodes[1]?.state).toBe('idle+DRAIN');
  });
});

describe('jobFromJson', () => {
  const pending = {
    account: '',
    job_id: 2,
    job_state: 'PENDING',
    state_reason: 'Resources',
    partition: 'gpu',
    priority: 4_294_901_758,
    submit_time: 1_796_631_431,
    start_time: 1_796_632_029,
    time_limit: 30,
    tres_per_node: 'gres:gpu:2',
    tres_per_job: '',
    node_count: 1,
    cpus: 2,
    user_name: 'root',
    flags: ['JOB_CPUS_SET'],
  };

  it('jobFromJson_v0038PendingJob_isTheObserversQueuedJobWithItsAccount', () => {
    const found = jobFromJson({ errors: [], jobs: [{ ...pending, account: 'lab1' }] });

    expect(found).toEqual({
      account: 'lab1',
      job: {
        jobId: '2',
        user: 'root',
        partition: 'gpu',
        state: 'pending',
        submitTimeMs: 1_796_631_431_000,
        // A pending job's start_time is Slurm's estimate, not a start.
        startTimeMs: null,
        requestedGpus: 2,
        requestedCpus: 2,
        timeLimitSeconds: 1_800,
        priority: 4_294_901_758,
        reason: 'Resources',
        endTimeMs: null,
      },
    });
  });

  it('jobFromJson_emptyAccountOrNoJob_isNullAccountOrUndefined', () => {
    expect(jobFromJson({ jobs: [pending] })?.account).toBeNull();
    expect(jobFromJson({ errors: [], jobs: [] })).toBeUndefined();
    expect(jobFromJson({ jobs: [{ job_state: 'PENDING' }] })).toBeUndefined();
    expect(jobFromJson('not json')).toBeUndefined();
  });
});

describe('rankInListing', () => {
  it('rankInListing_unsortedJsonListing_isThePlaceByPriorityAmongThePartitionsPendingJobs', () => {
    const entry = (job_id: number, partition: string, job_state: string, priority: number) => ({
      job_id,
      partition,
      job_state,
      priority,
      submit_time: 0,
    });
    // slurmrestd lists by job id, not priority; v0.0.40 wraps numbers and lists states.
    const listing = jobsOfListing({
      jobs: [
        entry(10, 'gpu', 'RUNNING', 900),
        entry(11, 'gpu', 'PENDING', 100),
        entry(12, 'gpu', 'PENDING', 300),
        { ...entry(13, 'gpu', 'PENDING', 0), job_state: ['PENDING'], priority: { set: true, number: 200 } },
        entry(14, 'debug', 'PENDING', 999),
        { partition: 'gpu', job_state: 'PENDING' },
        null,
      ],
    });

    // By hand, gpu's pending jobs by priority: 12 (300), 13 (200), 11 (100).
    expect(rankInListing(listing, { jobId: '11', partition: 'gpu' })).toEqual({ position: 3, pendingInPartition: 3 });
    expect(rankInListing(listing, { jobId: '13', partition: 'gpu' })).toEqual({ position: 2, pendingInPartition: 3 });
    expect(rankInListing(listing, { jobId: '14', partition: 'debug' })).toEqual({ position: 1, pendingInPartition: 1 });
    expect(rankInListing(listing, { jobId: '10', partition: 'gpu' })).toBeNull();
    expect(jobsOfListing({ errors: [] })).toEqual([]);
  });
});

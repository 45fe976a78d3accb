/**
 * The JobLookup contract: every adapter, asked about the same cluster state, gives the same
 * answers — the job's request, state, reason and priority (QueuedJob), its account, its place
 * among its partition's pending jobs, and the partitions the cluster offers; undefined for a job
 * the scheduler does not know and for a string that is no job id. The expected answers come from
 * the scenario (what the test submitted, read back with `squeue`, a client no adapter uses), never
 * from an adapter.
 */
import { expect, it } from 'vitest';
import type { JobLookup } from '../../src/app/ports/job-lookup.ts';
import type { JobDetails } from '../../src/app/records/job-details.ts';
import type { PartitionOffer } from '../../src/core/jobs/what-if-alternatives.ts';

/** A cluster state and what every lookup must say about it. */
export interface JobLookupScenario {
  /** Each job the scenario knows, with the details every adapter must report. */
  readonly jobs: ReadonlyMap<string, JobDetails>;
  /** The partitions, in any order. */
  readonly partitions: readonly PartitionOffer[];
  /** A job id the scheduler does not know. */
  readonly unknownJobId: string;
}

const byName = (left: PartitionOffer, right: PartitionOffer): number => left.name.localeCompare(right.name);

/** Registers the contract's cases; `subject()` is called inside each case (after the scenario is set up). */
export function jobLookupContract(subject: () => { readonly lookup: JobLookup; readonly scenario: JobLookupScenario }) {
  it('job_eachJobOfTheScenario_isItsRequestStateReasonAccountAndRank', async () => {
    const { lookup, scenario } = subject();

    const answers = new Map<string, JobDetails | undefined>();
    for (const jobId of scenario.jobs.keys()) answers.set(jobId, await lookup.job(jobId));

    expect(answers).toEqual(scenario.jobs);
  });

  it('job_unknownJobOrNoJobId_isUndefined', async () => {
    const { lookup, scenario } = subject();

    const unknown = await lookup.job(scenario.unknownJobId);
    const injected = await lookup.job('1 --all');
    const path = await lookup.job('../nodes');

    expect(unknown).toBeUndefined();
    expect(injected).toBeUndefined();
    expect(path).toBeUndefined();
  });

  it('partitions_areTheClustersPartitionsWithGpusLimitsStateAndAccounts', async () => {
    const { lookup, scenario } = subject();

    const partitions = await lookup.partitions();

    expect([...partitions].sort(byName)).toEqual([...scenario.partitions].sort(byName));
  });
}

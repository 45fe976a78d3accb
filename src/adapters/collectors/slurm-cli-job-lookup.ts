/**
 * JobLookup through the Slurm client commands (a login node, `vgac start --collector slurm`):
 * `scontrol show job -o ID` for the job; for a pending job `squeue --json` (slurmrestd's job shape,
 * read as SlurmrestdJobLookup reads `GET /jobs`) for its place among its partition's pending jobs
 * by priority and for its reason code — scontrol prints the scheduler's description in place of
 * the code when it set one (`Reason=Nodes_required_for_job_are_DOWN,…` for `Resources`);
 * `scontrol show partition -o` and `scontrol show node -o` for what the cluster offers. Every call is bounded by a timeout (the clients block ~10 s when slurmctld is
 * down). Errors translated: timeout / unreachable → SourceUnavailableError, credential problems
 * → AuthError; a job Slurm does not know (never existed, or purged MinJobAge after it ended) is
 * undefined.
 */
import { SourceUnavailableError } from '../../app/errors.ts';
import type { JobLookup } from '../../app/ports/job-lookup.ts';
import type { JobDetails } from '../../app/records/job-details.ts';
import type { PartitionOffer } from '../../core/jobs/what-if-alternatives.ts';
import { queuedJobFromScontrol, scontrolFields, slurmDurationSeconds } from './slurm-fields.ts';
import {
  jobAccount,
  jobsOfListing,
  nodeGpusByPartition,
  partitionOffer,
  rankInListing,
  withNodeGpus,
} from './job-lookup-fields.ts';
import { runCommand, type CommandResult } from '../shared/run-command.ts';
import { parseJson } from '../shared/slurmrestd-wire.ts';
import { classifyFailure, commandUnavailable, firstErrorLine } from '../shared/slurm-cli-errors.ts';

export const DEFAULT_JOB_LOOKUP_TIMEOUT_MS = 5_000;

const JOB_ID_PATTERN = /^\d+(?:_\d+)?$/;
/** What scontrol prints for a job id it does not know (exit 1). */
const UNKNOWN_JOB_PATTERN = /Invalid job id specified/i;

export interface SlurmCliJobLookupOptions {
  /** Child environment (e.g. with SLURM_CONF); undefined inherits this process's. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs?: number;
  /** scontrol prints zone-less local times; default `Date.parse` (this host's zone, which is the client's). */
  readonly parseLocalTime?: (text: string) => number;
}

/** One `scontrol show partition -o` line → what it offers; null for a line without a name. */
export function partitionOfferFromScontrol(line: string): PartitionOffer | null {
  const fields = scontrolFields(line);
  return partitionOffer({
    name: fields.get('PartitionName') ?? '',
    tres: fields.get('TRES'),
    maxTimeSeconds: slurmDurationSeconds(fields.get('MaxTime') ?? 'UNLIMITED'),
    state: fields.get('State') ?? 'UP',
    allowAccounts: fields.get('AllowAccounts') ?? 'ALL',
  });
}

export class SlurmCliJobLookup implements JobLookup {
  readonly #options: SlurmCliJobLookupOptions;

  constructor(options: SlurmCliJobLookupOptions = {}) {
    this.#options = options;
  }

  async job(jobId: string): Promise<JobDetails | undefined> {
    // Never handed to a command unless it is a Slurm job id (no option injection).
    if (!JOB_ID_PATTERN.test(jobId)) return undefined;
    const result = await this.#run('scontrol', ['show', 'job', '-o', jobId], true);
    if (result === undefined) return undefined;
    const line = result.stdout.split('\n').find((entry) => entry.trim() !== '') ?? '';
    const shown = queuedJobFromScontrol(line, this.#options.parseLocalTime ?? Date.parse);
    if (shown === null) return undefined;
    let job = shown;
    let rank = null;
    if (shown.state === 'pending') {
      const listing = jobsOfListing(parseJson((await this.#run('squeue', ['--json'], false))?.stdout ?? ''));
      rank = rankInListing(listing, shown);
      const listed = listing.find((entry) => entry.jobId === shown.jobId);
      if (listed !== undefined) job = { ...shown, reason: listed.reason };
    }
    return {
      job,
      account: jobAccount(scontrolFields(line).get('Account')),
      priorityRank: rank,
    };
  }

  /**
   * The partitions with their GPUs: the partition's TRES where accounting tracks `gres/gpu`,
   * else the GPUs of its nodes that can run jobs (`scontrol show node -o`: Gres, Partitions, State).
   */
  async partitions(): Promise<PartitionOffer[]> {
    const [partitionText, nodeText] = await Promise.all([
      this.#run('scontrol', ['show', 'partition', '-o'], false),
      this.#run('scontrol', ['show', 'node', '-o'], false),
    ]);
    const nodes = (nodeText?.stdout ?? '')
      .split('\n')
      .map(scontrolFields)
      .filter((fields) => fields.has('NodeName'))
      .map((fields) => ({
        gres: fields.get('Gres'),
        state: fields.get('State') ?? '',
        partitions: (fields.get('Partitions') ?? '').split(','),
      }));
    const offers = (partitionText?.stdout ?? '').split('\n').map(partitionOfferFromScontrol);
    return withNodeGpus(offers, nodeGpusByPartition(nodes));
  }

  /** Runs a client command; with `unknownJobIsUndefined`, Slurm's "Invalid job id" is undefined instead of an error. */
  async #run(
    file: string,
    args: readonly string[],
    unknownJobIsUndefined: boolean,
  ): Promise<CommandResult | undefined> {
    const command = `${file} ${args.join(' ')}`;
    let result: CommandResult;
    try {
      result = await runCommand(file, args, {
        timeoutMs: this.#options.timeoutMs ?? DEFAULT_JOB_LOOKUP_TIMEOUT_MS,
        ...(this.#options.env === undefined ? {} : { env: this.#options.env }),
      });
    } catch (error) {
      throw commandUnavailable(command, error);
    }
    if (result.exitCode === 0) return result;
    if (unknownJobIsUndefined && UNKNOWN_JOB_PATTERN.test(result.stderr)) return undefined;
    throw (
      classifyFailure(command, result) ?? new SourceUnavailableError(`${command} failed: ${firstErrorLine(result)}`)
    );
  }
}

/**
 * JobLookup through slurmrestd (a deployment without Slurm client commands: VGAC_COLLECTOR=slurmrestd,
 * locally or in a Lambda): `GET /slurm/{version}/job/{id}` for the job, `GET …/jobs` for its place
 * among its partition's pending jobs by priority (ordered as `squeue --sort=-p` would:
 * core's byPriority), `GET …/partitions` and `GET …/nodes` for what the cluster offers. The same
 * domain values as the client commands' SlurmCliJobLookup: jobs through queuedJobFromJson (the
 * observer's mapping), partitions through slurm-partition-offers.ts.
 *
 * Speaks v0.0.38 (Slurm 22.05 to 23.11, checked against a real slurmrestd) and reads the
 * partition and node fields v0.0.39+ moved (`maximums.time`, `accounts.allowed`,
 * `partition.state`, `tres.configured`, a node `state` array) where they differ.
 *
 * Errors translated here: unreachable, no answer within the timeout (slurmctld down: slurmrestd
 * itself waits ~9 s for it), or a read slurmctld refuses → SourceUnavailableError; a malformed,
 * expired or refused JWT → AuthError, after re-reading it once from the SecretSource (a re-issued
 * token reaches a running process). A job Slurm does not know (never existed, or purged MinJobAge
 * after it ended) is undefined. Each request has a timeout; only failed connections are retried.
 * The JWT is never put in a message.
 */
import type { IPolicy } from 'cockatiel';
import { AuthError, SourceUnavailableError } from '../../app/errors.ts';
import type { JobLookup } from '../../app/ports/job-lookup.ts';
import type { SecretSource } from '../../app/ports/secret-source.ts';
import type { JobDetails } from '../../app/records/job-details.ts';
import type { QueuedJob } from '../../app/records/queue.ts';
import type { PartitionOffer } from '../../core/jobs/what-if-alternatives.ts';
import { requestSlurmrestd, slurmrestdPolicy, type SlurmrestdAnswer } from '../shared/slurmrestd-request.ts';
import { queuedJobFromJson, slurmJsonNumber, type SlurmJsonJob } from './slurm-fields.ts';
import {
  jobAccount,
  jobsOfListing,
  nodeGpusByPartition,
  partitionOffer,
  rankInListing,
  withNodeGpus,
  type SlurmNodeFields,
} from './job-lookup-fields.ts';
import { DEFAULT_SLURMRESTD_API_VERSION } from './slurmrestd-observer.ts';

/** Per request, ms: shorter than slurmrestd's own ~9 s wait for an unreachable slurmctld. */
export const DEFAULT_SLURMRESTD_LOOKUP_TIMEOUT_MS = 5_000;
/** Retries after a failed connection (not after any HTTP answer, nor after a timeout). */
export const DEFAULT_SLURMRESTD_LOOKUP_CONNECT_RETRIES = 2;
/** A Slurm-error HTTP 500 faster than this is slurmctld refusing the JWT (it answers an absent slurmctld after ~9 s). */
export const DEFAULT_SLURMRESTD_LOOKUP_AUTH_REJECT_WITHIN_MS = 2_000;

const JOB_ID_PATTERN = /^\d+(?:_\d+)?$/;
const SECONDS_PER_MINUTE = 60;
/** v0.0.38 prints an unlimited partition time limit as -1 (INFINITE as int32), sometimes as the uint32 markers. */
const SLURM_NO_VAL_32 = 0xfffffffe;

export interface SlurmrestdJobLookupOptions {
  /** e.g. `http://127.0.0.1:6820` */
  readonly baseUrl: string;
  /** Sent as X-SLURM-USER-NAME; the JWT must be this user's. */
  readonly userName: string;
  /** Where the JWT (`scontrol token`) is read from, under `jwtSecretName`; re-read once when refused. */
  readonly secrets: SecretSource;
  readonly jwtSecretName: string;
  /** Default {@link DEFAULT_SLURMRESTD_API_VERSION}. */
  readonly apiVersion?: string;
  /** Per request, ms (default {@link DEFAULT_SLURMRESTD_LOOKUP_TIMEOUT_MS}). */
  readonly timeoutMs?: number;
  /** Default {@link DEFAULT_SLURMRESTD_LOOKUP_CONNECT_RETRIES}. */
  readonly connectRetries?: number;
  /** Default {@link DEFAULT_SLURMRESTD_LOOKUP_AUTH_REJECT_WITHIN_MS}. */
  readonly authRejectWithinMs?: number;
  readonly fetch?: typeof fetch;
  /** Epoch ms: JWT expiry and how fast slurmrestd answered. */
  readonly clock?: () => number;
}

/** The text of a field that is a string in v0.0.38 and a list of strings (flags) in later versions. */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.filter((entry) => typeof entry === 'string').join('+');
  return '';
}

function recordOf(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A partition's maximum time limit in seconds: v0.0.38 `max_time_limit` (minutes) or v0.0.39+ `maximums.time`; null when unlimited. */
function maxTimeSecondsOf(partition: Record<string, unknown>): number | null {
  const minutes =
    'max_time_limit' in partition
      ? slurmJsonNumber(partition.max_time_limit)
      : slurmJsonNumber(recordOf(partition.maximums).time);
  if (minutes === null || minutes < 0 || minutes >= SLURM_NO_VAL_32) return null;
  return minutes * SECONDS_PER_MINUTE;
}

/** One entry of `GET /partitions` (v0.0.38 or v0.0.39+) → its offer (GPUs from its TRES only); null without a name. */
export function partitionOfferFromJson(value: unknown): PartitionOffer | null {
  const partition = recordOf(value);
  const tres = typeof partition.tres === 'string' ? partition.tres : recordOf(partition.tres).configured;
  const allowed =
    typeof partition.allowed_accounts === 'string' ? partition.allowed_accounts : recordOf(partition.accounts).allowed;
  return partitionOffer({
    name: typeof partition.name === 'string' ? partition.name : '',
    tres: typeof tres === 'string' ? tres : undefined,
    maxTimeSeconds: maxTimeSecondsOf(partition),
    state: 'state' in partition ? textOf(partition.state) : textOf(recordOf(partition.partition).state),
    allowAccounts: typeof allowed === 'string' ? allowed : '',
  });
}

/** One entry of `GET /nodes` → its gres, state (with flags) and partitions. */
export function nodeFieldsFromJson(value: unknown): SlurmNodeFields {
  const node = recordOf(value);
  const partitions = Array.isArray(node.partitions)
    ? node.partitions.filter((entry): entry is string => typeof entry === 'string')
    : [];
  return {
    gres: typeof node.gres === 'string' ? node.gres : undefined,
    state: [textOf(node.state), textOf(node.state_flags)].filter((part) => part !== '').join('+'),
    partitions,
  };
}

/** The first job of a `GET /job/{id}` answer with its account, or undefined when it lists none. */
export function jobFromJson(body: unknown): { readonly job: QueuedJob; readonly account: string | null } | undefined {
  const jobs = recordOf(body).jobs;
  const first: unknown = Array.isArray(jobs) ? jobs[0] : undefined;
  if (first === undefined) return undefined;
  const job = queuedJobFromJson(recordOf(first) as unknown as SlurmJsonJob);
  if (job === null) return undefined;
  const account = recordOf(first).account;
  return { job, account: jobAccount(typeof account === 'string' ? account : undefined) };
}

export class SlurmrestdJobLookup implements JobLookup {
  readonly #options: SlurmrestdJobLookupOptions;
  readonly #policy: IPolicy;
  readonly #apiVersion: string;

  constructor(options: SlurmrestdJobLookupOptions) {
    this.#options = options;
    this.#apiVersion = options.apiVersion ?? DEFAULT_SLURMRESTD_API_VERSION;
    this.#policy = slurmrestdPolicy(
      options.timeoutMs ?? DEFAULT_SLURMRESTD_LOOKUP_TIMEOUT_MS,
      options.connectRetries ?? DEFAULT_SLURMRESTD_LOOKUP_CONNECT_RETRIES,
    );
  }

  async job(jobId: string): Promise<JobDetails | undefined> {
    // Never put in a URL unless it is a Slurm job id (no path injection).
    if (!JOB_ID_PATTERN.test(jobId)) return undefined;
    const answer = await this.#get(`job/${jobId}`);
    if (answer === undefined) return undefined;
    const found = jobFromJson(answer);
    if (found === undefined) return undefined;
    const { job, account } = found;
    const rank = job.state === 'pending' ? rankInListing(jobsOfListing(await this.#get('jobs')), job) : null;
    return { job, account, priorityRank: rank };
  }

  /** The partitions with their GPUs: the partition's TRES where accounting tracks `gres/gpu`, else the GPUs of its nodes that can run jobs. */
  async partitions(): Promise<PartitionOffer[]> {
    const [partitionBody, nodeBody] = await Promise.all([this.#get('partitions'), this.#get('nodes')]);
    const partitions = recordOf(partitionBody).partitions;
    const nodes = recordOf(nodeBody).nodes;
    return withNodeGpus(
      (Array.isArray(partitions) ? partitions : []).map(partitionOfferFromJson),
      nodeGpusByPartition((Array.isArray(nodes) ? nodes : []).map(nodeFieldsFromJson)),
    );
  }

  /** The JSON body of `GET /slurm/{version}/{resource}`; undefined when slurmctld does not know the job. */
  async #get(resource: string): Promise<unknown> {
    const path = `/slurm/${this.#apiVersion}/${resource}`;
    const { secrets, jwtSecretName } = this.#options;
    let answer = await this.#send(path, await secrets.get(jwtSecretName));
    const refresh = secrets.refresh?.bind(secrets);
    // A long-lived process outlives a JWT (`scontrol token` lasts 30 min by default): an operator re-issued it.
    if (answer.kind === 'auth' && refresh !== undefined) answer = await this.#send(path, await refresh(jwtSecretName));
    switch (answer.kind) {
      case 'ok':
        return answer.body;
      case 'not_found':
        return undefined;
      case 'auth':
        throw new AuthError(answer.message);
      case 'refused':
        throw new SourceUnavailableError(`slurmrestd could not serve GET ${path}: ${answer.message}`);
    }
  }

  #send(path: string, token: string): Promise<SlurmrestdAnswer> {
    return requestSlurmrestd(
      {
        baseUrl: this.#options.baseUrl,
        userName: this.#options.userName,
        apiVersion: this.#apiVersion,
        timeoutMs: this.#options.timeoutMs ?? DEFAULT_SLURMRESTD_LOOKUP_TIMEOUT_MS,
        authRejectWithinMs: this.#options.authRejectWithinMs ?? DEFAULT_SLURMRESTD_LOOKUP_AUTH_REJECT_WITHIN_MS,
        fetch: this.#options.fetch ?? fetch,
        clock: this.#options.clock ?? Date.now,
      },
      this.#policy,
      { method: 'GET', path, token, aftermath: 'nothing was changed' },
    );
  }
}

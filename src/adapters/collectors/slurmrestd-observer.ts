/**
 * The Observer through slurmrestd (what a Lambda uses): HTTP + JWT, headers X-SLURM-USER-NAME /
 * X-SLURM-USER-TOKEN, OpenAPI version configurable (default {@link DEFAULT_SLURMRESTD_API_VERSION}).
 * Errors are translated here: unreachable / timeout / slurmctld down → SourceUnavailableError;
 * a malformed, expired or rejected JWT → AuthError. The token never appears in a message.
 */
import { AuthError, SourceUnavailableError } from '../../app/errors.ts';
import { buildClusterState } from '../../app/collection/cluster-state.ts';
import type { ClusterObserver } from '../../app/ports/cluster-observer.ts';
import type { ClusterState, JobSpec, QueuedJob } from '../../app/records/queue.ts';
import { checkJwt, describeSlurmError, networkCause, parseJson, slurmErrors } from '../shared/slurmrestd-wire.ts';
import { gpusInTres, nodeIsUnavailable, queuedJobFromJson, type SlurmJsonJob } from './slurm-fields.ts';

export const DEFAULT_SLURMRESTD_API_VERSION = 'v0.0.38';
export const DEFAULT_SLURMRESTD_TIMEOUT_MS = 5_000;
/**
 * slurmctld answers an authentication failure at once, while an unreachable slurmctld makes
 * slurmrestd retry for ~9 s before its HTTP 500: a Slurm-error 500 faster than this is a refusal.
 */
export const DEFAULT_AUTH_REJECT_WITHIN_MS = 2_000;

export interface SlurmrestdObserverOptions {
  /** e.g. `http://127.0.0.1:6820` */
  readonly baseUrl: string;
  readonly userName: string;
  /** The JWT (`scontrol token`); a function lets a rotating secret be re-read on every call. */
  readonly token: string | (() => string);
  readonly apiVersion?: string;
  readonly timeoutMs?: number;
  readonly authRejectWithinMs?: number;
  readonly fetch?: typeof fetch;
  /** Epoch ms; used for `observedAtMs`, token expiry and timing. */
  readonly clock?: () => number;
}

interface SlurmNode {
  readonly name?: unknown;
  readonly gres?: unknown;
  readonly state?: unknown;
  readonly state_flags?: unknown;
}

export class SlurmrestdObserver implements ClusterObserver {
  readonly #options: SlurmrestdObserverOptions;
  readonly #fetch: typeof fetch;
  readonly #clock: () => number;

  constructor(options: SlurmrestdObserverOptions) {
    this.#options = options;
    this.#fetch = options.fetch ?? fetch;
    this.#clock = options.clock ?? Date.now;
  }

  async observe(clusterId: string, job?: JobSpec): Promise<ClusterState> {
    // The instant the listing was requested: a job submitted while it is in flight is newer than the state.
    const observedAtMs = this.#clock();
    const [jobs, totalGpus] = await Promise.all([this.listJobs(), this.totalGpus()]);
    return buildClusterState({ clusterId, observedAtMs, jobs, totalGpus, ...(job === undefined ? {} : { job }) });
  }

  /** slurmctld answers (`/ping` says UP). */
  async ping(): Promise<void> {
    const body = (await this.#get('ping')) as { pings?: { ping?: unknown }[] };
    const up = (body.pings ?? []).some((entry) => entry.ping === 'UP');
    if (!up) throw new SourceUnavailableError(`slurmrestd at ${this.#options.baseUrl}: slurmctld is not UP`);
  }

  /** Every job slurmctld still lists (pending, running, and recently finished ones). */
  async listJobs(): Promise<QueuedJob[]> {
    const body = (await this.#get('jobs')) as { jobs?: SlurmJsonJob[] };
    return (body.jobs ?? []).map(queuedJobFromJson).filter((job): job is QueuedJob => job !== null);
  }

  /** GPUs on nodes that can run jobs (not down, drained or failed). */
  async totalGpus(): Promise<number> {
    const body = (await this.#get('nodes')) as { nodes?: SlurmNode[] };
    let total = 0;
    for (const node of body.nodes ?? []) {
      const flags = Array.isArray(node.state_flags) ? node.state_flags.map(String).join('+') : '';
      if (nodeIsUnavailable(`${typeof node.state === 'string' ? node.state : ''}+${flags}`)) continue;
      total += gpusInTres(typeof node.gres === 'string' ? node.gres : '');
    }
    return total;
  }

  async #get(resource: string): Promise<unknown> {
    const { baseUrl, userName } = this.#options;
    const token = typeof this.#options.token === 'function' ? this.#options.token() : this.#options.token;
    checkJwt(token, this.#clock(), userName);
    const url = `${baseUrl.replace(/\/$/, '')}/slurm/${this.#options.apiVersion ?? DEFAULT_SLURMRESTD_API_VERSION}/${resource}`;
    const timeoutMs = this.#options.timeoutMs ?? DEFAULT_SLURMRESTD_TIMEOUT_MS;
    const startedMs = this.#clock();
    let response: Response;
    try {
      response = await this.#fetch(url, {
        headers: { 'X-SLURM-USER-NAME': userName, 'X-SLURM-USER-TOKEN': token, accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      const why = timedOut
        ? `did not answer within ${timeoutMs} ms (slurmctld down?)`
        : `is unreachable (${networkCause(error)})`;
      throw new SourceUnavailableError(`slurmrestd at ${baseUrl} ${why}`, { cause: error });
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new SourceUnavailableError(`slurmrestd at ${baseUrl} dropped the answer to /${resource}`, { cause: error });
    }
    if (response.status === 401 || response.status === 403) {
      throw new AuthError(`slurmrestd at ${baseUrl} rejected the JWT for user '${userName}' (HTTP ${response.status})`);
    }
    const body = parseJson(text);
    const errors = slurmErrors(body).map(describeSlurmError);
    if (!response.ok || errors.length > 0) {
      const summary = errors.length > 0 ? errors.join('; ') : `HTTP ${response.status}`;
      if (
        response.status === 500 &&
        errors.length > 0 &&
        this.#clock() - startedMs < (this.#options.authRejectWithinMs ?? DEFAULT_AUTH_REJECT_WITHIN_MS)
      ) {
        throw new AuthError(
          `slurmctld refused the request for /${resource} at once (${summary}): the JWT for user '${userName}' is not valid on this cluster`,
        );
      }
      throw new SourceUnavailableError(`slurmrestd at ${baseUrl} could not serve /${resource}: ${summary}`);
    }
    if (body === undefined)
      throw new SourceUnavailableError(`slurmrestd at ${baseUrl} sent an unreadable answer to /${resource}`);
    return body;
  }
}

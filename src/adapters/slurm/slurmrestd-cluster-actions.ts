/**
 * The Actor's port through slurmrestd (what a deployment without Slurm client commands uses): each
 * ClusterAction is one job update, `POST /slurm/v0.0.38/job/{id}` with a v0.0.38 job-properties
 * body — annotate → `{"comment"}`, adjust_priority → `{"priority"}` (a string in v0.0.38's schema),
 * hold → `{"hold": true}`, release → `{"hold": false}`, move_partition → `{"partition"}`.
 *
 * What Slurm 22.05's v0.0.38 cannot do, checked against a real slurmrestd:
 * - requeue: the job update's `requeue` field only marks whether a job *may* be requeued, and
 *   v0.0.38 has no requeue operation, so requeue is refused (`failed`), never faked.
 * - a user hold on request: `hold: true` sets priority 0 and slurmctld picks the kind of hold
 *   from the caller — JobHeldUser when the JWT's user owns the job and is no Slurm operator,
 *   JobHeldAdmin (only an operator may release it) when it is an operator. The result reads the
 *   job back and says which one Slurm applied.
 * - `hold: false` on a job that is not held resets its priority to the computed one (undoing an
 *   adjust_priority), and `hold: true` is accepted on a running job: so every action first reads
 *   the job (`GET /slurm/v0.0.38/job/{id}`) and is sent only when the job is in a state it applies
 *   to. A dry run stops after that check and reports the request it would send.
 *
 * Errors are translated here. Refusals are results (`failed`, naming the job): the job is unknown
 * or in the wrong state, Slurm refused the update, or the JWT was refused even after re-reading it
 * once from the SecretSource (a re-issued token reaches a running process). Broken infrastructure
 * throws SourceUnavailableError (worth retrying later): slurmrestd unreachable, or no answer
 * within the timeout (slurmctld down: slurmrestd itself waits ~9 s for it). Each request has a
 * timeout, and only connection failures are retried (a few times, with backoff; every update is
 * idempotent, but an HTTP answer is final). Every execution logs one `cluster.action` line; the
 * JWT is never logged nor put in a message.
 */
import type { IPolicy } from 'cockatiel';
import type { ClusterAction, ClusterActionResult, ClusterActions } from '../../app/ports/cluster-actions.ts';
import type { Logger } from '../../app/ports/logger.ts';
import type { SecretSource } from '../../app/ports/secret-source.ts';
import { requestSlurmrestd, slurmrestdPolicy, type SlurmrestdAnswer } from '../shared/slurmrestd-request.ts';

/** The slurmrestd OpenAPI version whose job update this adapter speaks (served by Slurm 22.05 to 23.11). */
export const SLURMRESTD_JOB_API_VERSION = 'v0.0.38';
/** Per request, ms: shorter than slurmrestd's own ~9 s wait for an unreachable slurmctld. */
export const DEFAULT_SLURMRESTD_ACTION_TIMEOUT_MS = 5_000;
/** Retries after a failed connection (not after any HTTP answer, nor after a timeout). */
export const DEFAULT_SLURMRESTD_CONNECT_RETRIES = 2;
/**
 * slurmctld refuses a bad JWT at once, with the same Slurm errors (1000, or -1 on a read) that an
 * unreachable slurmctld gives after ~9 s: a Slurm-error HTTP 500 faster than this is a refusal.
 */
export const DEFAULT_SLURMRESTD_AUTH_REJECT_WITHIN_MS = 2_000;
/** Slurm keeps comments short in practice; longer text is refused rather than truncated. */
export const MAX_COMMENT_CHARS = 250;

const JOB_ID_PATTERN = /^\d+(?:_\d+)?$/;
const PARTITION_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
/** Slurm's largest settable priority (NO_VAL − 2, 32-bit); v0.0.38 refuses 0 ("Priority must be >0": hold is the way to 0). */
const MAX_PRIORITY = 0xfffffffd;
/** Job states in which a job still exists for Slurm (it refuses updates to finished jobs). */
const ACTIVE_STATES = new Set(['PENDING', 'RUNNING', 'SUSPENDED', 'CONFIGURING']);

export interface SlurmrestdClusterActionsOptions {
  /** The cluster this Slurm is: actions naming another cluster are refused. */
  readonly clusterId: string;
  /** e.g. `http://127.0.0.1:6820` */
  readonly baseUrl: string;
  /** Sent as X-SLURM-USER-NAME; the JWT must be this user's. */
  readonly userName: string;
  /** Where the JWT (`scontrol token`) is read from, under `jwtSecretName`; re-read once when refused. */
  readonly secrets: SecretSource;
  readonly jwtSecretName: string;
  readonly logger: Logger;
  /** Per request, ms (default {@link DEFAULT_SLURMRESTD_ACTION_TIMEOUT_MS}). */
  readonly timeoutMs?: number;
  /** Default {@link DEFAULT_SLURMRESTD_CONNECT_RETRIES}. */
  readonly connectRetries?: number;
  /** Default {@link DEFAULT_SLURMRESTD_AUTH_REJECT_WITHIN_MS}. */
  readonly authRejectWithinMs?: number;
  /** When true every call is a dry run, whatever the caller asks. */
  readonly dryRun?: boolean;
  readonly fetch?: typeof fetch;
  /** Epoch ms: JWT expiry and how fast slurmrestd answered. */
  readonly clock?: () => number;
}

/** The v0.0.38 job-properties body of an action, or why it is refused before reaching Slurm. */
export function jobUpdateFor(
  action: ClusterAction,
): { readonly body: Readonly<Record<string, string | boolean>> } | { readonly refused: string } {
  if (!JOB_ID_PATTERN.test(action.jobId)) return { refused: `job id '${action.jobId}' is not a Slurm job id` };
  switch (action.kind) {
    case 'annotate': {
      const comment = typeof action.value === 'string' ? action.value : '';
      if (comment.trim() === '') return { refused: 'annotate needs the comment text as its value' };
      if (comment.length > MAX_COMMENT_CHARS || /[\r\n]/.test(comment)) {
        return { refused: `comment must be one line of at most ${MAX_COMMENT_CHARS} characters` };
      }
      return { body: { comment } };
    }
    case 'adjust_priority': {
      const priority = typeof action.value === 'number' ? action.value : Number(action.value);
      if (!Number.isInteger(priority) || priority < 1 || priority > MAX_PRIORITY) {
        return {
          refused: `priority must be an integer in [1, ${MAX_PRIORITY}] (hold sets 0), got '${String(action.value)}'`,
        };
      }
      return { body: { priority: String(priority) } };
    }
    case 'hold':
      return { body: { hold: true } };
    case 'release':
      return { body: { hold: false } };
    case 'requeue':
      return {
        refused: `requeue is not possible through slurmrestd ${SLURMRESTD_JOB_API_VERSION}: its job update's 'requeue' field only marks whether a job may be requeued, and it has no requeue operation; job ${action.jobId} is unchanged`,
      };
    case 'move_partition': {
      const partition = typeof action.value === 'string' ? action.value : '';
      if (!PARTITION_PATTERN.test(partition)) return { refused: `'${String(action.value)}' is not a partition name` };
      return { body: { partition } };
    }
  }
}

/** The fields of slurmrestd's job record an action's precondition reads. */
export interface SlurmRestJob {
  readonly jobState: string;
  readonly stateReason: string;
  readonly priority: number | undefined;
}

/** Held: priority 0, as user (JobHeldUser) or operator (JobHeldAdmin) hold. */
export function isHeld(job: SlurmRestJob): boolean {
  return job.priority === 0 || job.stateReason === 'JobHeldUser' || job.stateReason === 'JobHeldAdmin';
}

/** Why the action does not apply to the job in its current state, or null when it does. */
export function stateRefusal(kind: ClusterAction['kind'], jobId: string, job: SlurmRestJob): string | null {
  if (!ACTIVE_STATES.has(job.jobState)) return `job ${jobId} is ${job.jobState}: Slurm changes no finished job`;
  if (kind === 'annotate') return null;
  if (job.jobState !== 'PENDING') return `job ${jobId} is ${job.jobState}: ${kind} applies only to pending jobs`;
  const held = isHeld(job);
  if (kind === 'hold' && held) return `job ${jobId} is already held (${job.stateReason})`;
  if (kind === 'release' && !held) return `job ${jobId} is not held (${job.stateReason}): nothing to release`;
  // slurmctld refuses a new priority for a held job ("pending scheduler release").
  if (kind === 'adjust_priority' && held)
    return `job ${jobId} is held (${job.stateReason}): release it before changing its priority`;
  return null;
}

/** The action's job, or the result that ends the action (it is unknown, or the JWT was refused). */
type JobLookup = { readonly job: SlurmRestJob } | { readonly result: ClusterActionResult };

export class SlurmrestdClusterActions implements ClusterActions {
  readonly #options: SlurmrestdClusterActionsOptions;
  readonly #fetch: typeof fetch;
  readonly #clock: () => number;
  readonly #timeoutMs: number;
  readonly #policy: IPolicy;

  constructor(options: SlurmrestdClusterActionsOptions) {
    this.#options = options;
    this.#fetch = options.fetch ?? fetch;
    this.#clock = options.clock ?? Date.now;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_SLURMRESTD_ACTION_TIMEOUT_MS;
    this.#policy = slurmrestdPolicy(this.#timeoutMs, options.connectRetries ?? DEFAULT_SLURMRESTD_CONNECT_RETRIES);
  }

  async execute(action: ClusterAction, options: { readonly dryRun?: boolean } = {}): Promise<ClusterActionResult> {
    const dryRun = this.#options.dryRun === true || options.dryRun === true;
    const audit = (request: string | null, result: ClusterActionResult): ClusterActionResult =>
      this.#audit(action, request, dryRun, result);
    if (action.clusterId !== this.#options.clusterId) {
      return audit(null, {
        status: 'failed',
        detail: `refused: this Slurm is cluster '${this.#options.clusterId}', not '${action.clusterId}'`,
      });
    }
    const update = jobUpdateFor(action);
    if ('refused' in update) return audit(null, { status: 'failed', detail: `refused: ${update.refused}` });
    const path = `/slurm/${SLURMRESTD_JOB_API_VERSION}/job/${action.jobId}`;
    const request = `POST ${path} ${JSON.stringify(update.body)}`;

    try {
      const session = { refreshed: false };
      const lookup = await this.#readJob(action, path, session);
      if ('result' in lookup) return audit(request, lookup.result);
      const refusal = stateRefusal(action.kind, action.jobId, lookup.job);
      if (refusal !== null) return audit(request, { status: 'failed', detail: `refused: ${refusal}; nothing sent` });
      if (dryRun)
        return audit(request, {
          status: 'dry_run',
          detail: `dry run: job ${action.jobId} is ${describeJob(lookup.job)}; would send ${request}`,
        });

      const answer = await this.#authorized('POST', path, session, update.body);
      if (answer.kind === 'auth')
        return audit(request, {
          status: 'failed',
          detail: `not done: ${answer.message}; job ${action.jobId} unchanged`,
        });
      if (answer.kind === 'not_found')
        return audit(request, {
          status: 'failed',
          detail: `job ${action.jobId} not found on ${action.clusterId} (${answer.message})`,
        });
      if (answer.kind === 'refused')
        return audit(request, { status: 'failed', detail: `Slurm refused ${request}: ${answer.message}` });
      const outcome = action.kind === 'hold' ? await this.#holdOutcome(action, path, session) : '';
      return audit(request, { status: 'executed', detail: `sent ${request}${outcome}` });
    } catch (error) {
      // Broken infrastructure: logged here (the one line of this execution) and thrown for the caller to record or retry.
      const message = error instanceof Error ? error.message : String(error);
      this.#options.logger.error('cluster.action', {
        ...this.#fields(action, request, dryRun),
        status: 'failed',
        error: (error as { code?: unknown }).code ?? 'UNKNOWN',
        detail: message,
      });
      throw error;
    }
  }

  /** The job as slurmrestd reports it; an unknown job or a refused JWT ends the action with a result. */
  async #readJob(action: ClusterAction, path: string, session: { refreshed: boolean }): Promise<JobLookup> {
    const answer = await this.#authorized('GET', path, session);
    if (answer.kind === 'auth')
      return { result: { status: 'failed', detail: `not done: ${answer.message}; job ${action.jobId} unchanged` } };
    if (answer.kind === 'not_found')
      return {
        result: {
          status: 'failed',
          detail: `job ${action.jobId} not found on ${action.clusterId} (${answer.message}); nothing sent`,
        },
      };
    if (answer.kind === 'refused')
      return {
        result: {
          status: 'failed',
          detail: `Slurm refused to show job ${action.jobId}: ${answer.message}; nothing sent`,
        },
      };
    const job = jobFromBody(answer.body);
    if (job === undefined)
      return {
        result: {
          status: 'failed',
          detail: `job ${action.jobId} not found on ${action.clusterId} (slurmrestd listed no such job); nothing sent`,
        },
      };
    return { job };
  }

  /** After a hold, which hold Slurm applied: the owner can release a user hold, only an operator an admin hold. */
  async #holdOutcome(action: ClusterAction, path: string, session: { refreshed: boolean }): Promise<string> {
    let lookup: JobLookup;
    try {
      lookup = await this.#readJob(action, path, session);
    } catch {
      // The hold was applied: a failed read-back must not turn it into a failure.
      return '; could not read back which hold Slurm applied';
    }
    if ('result' in lookup) return '; could not read back which hold Slurm applied';
    const reason = lookup.job.stateReason;
    if (reason === 'JobHeldUser') return "; Slurm reports JobHeldUser (the job's owner may release it)";
    if (reason === 'JobHeldAdmin')
      return `; Slurm reports JobHeldAdmin (slurmrestd user '${this.#options.userName}' is a Slurm operator: only an operator may release it)`;
    return `; Slurm reports ${reason}`;
  }

  /** One request with the current JWT; when it is refused, the JWT is re-read once per execution and the request sent again. */
  async #authorized(
    method: 'GET' | 'POST',
    path: string,
    session: { refreshed: boolean },
    body?: Readonly<Record<string, unknown>>,
  ): Promise<SlurmrestdAnswer> {
    const { secrets, jwtSecretName } = this.#options;
    const first = await this.#send(method, path, await secrets.get(jwtSecretName), body);
    const refresh = secrets.refresh?.bind(secrets);
    if (first.kind !== 'auth' || session.refreshed || refresh === undefined) return first;
    // A long-lived process outlives a JWT (`scontrol token` lasts 30 min by default): an operator re-issued it.
    session.refreshed = true;
    return this.#send(method, path, await refresh(jwtSecretName), body);
  }

  async #send(
    method: 'GET' | 'POST',
    path: string,
    token: string,
    body?: Readonly<Record<string, unknown>>,
  ): Promise<SlurmrestdAnswer> {
    return requestSlurmrestd(
      {
        baseUrl: this.#options.baseUrl,
        userName: this.#options.userName,
        apiVersion: SLURMRESTD_JOB_API_VERSION,
        timeoutMs: this.#timeoutMs,
        authRejectWithinMs: this.#options.authRejectWithinMs ?? DEFAULT_SLURMRESTD_AUTH_REJECT_WITHIN_MS,
        fetch: this.#fetch,
        clock: this.#clock,
      },
      this.#policy,
      {
        method,
        path,
        token,
        ...(body === undefined ? {} : { body }),
        // Whether a failed request may have changed the job: a read never does; an update may have landed before the answer was lost.
        aftermath: method === 'GET' ? 'no change was sent' : 'the update may or may not have been applied',
      },
    );
  }

  #fields(action: ClusterAction, request: string | null, dryRun: boolean): Record<string, unknown> {
    return {
      clusterId: action.clusterId,
      jobId: action.jobId,
      kind: action.kind,
      reason: action.reason,
      via: 'slurmrestd',
      request,
      dryRun,
    };
  }

  #audit(
    action: ClusterAction,
    request: string | null,
    dryRun: boolean,
    result: ClusterActionResult,
  ): ClusterActionResult {
    const fields = { ...this.#fields(action, request, dryRun), status: result.status, detail: result.detail };
    if (result.status === 'failed') this.#options.logger.warn('cluster.action', fields);
    else this.#options.logger.info('cluster.action', fields);
    return result;
  }
}

/** The first job of a `GET /job/{id}` answer, or undefined when it lists none. */
function jobFromBody(body: unknown): SlurmRestJob | undefined {
  const jobs = (body as { jobs?: unknown } | undefined)?.jobs;
  const job = (Array.isArray(jobs) ? jobs[0] : undefined) as
    { job_state?: unknown; state_reason?: unknown; priority?: unknown } | undefined;
  if (job === undefined || typeof job.job_state !== 'string') return undefined;
  return {
    jobState: job.job_state,
    stateReason: typeof job.state_reason === 'string' ? job.state_reason : 'None',
    priority: typeof job.priority === 'number' ? job.priority : undefined,
  };
}

function describeJob(job: SlurmRestJob): string {
  return job.stateReason === 'None' ? job.jobState : `${job.jobState} (${job.stateReason})`;
}

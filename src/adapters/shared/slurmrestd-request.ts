/**
 * One slurmrestd request with the JWT headers, a per-attempt timeout and retries of failed
 * connections (cockatiel), and its answer classified: a JSON body, a refused JWT, an unknown job,
 * or a refusal of the request itself. Broken infrastructure throws SourceUnavailableError. Shared
 * by the slurmrestd clients that read jobs (the actions' precondition, the job lookup).
 */
import {
  ExponentialBackoff,
  handleWhen,
  isTaskCancelledError,
  retry,
  timeout,
  TimeoutStrategy,
  wrap,
  type IPolicy,
} from 'cockatiel';
import { AuthError, SourceUnavailableError } from '../../app/errors.ts';
import { checkJwt, networkCause, parseJson, slurmErrors, type SlurmRestError } from './slurmrestd-wire.ts';

const RETRY_INITIAL_DELAY_MS = 100;
const RETRY_MAX_DELAY_MS = 1_000;
/** Slurm's ESLURM_INVALID_JOB_ID. */
export const SLURM_INVALID_JOB_ID = 2017;
/** What slurmctld's refusal of a JWT (and its absence) looks like through slurmrestd 22.05: SLURM_UNEXPECTED_MSG_ERROR on an update, -1 on a read. */
const SLURM_AUTH_OR_UNREACHABLE = new Set([1000, -1]);
/** System error codes of a connection that failed or broke: worth another try. */
const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** What one request came back with: a JSON body, or a refusal the caller turns into its own result. */
export type SlurmrestdAnswer =
  | { readonly kind: 'ok'; readonly body: unknown }
  | { readonly kind: 'auth'; readonly message: string }
  | { readonly kind: 'not_found'; readonly message: string }
  | { readonly kind: 'refused'; readonly message: string };

export interface SlurmrestdRequestOptions {
  /** e.g. `http://127.0.0.1:6820` */
  readonly baseUrl: string;
  /** Sent as X-SLURM-USER-NAME; the JWT must be this user's. */
  readonly userName: string;
  /** The OpenAPI version named in a 404's hint (`openapi/v0.0.38`). */
  readonly apiVersion: string;
  /** Per attempt, ms. */
  readonly timeoutMs: number;
  /** A Slurm-error HTTP 500 faster than this is slurmctld refusing the JWT, not slurmctld being away. */
  readonly authRejectWithinMs: number;
  readonly fetch: typeof fetch;
  /** Epoch ms: JWT expiry and how fast slurmrestd answered. */
  readonly clock: () => number;
}

/** Retry wraps timeout: each attempt has its own deadline, and a timeout is final (not a connection failure). */
export function slurmrestdPolicy(timeoutMs: number, connectRetries: number): IPolicy {
  return wrap(
    retry(handleWhen(isConnectionFailure), {
      maxAttempts: connectRetries,
      backoff: new ExponentialBackoff({ initialDelay: RETRY_INITIAL_DELAY_MS, maxDelay: RETRY_MAX_DELAY_MS }),
    }),
    timeout(timeoutMs, TimeoutStrategy.Aggressive),
  );
}

/** True for a fetch that failed to connect (or lost its connection): never after an HTTP answer nor a timeout. */
export function isConnectionFailure(error: unknown): boolean {
  if (isTaskCancelledError(error)) return false;
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return typeof cause?.code === 'string' && CONNECTION_ERROR_CODES.has(cause.code);
}

/** Slurm's own words for a refusal: each entry's error text, or slurmrestd's description when the text says nothing. */
export function slurmMessage(errors: readonly SlurmRestError[]): string {
  const parts = errors
    .map((entry) => (entry.error !== '' && entry.error !== 'Unspecified error' ? entry.error : entry.description))
    .filter((part) => part !== '');
  return [...new Set(parts)].join('; ') || 'unspecified Slurm error';
}

/**
 * Sends `method path` (a path from `/slurm/...`) with `token` through `policy`. `aftermath` ends
 * the message of a failure (whether a change may have landed). A malformed or expired JWT is an
 * `auth` answer without any request.
 * @throws SourceUnavailableError when slurmrestd is unreachable, does not answer in time, cannot
 *   reach slurmctld, or answers unreadably.
 */
export async function requestSlurmrestd(
  options: SlurmrestdRequestOptions,
  policy: IPolicy,
  request: {
    readonly method: 'GET' | 'POST';
    readonly path: string;
    readonly token: string;
    readonly body?: Readonly<Record<string, unknown>>;
    readonly aftermath: string;
  },
): Promise<SlurmrestdAnswer> {
  const { baseUrl, userName } = options;
  const { method, path, token, body, aftermath } = request;
  try {
    checkJwt(token, options.clock(), userName);
  } catch (error) {
    if (error instanceof AuthError) return { kind: 'auth', message: error.message };
    throw error;
  }
  const url = `${baseUrl.replace(/\/$/, '')}${path}`;
  const headers: Record<string, string> = {
    'X-SLURM-USER-NAME': userName,
    'X-SLURM-USER-TOKEN': token,
    accept: 'application/json',
  };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const startedMs = options.clock();
  let status: number;
  let text: string;
  try {
    ({ status, text } = await policy.execute(async ({ signal }) => {
      const response = await options.fetch(url, {
        method,
        headers,
        signal,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, text: await response.text() };
    }));
  } catch (error) {
    if (isTaskCancelledError(error)) {
      throw new SourceUnavailableError(
        `slurmrestd at ${baseUrl} did not answer ${method} ${path} within ${options.timeoutMs} ms (slurmctld down?); ${aftermath}`,
        { cause: error },
      );
    }
    throw new SourceUnavailableError(`slurmrestd at ${baseUrl} is unreachable (${networkCause(error)}); ${aftermath}`, {
      cause: error,
    });
  }
  const elapsedMs = options.clock() - startedMs;
  if (status === 401 || status === 403)
    return {
      kind: 'auth',
      message: `slurmrestd at ${baseUrl} rejected the JWT for user '${userName}' (HTTP ${status})`,
    };
  if (status === 404)
    return {
      kind: 'refused',
      message: `slurmrestd at ${baseUrl} does not serve ${path} (HTTP 404): is its openapi/${options.apiVersion} plugin loaded?`,
    };
  const parsed = parseJson(text);
  const errors = slurmErrors(parsed);
  if (status === 200 && errors.length === 0) {
    if (parsed === undefined)
      throw new SourceUnavailableError(`slurmrestd at ${baseUrl} sent an unreadable answer to ${method} ${path}`);
    return { kind: 'ok', body: parsed };
  }
  if (errors.some((entry) => entry.errorNumber === SLURM_INVALID_JOB_ID))
    return { kind: 'not_found', message: `slurmctld: ${slurmMessage(errors)}` };
  if (
    status >= 500 &&
    errors.some((entry) => entry.errorNumber !== undefined && SLURM_AUTH_OR_UNREACHABLE.has(entry.errorNumber))
  ) {
    if (elapsedMs < options.authRejectWithinMs) {
      return {
        kind: 'auth',
        message: `slurmctld refused ${method} ${path} at once (${slurmMessage(errors)}): the JWT for user '${userName}' is not valid on this cluster`,
      };
    }
    throw new SourceUnavailableError(
      `slurmrestd at ${baseUrl} could not reach slurmctld for ${method} ${path} (${slurmMessage(errors)}); ${aftermath}`,
    );
  }
  if (errors.length === 0) {
    if (status >= 500)
      throw new SourceUnavailableError(`slurmrestd at ${baseUrl} answered ${method} ${path} with HTTP ${status}`);
    return { kind: 'refused', message: `HTTP ${status} from slurmrestd` };
  }
  // A refusal of the request itself (HTTP 500 from slurmctld, or 200 when slurmrestd could not parse the body).
  return { kind: 'refused', message: slurmMessage(errors) };
}

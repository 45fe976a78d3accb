/**
 * What `vgac agent --push` sends to the deployed vgac API goes through one sender: the API key in
 * `x-api-key` (never logged nor put in a message), and resilience with cockatiel — every attempt
 * has a timeout; a network failure, timeout, 5xx or 429 is retried a few times with exponential
 * back-off; after {@link DEFAULT_PUSH_BREAK_AFTER} failed sends in a row a circuit breaker stops
 * calling, and lets one trial through after an exponentially growing pause (up to `maxPauseMs`),
 * so an agent never hammers an API that is down. Events and queue states share it (and its
 * breaker): when the API is down, both wait. Answers with a status are returned; the publishers
 * translate them ({@link errorOfAnswer} for the shared cases).
 */
import {
  BrokenCircuitError,
  circuitBreaker,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  isTaskCancelledError,
  retry,
  timeout,
  TimeoutStrategy,
  wrap,
  type IPolicy,
} from 'cockatiel';
import * as z from 'zod';
import { AuthError, SourceUnavailableError, UnknownClusterError } from '../../app/errors.ts';

export const API_KEY_HEADER = 'x-api-key';
/** Per attempt, ms: a batch is at most MAX_QUEUE_EVENTS small events (a state at most MAX_QUEUE_STATE_BYTES), answered in a few seconds at most. */
export const DEFAULT_PUSH_TIMEOUT_MS = 15_000;
/** Attempts per push (the first included). */
export const DEFAULT_PUSH_ATTEMPTS = 3;
/** Failed pushes in a row (after their retries) before the breaker pauses pushing. */
export const DEFAULT_PUSH_BREAK_AFTER = 2;
/** The first pause after the breaker opens, ms; each further opening doubles it. */
export const DEFAULT_PUSH_FIRST_PAUSE_MS = 2_000;
/** The longest pause, ms: once the API is back, the spool drains within this. */
export const DEFAULT_PUSH_MAX_PAUSE_MS = 60_000;

const RETRY_INITIAL_DELAY_MS = 250;
const RETRY_MAX_DELAY_MS = 2_000;

const ErrorBody = z.looseObject({ error: z.looseObject({ code: z.string(), message: z.string() }) });

export interface VgacApiSenderOptions {
  /** The API's base URL (e.g. `https://abc.execute-api.eu-west-1.amazonaws.com`); a path prefix (a stage) is kept. */
  readonly baseUrl: string;
  readonly apiKey?: string;
  readonly timeoutMs?: number;
  readonly attempts?: number;
  readonly breakAfter?: number;
  readonly firstPauseMs?: number;
  readonly maxPauseMs?: number;
  readonly fetch?: typeof fetch;
}

/** An answer worth trying again (5xx, 429): thrown inside the policy so cockatiel retries it. */
class RetryableAnswer extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

/** An HTTP answer below 500 (and not 429). */
export interface ApiAnswer {
  readonly status: number;
  readonly text: string;
}

export class VgacApiSender {
  readonly #options: VgacApiSenderOptions;
  readonly #fetch: typeof fetch;
  readonly #policy: IPolicy;
  readonly #timeoutMs: number;

  constructor(options: VgacApiSenderOptions) {
    this.#options = options;
    this.#fetch = options.fetch ?? fetch;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_PUSH_TIMEOUT_MS;
    const transient = handleWhen(
      (error) => error instanceof RetryableAnswer || isTaskCancelledError(error) || error instanceof TypeError,
    );
    // Outermost the breaker (it counts pushes that failed after their retries), then retry, then each attempt's timeout.
    this.#policy = wrap(
      circuitBreaker(transient, {
        breaker: new ConsecutiveBreaker(options.breakAfter ?? DEFAULT_PUSH_BREAK_AFTER),
        halfOpenAfter: new ExponentialBackoff({
          initialDelay: options.firstPauseMs ?? DEFAULT_PUSH_FIRST_PAUSE_MS,
          maxDelay: options.maxPauseMs ?? DEFAULT_PUSH_MAX_PAUSE_MS,
        }),
      }),
      retry(transient, {
        maxAttempts: (options.attempts ?? DEFAULT_PUSH_ATTEMPTS) - 1,
        backoff: new ExponentialBackoff({ initialDelay: RETRY_INITIAL_DELAY_MS, maxDelay: RETRY_MAX_DELAY_MS }),
      }),
      timeout(this.#timeoutMs, TimeoutStrategy.Aggressive),
    );
  }

  /**
   * Sends `body` as JSON to `{baseUrl}{path}`.
   * @throws SourceUnavailableError when the API cannot be reached, does not answer in time, keeps answering 5xx/429, or the breaker is open.
   */
  async send(method: 'POST' | 'PUT', path: string, body: unknown): Promise<ApiAnswer> {
    const url = `${this.#options.baseUrl.replace(/\/+$/, '')}${path}`;
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.#options.apiKey !== undefined) headers[API_KEY_HEADER] = this.#options.apiKey;
    const text = JSON.stringify(body);
    try {
      return await this.#policy.execute(async ({ signal }) => {
        const response = await this.#fetch(url, { method, headers, body: text, signal });
        const answer = await response.text();
        if (response.status >= 500 || response.status === 429) throw new RetryableAnswer(response.status);
        return { status: response.status, text: answer };
      });
    } catch (error) {
      throw this.#unavailable(error);
    }
  }

  /** The API's origin, for messages (never the key). */
  origin(): string {
    try {
      return new URL(this.#options.baseUrl).origin;
    } catch {
      return 'the configured URL';
    }
  }

  #unavailable(error: unknown): SourceUnavailableError {
    const origin = this.origin();
    if (error instanceof BrokenCircuitError)
      return new SourceUnavailableError(`the API at ${origin} failed repeatedly: pushes paused (backing off)`, {
        cause: error,
      });
    if (isTaskCancelledError(error))
      return new SourceUnavailableError(`the API at ${origin} did not answer within ${this.#timeoutMs} ms`, {
        cause: error,
      });
    if (error instanceof RetryableAnswer)
      return new SourceUnavailableError(`the API at ${origin} answered HTTP ${error.status}`, { cause: error });
    return new SourceUnavailableError(`the API at ${origin} is unreachable (${networkCause(error)})`, { cause: error });
  }
}

/** The API's `CODE: message` of an error answer, or `HTTP {status}`. */
export function answerMessage(answer: ApiAnswer): string {
  const error = ErrorBody.safeParse(parseJson(answer.text));
  return error.success ? `${error.data.error.code}: ${error.data.error.message}` : `HTTP ${answer.status}`;
}

/**
 * The error a non-200 answer means for every push — 401/403 → AuthError, 404 naming the cluster
 * → UnknownClusterError, another 404 → SourceUnavailableError (no such route: an older API) — or
 * undefined for the caller's own 4xx handling.
 */
export function errorOfAnswer(
  sender: VgacApiSender,
  answer: ApiAnswer,
  clusterId: string,
  route: string,
): Error | undefined {
  const { status } = answer;
  if (status === 401 || status === 403)
    return new AuthError(`the API at ${sender.origin()} refused the API key (HTTP ${status}): check --api-key-file`);
  if (status === 404 && answerMessage(answer).startsWith('UNKNOWN_CLUSTER:')) return new UnknownClusterError(clusterId);
  if (status === 404)
    return new SourceUnavailableError(
      `the API at ${sender.origin()} has no ${route} route (HTTP 404): is --push the API's base URL, and is it up to date?`,
    );
  return undefined;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function networkCause(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  if (cause !== undefined && cause !== null && typeof cause.code === 'string') return cause.code;
  return error instanceof Error ? error.message : String(error);
}

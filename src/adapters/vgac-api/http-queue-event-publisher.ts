/**
 * Pushes queue transitions to the deployed vgac API: `POST {baseUrl}/api/clusters/{id}/events`
 * with the API key in `x-api-key` (never logged nor put in a message). Resilience with cockatiel:
 * every attempt has a timeout; a network failure, timeout, 5xx or 429 is retried a few times with
 * exponential back-off and jitter; after {@link DEFAULT_PUSH_BREAK_AFTER} failed pushes in a row a
 * circuit breaker stops calling, and lets one trial push through after an exponentially growing
 * pause (up to `maxPauseMs`), so an agent never hammers an API that is down. Answers translated:
 * 401/403 → AuthError, 404 naming the cluster → UnknownClusterError, other 4xx → `rejected`.
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
import { queueEventsBody } from '../../app/collection/queue-event-wire.ts';
import type { PublishResult, QueueEventPublisher } from '../../app/ports/queue-event-publisher.ts';
import type { QueueEvent } from '../../app/records/queue-event.ts';

export const API_KEY_HEADER = 'x-api-key';
/** Per attempt, ms: a batch is at most MAX_QUEUE_EVENTS small events, and the API answers it in a few seconds at most. */
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

const AckBody = z.looseObject({ acknowledged: z.array(z.looseObject({ id: z.string() })) });
const ErrorBody = z.looseObject({ error: z.looseObject({ code: z.string(), message: z.string() }) });

export interface HttpQueueEventPublisherOptions {
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

export class HttpQueueEventPublisher implements QueueEventPublisher {
  readonly #options: HttpQueueEventPublisherOptions;
  readonly #fetch: typeof fetch;
  readonly #policy: IPolicy;
  readonly #timeoutMs: number;

  constructor(options: HttpQueueEventPublisherOptions) {
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

  async publish(clusterId: string, events: readonly QueueEvent[]): Promise<PublishResult> {
    const url = `${this.#options.baseUrl.replace(/\/+$/, '')}/api/clusters/${encodeURIComponent(clusterId)}/events`;
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.#options.apiKey !== undefined) headers[API_KEY_HEADER] = this.#options.apiKey;
    const body = JSON.stringify(queueEventsBody(events));
    let status: number;
    let text: string;
    try {
      ({ status, text } = await this.#policy.execute(async ({ signal }) => {
        const response = await this.#fetch(url, { method: 'POST', headers, body, signal });
        const answer = await response.text();
        if (response.status >= 500 || response.status === 429) throw new RetryableAnswer(response.status);
        return { status: response.status, text: answer };
      }));
    } catch (error) {
      throw this.#unavailable(error);
    }
    if (status === 200) {
      const parsed = AckBody.safeParse(parseJson(text));
      if (!parsed.success)
        throw new SourceUnavailableError(
          `the API at ${this.#origin()} answered the events with something that is not an acknowledgement`,
        );
      return { status: 'acknowledged', acknowledgedIds: parsed.data.acknowledged.map((entry) => entry.id) };
    }
    const error = ErrorBody.safeParse(parseJson(text));
    const message = error.success ? `${error.data.error.code}: ${error.data.error.message}` : `HTTP ${status}`;
    if (status === 401 || status === 403)
      throw new AuthError(`the API at ${this.#origin()} refused the API key (HTTP ${status}): check --api-key-file`);
    if (status === 404 && error.success && error.data.error.code === 'UNKNOWN_CLUSTER')
      throw new UnknownClusterError(clusterId);
    if (status === 404)
      throw new SourceUnavailableError(
        `the API at ${this.#origin()} has no events route (HTTP 404): is --push the API's base URL, and is it up to date?`,
      );
    return { status: 'rejected', reason: `HTTP ${status} ${message}`.slice(0, 500) };
  }

  #unavailable(error: unknown): SourceUnavailableError {
    const origin = this.#origin();
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

  #origin(): string {
    try {
      return new URL(this.#options.baseUrl).origin;
    } catch {
      return 'the configured URL';
    }
  }
}

function parseJson(text: string): unknown {
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

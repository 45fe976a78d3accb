/**
 * A dependency's circuit breaker (cockatiel), installed as AWS SDK v3 middleware on the
 * dependency's client, so every call of every adapter on that client goes through it:
 *
 * - a call that fails as the dependency's fault — no answer within the client's timeout, a
 *   refused or reset connection, a 5xx — counts as a failure (after the SDK's own bounded
 *   retries: the middleware sits outside them, so one logical call counts once);
 * - after `failuresToOpen` such failures in a row the breaker opens: calls fail at once with
 *   BrokenCircuitError (classified as the dependency being unavailable) instead of each waiting
 *   out the timeout;
 * - `halfOpenAfterMs` later one call is let through as a trial; its success closes the breaker.
 *
 * `status()` is the breaker's state and costs nothing: what `/health` reports. While the breaker
 * is not closed, `check(probe)` lets a cheap probe (a call on the guarded client) be the trial
 * call, so `/health` notices the recovery of an otherwise idle dependency; it runs at most one
 * probe at a time, and it reaches the dependency only when the breaker is due a trial — never a
 * storage call per `/health` request.
 */
import type { MiddlewareStack } from '@smithy/types';
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  IsolatedCircuitError,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import type { Dependency } from '../../app/errors.ts';

export interface DependencyGuardOptions {
  readonly dependency: Dependency;
  /** Consecutive failed calls that open the breaker. */
  readonly failuresToOpen: number;
  /** How long an open breaker refuses calls before letting a trial one through, ms. */
  readonly halfOpenAfterMs: number;
}

export type DependencyStatus = 'ok' | 'degraded';

export interface DependencyGuard {
  readonly dependency: Dependency;
  /** `ok` while the breaker is closed; `degraded` while it is open or trying a call. */
  status(): DependencyStatus;
  /** The status after letting `probe` be the trial call when the breaker is due one (see the file comment). */
  check(probe: () => Promise<unknown>): Promise<DependencyStatus>;
  /** Routes every call of the client owning `stack` through the breaker. */
  attach<Input extends object, Output extends object>(stack: MiddlewareStack<Input, Output>): void;
}

const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
]);
const TIMEOUT_ERROR_NAMES: ReadonlySet<string> = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'AbortError',
]);

/**
 * True for a failure that is the dependency's (or the network's), not the caller's: a timeout, a
 * connection refused or reset, a 5xx answer, or a breaker already open. A condition failure, a
 * validation error or a throttle (the SDK retries those itself) is not.
 */
export function isDependencyFailure(error: unknown): boolean {
  if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) return true;
  if (!(error instanceof Error)) return false;
  if (TIMEOUT_ERROR_NAMES.has(error.name)) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return true;
  const status = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
  return typeof status === 'number' && status >= 500;
}

export function createDependencyGuard(options: DependencyGuardOptions): DependencyGuard {
  if (!(Number.isInteger(options.failuresToOpen) && options.failuresToOpen >= 1))
    throw new RangeError(`failuresToOpen must be a positive integer, got ${options.failuresToOpen}`);
  if (!(Number.isFinite(options.halfOpenAfterMs) && options.halfOpenAfterMs >= 0))
    throw new RangeError(`halfOpenAfterMs must be ≥ 0, got ${options.halfOpenAfterMs}`);
  const breaker: CircuitBreakerPolicy = circuitBreaker(handleWhen(isDependencyFailure), {
    breaker: new ConsecutiveBreaker(options.failuresToOpen),
    halfOpenAfter: options.halfOpenAfterMs,
  });
  let probing: Promise<DependencyStatus> | undefined;
  const status = (): DependencyStatus => (breaker.state === CircuitState.Closed ? 'ok' : 'degraded');
  return {
    dependency: options.dependency,
    status,
    check(probe) {
      if (status() === 'ok') return Promise.resolve('ok');
      // The probe is a call on the guarded client, so it passes through the breaker itself: an
      // open breaker refuses it without calling out until its trial is due, then it is the trial.
      probing ??= probe()
        .then(
          () => status(),
          () => status(),
        )
        .finally(() => {
          probing = undefined;
        });
      return probing;
    },
    attach(stack) {
      stack.add((next) => (args) => breaker.execute(() => next(args)), {
        step: 'initialize',
        priority: 'low',
        name: `vgacDependencyGuard-${options.dependency}`,
      });
    },
  };
}

/**
 * A circuit breaker (closed → open → half-open): after `failureThreshold` consecutive failures it
 * opens and refuses calls for `openMs`; then one trial call is let through (half-open) — success
 * closes it, failure opens it again. The clock is injected, so tests step time explicitly.
 */
export const BreakerState = { closed: 'closed', open: 'open', halfOpen: 'half_open' } as const;
export type BreakerState = (typeof BreakerState)[keyof typeof BreakerState];

export const DEFAULT_FAILURE_THRESHOLD = 5;
export const DEFAULT_OPEN_MS = 30_000;

export interface CircuitBreakerOptions {
  readonly failureThreshold?: number;
  readonly openMs?: number;
  /** Epoch ms. */
  readonly clock: () => number;
}

export class CircuitBreaker {
  readonly #threshold: number;
  readonly #openMs: number;
  readonly #clock: () => number;
  #failures = 0;
  #openedAtMs: number | null = null;
  #trialInFlight = false;

  constructor(options: CircuitBreakerOptions) {
    this.#threshold = options.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD;
    this.#openMs = options.openMs ?? DEFAULT_OPEN_MS;
    this.#clock = options.clock;
  }

  state(): BreakerState {
    if (this.#openedAtMs === null) return BreakerState.closed;
    return this.#clock() - this.#openedAtMs >= this.#openMs ? BreakerState.halfOpen : BreakerState.open;
  }

  /** When an open breaker lets the next trial through (epoch ms), or null when closed. */
  retryAtMs(): number | null {
    return this.#openedAtMs === null ? null : this.#openedAtMs + this.#openMs;
  }

  /** Whether a call may go out now; in half-open state only one trial at a time. */
  tryAcquire(): boolean {
    const state = this.state();
    if (state === BreakerState.closed) return true;
    if (state === BreakerState.open || this.#trialInFlight) return false;
    this.#trialInFlight = true;
    return true;
  }

  recordSuccess(): void {
    this.#failures = 0;
    this.#openedAtMs = null;
    this.#trialInFlight = false;
  }

  recordFailure(): void {
    this.#trialInFlight = false;
    this.#failures += 1;
    if (this.#openedAtMs !== null || this.#failures >= this.#threshold) this.#openedAtMs = this.#clock();
  }
}

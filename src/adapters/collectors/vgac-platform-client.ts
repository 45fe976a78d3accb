/**
 * Client of the VGAC platform's prediction API (SPEC.md contract): `POST /api/predict/wait`,
 * `POST /api/predict/batch`, `GET /api/cluster/summary`, `GET /api/jobs/queue`,
 * `GET /api/jobs/predict/calibration`. Each call has a timeout (AbortSignal.timeout); failures
 * that may pass (network, timeout, 5xx, 429) are retried with exponential back-off and jitter
 * (random source injectable); a circuit breaker stops calling a platform that keeps failing.
 * When the platform is down every call ends in SourceUnavailableError, so the agents answer
 * "cannot predict now" and escalate. A rejected API key → AuthError; a refused request → InvalidInputError.
 * Schemas are built on first use (`z.lazy`): building zod schemas costs CPU, and a Lambda cold start
 * should pay only for those its first request reads.
 */
import * as z from 'zod';
import { AuthError, SourceUnavailableError } from '../../app/errors.ts';
import type { JobSpec } from '../../app/records/queue.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { CircuitBreaker, type BreakerState } from './circuit-breaker.ts';

export const DEFAULT_PLATFORM_TIMEOUT_MS = 3_000;
/** Retries after the first attempt. */
export const DEFAULT_PLATFORM_RETRIES = 2;
export const DEFAULT_RETRY_BASE_DELAY_MS = 200;

export interface VgacPlatformClientOptions {
  readonly baseUrl: string;
  /** Sent as `x-api-key` when set. Never logged or put in a message. */
  readonly apiKey?: string;
  readonly timeoutMs?: number;
  readonly retries?: number;
  readonly retryBaseDelayMs?: number;
  /** Uniform [0, 1) for the jitter (inject a seeded one in tests). Default Math.random. */
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly clock?: () => number;
  readonly breaker?: { readonly failureThreshold?: number; readonly openMs?: number };
  readonly fetch?: typeof fetch;
}

const PredictionSchema = z.lazy(() =>
  z.looseObject({
    probability_long_wait: z.number().min(0).max(1),
    estimated_wait_seconds: z.number().min(0).nullable().optional(),
    wait_category: z.string().optional(),
    confidence: z.number().optional(),
    is_calibrated: z.boolean().optional(),
    recommendation: z.string().optional(),
    latency_us: z.number().optional(),
  }),
);

/** One prediction as the platform answers it (camelCase here; unknown extra fields are ignored). */
export interface PlatformPrediction {
  readonly probabilityLongWait: number;
  readonly estimatedWaitSeconds: number | null;
  readonly waitCategory: string | null;
  readonly confidence: number | null;
  readonly isCalibrated: boolean;
  readonly recommendation: string | null;
  readonly latencyUs: number | null;
}

/** The job fields of a prediction request, in the platform's snake_case. */
export function platformJobBody(spec: JobSpec): Record<string, unknown> {
  const body: Record<string, unknown> = { gpus: spec.gpus };
  if (spec.cpuMillicores !== undefined) body.cpu = spec.cpuMillicores;
  if (spec.memoryGb !== undefined) body.memory_gb = spec.memoryGb;
  if (spec.priority !== undefined) body.priority = spec.priority;
  if (spec.namespace !== undefined) body.namespace = spec.namespace;
  if (spec.queue !== undefined) body.queue = spec.queue;
  if (spec.estimatedDurationMinutes !== undefined) body.estimated_duration_minutes = spec.estimatedDurationMinutes;
  if (spec.isDistributed !== undefined) body.is_distributed = spec.isDistributed;
  if (spec.gpuType !== undefined) body.gpu_type = spec.gpuType;
  return body;
}

function toPrediction(raw: z.infer<typeof PredictionSchema>): PlatformPrediction {
  return {
    probabilityLongWait: raw.probability_long_wait,
    estimatedWaitSeconds: raw.estimated_wait_seconds ?? null,
    waitCategory: raw.wait_category ?? null,
    confidence: raw.confidence ?? null,
    isCalibrated: raw.is_calibrated ?? false,
    recommendation: raw.recommendation ?? null,
    latencyUs: raw.latency_us ?? null,
  };
}

/** A failure worth another attempt (network, timeout, 5xx, 429) vs. a final answer. */
class RetryableError extends Error {}

export class VgacPlatformClient {
  readonly #options: VgacPlatformClientOptions;
  readonly #breaker: CircuitBreaker;
  readonly #fetch: typeof fetch;
  readonly #random: () => number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(options: VgacPlatformClientOptions) {
    this.#options = options;
    this.#breaker = new CircuitBreaker({ clock: options.clock ?? Date.now, ...options.breaker });
    this.#fetch = options.fetch ?? fetch;
    this.#random = options.random ?? Math.random;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  breakerState(): BreakerState {
    return this.#breaker.state();
  }

  async predictWait(
    spec: JobSpec,
    ids: { readonly clusterId?: string; readonly jobId?: string } = {},
  ): Promise<PlatformPrediction> {
    const body = {
      ...platformJobBody(spec),
      ...(ids.clusterId === undefined ? {} : { cluster_id: ids.clusterId }),
      ...(ids.jobId === undefined ? {} : { job_id: ids.jobId }),
    };
    const answer = await this.#call('POST', '/api/predict/wait', body);
    const parsed = PredictionSchema.safeParse(answer);
    if (!parsed.success)
      throw new SourceUnavailableError(
        `VGAC platform at ${this.#options.baseUrl} answered /api/predict/wait with an unusable prediction`,
      );
    return toPrediction(parsed.data);
  }

  async predictBatch(specs: readonly JobSpec[], clusterId?: string): Promise<PlatformPrediction[]> {
    const answer = await this.#call('POST', '/api/predict/batch', {
      ...(clusterId === undefined ? {} : { cluster_id: clusterId }),
      jobs: specs.map(platformJobBody),
    });
    const list = Array.isArray(answer) ? answer : (answer as { predictions?: unknown } | null)?.predictions;
    const parsed = z.array(PredictionSchema).safeParse(list);
    if (!parsed.success || parsed.data.length !== specs.length) {
      throw new SourceUnavailableError(
        `VGAC platform at ${this.#options.baseUrl} answered /api/predict/batch with an unusable list`,
      );
    }
    return parsed.data.map(toPrediction);
  }

  clusterSummary(clusterId?: string): Promise<unknown> {
    return this.#call('GET', withCluster('/api/cluster/summary', clusterId));
  }

  jobsQueue(clusterId?: string): Promise<unknown> {
    return this.#call('GET', withCluster('/api/jobs/queue', clusterId));
  }

  calibration(clusterId?: string): Promise<unknown> {
    return this.#call('GET', withCluster('/api/jobs/predict/calibration', clusterId));
  }

  async #call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const { baseUrl } = this.#options;
    if (!this.#breaker.tryAcquire()) {
      const retryAt = this.#breaker.retryAtMs();
      throw new SourceUnavailableError(
        `VGAC platform at ${baseUrl} is failing: circuit open${retryAt === null ? '' : ` until ${new Date(retryAt).toISOString()}`}`,
      );
    }
    const retries = this.#options.retries ?? DEFAULT_PLATFORM_RETRIES;
    const baseDelayMs = this.#options.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS;
    let lastReason = '';
    for (let attempt = 0; attempt <= retries; attempt += 1) {
      if (attempt > 0) {
        // Exponential back-off with "equal jitter": half fixed, half random.
        const ceilingMs = baseDelayMs * 2 ** (attempt - 1);
        await this.#sleep(ceilingMs / 2 + this.#random() * (ceilingMs / 2));
      }
      try {
        const answer = await this.#attempt(method, path, body);
        this.#breaker.recordSuccess();
        return answer;
      } catch (error) {
        if (!(error instanceof RetryableError)) {
          // A final answer (bad key, bad request) means the platform is up.
          this.#breaker.recordSuccess();
          throw error;
        }
        lastReason = error.message;
      }
    }
    this.#breaker.recordFailure();
    throw new SourceUnavailableError(`VGAC platform at ${baseUrl} ${lastReason} (${retries + 1} attempts)`);
  }

  async #attempt(method: 'GET' | 'POST', path: string, body: unknown): Promise<unknown> {
    const timeoutMs = this.#options.timeoutMs ?? DEFAULT_PLATFORM_TIMEOUT_MS;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.#options.apiKey !== undefined) headers['x-api-key'] = this.#options.apiKey;
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(`${this.#options.baseUrl.replace(/\/$/, '')}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new RetryableError(timedOut ? `did not answer ${path} within ${timeoutMs} ms` : `is unreachable`);
    }
    if (response.status === 401 || response.status === 403) {
      throw new AuthError(`VGAC platform at ${this.#options.baseUrl} rejected the API key (HTTP ${response.status})`);
    }
    if (response.status === 429 || response.status >= 500)
      throw new RetryableError(`answered ${path} with HTTP ${response.status}`);
    if (!response.ok)
      throw new InvalidInputError(
        `VGAC platform refused ${method} ${path}: HTTP ${response.status} ${text.slice(0, 200)}`,
      );
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new RetryableError(`answered ${path} with something that is not JSON`);
    }
  }
}

function withCluster(path: string, clusterId: string | undefined): string {
  return clusterId === undefined ? path : `${path}?cluster_id=${encodeURIComponent(clusterId)}`;
}

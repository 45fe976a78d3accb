/**
 * Ports whose AWS SDK client is imported and built on FIRST USE, not at cold start: S3 (model
 * bundles: lazy-s3-bundle-store.ts), SSM Parameter Store (secrets: lazy-ssm-secrets.ts) and SNS
 * (lazy-sns-notifier.ts, lazy-sns-task-queue.ts) — one file each, because esbuild emits a chunk
 * for every `import()` of a module it bundles, used or not. Importing one
 * `@aws-sdk/client-*` package costs ≈ 50–120 ms of CPU on Node 20 (measured with
 * bench/lambda.bench.ts), so a function only pays for the clients its invocation actually
 * touches: e.g. CheckDrift and the Slack acknowledgement never load S3.
 *
 * Each port's adapter and SDK package are reached through `import()`; the build splits them into
 * their own chunks (scripts/build-lambdas.ts, `splitting: true`), so their static
 * `@aws-sdk/*` imports run only when the chunk loads. A failed load is not cached: the next call
 * retries. Clients are traced through X-Ray when tracing is on (`captureAWSv3Client`).
 */
import type { LambdaTracer } from './lambda-observability.ts';

/** Memoises an async factory; a rejected attempt is forgotten so the next call retries. */
export function onFirstUse<T>(factory: () => Promise<T>): { get(): Promise<T>; loaded(): T | undefined } {
  let pending: Promise<T> | undefined;
  let value: T | undefined;
  return {
    get() {
      pending ??= factory().then(
        (built) => {
          value = built;
          return built;
        },
        (error: unknown) => {
          pending = undefined;
          throw error;
        },
      );
      return pending;
    },
    loaded: () => value,
  };
}

/** The tracer's client hook (a no-op when tracing is off). */
export type Tracer = Pick<LambdaTracer, 'captureAWSv3Client'>;

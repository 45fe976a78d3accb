/**
 * How every DynamoDB and S3 call (and, on Lambda, every SNS and SSM call) is bounded (timeouts,
 * attempts; circuit breakers for DynamoDB and S3), apart from
 * aws-clients.ts and free of SDK imports: the Lambda runtime reads it without loading
 * @aws-sdk/client-s3, which the API function only imports on its first S3 call (lazy-s3-bundle-store.ts).
 */

/**
 * How long a call to DynamoDB or S3 may take and how often it is tried: each attempt must connect
 * and answer within `timeoutMs` (time spent waiting for a pooled socket included), the SDK tries at most
 * `maxAttempts` times (with its own jittered backoff), and after `breakerFailures` failed calls in
 * a row the dependency's breaker fails calls at once for `breakerHalfOpenMs` (dependency-guard.ts).
 * A stalled dependency therefore costs a request at most about maxAttempts × timeoutMs.
 */
export interface AwsCallPolicy {
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  readonly breakerFailures: number;
  readonly breakerHalfOpenMs: number;
}

export const DEFAULT_CALL_POLICY: AwsCallPolicy = Object.freeze({
  timeoutMs: 3_000,
  maxAttempts: 3,
  breakerFailures: 5,
  breakerHalfOpenMs: 5_000,
});

/** The SDK client settings of a call policy: per-attempt timeouts (that throw) and the attempt limit. */
export function sdkCallSettings(policy: AwsCallPolicy): {
  requestHandler: { requestTimeout: number; connectionTimeout: number; throwOnRequestTimeout: true };
  maxAttempts: number;
} {
  return {
    requestHandler: {
      requestTimeout: policy.timeoutMs,
      connectionTimeout: policy.timeoutMs,
      throwOnRequestTimeout: true,
    },
    maxAttempts: policy.maxAttempts,
  };
}

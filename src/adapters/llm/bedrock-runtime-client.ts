/**
 * The Bedrock Runtime SDK client and its Converse call. Kept apart from bedrock-reasoner.ts, which
 * only uses the SDK's types, so that a process loads @aws-sdk/client-bedrock-runtime when it first
 * calls a model (bedrock-reasoner.ts `lazyBedrockConverse`), not when it starts.
 */
import {
  BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandInput,
  type ConverseCommandOutput,
} from '@aws-sdk/client-bedrock-runtime';

/** One Converse call (`POST /model/{modelId}/converse`). */
export type Converse = (input: ConverseCommandInput) => Promise<ConverseCommandOutput>;

/** SDK attempts per call (1 + retries) for throttling and transient errors. */
export const DEFAULT_MAX_ATTEMPTS = 4;
/** Per-attempt deadline (ms): under the functions' 30 s timeout, so a stuck call degrades instead of killing the invocation. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 20_000;

export interface BedrockClientOptions {
  readonly region: string;
  /** A Bedrock Runtime endpoint to use instead of AWS's (tests: a loopback server). */
  readonly endpoint?: string;
  readonly maxAttempts?: number;
  /** Per-attempt deadline in ms (default DEFAULT_REQUEST_TIMEOUT_MS); a call past it fails with `TimeoutError`. */
  readonly requestTimeoutMs?: number;
  /** Static credentials (loopback tests); absent → the SDK's default provider chain. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** A Bedrock Runtime client; build once per process (per Lambda cold start). */
export function createBedrockClient(options: BedrockClientOptions): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    region: options.region,
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    // The runtime client's default handler (HTTP/2, one stream per session) with a deadline.
    requestHandler: {
      requestTimeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      disableConcurrentStreams: true,
    },
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: { ...options.credentials } }),
  });
}

/** Converse calls through `client`. */
export function converseWith(client: BedrockRuntimeClient): Converse {
  return (input) => client.send(new ConverseCommand(input));
}

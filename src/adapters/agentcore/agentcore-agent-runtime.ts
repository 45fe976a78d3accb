/**
 * The AgentRuntime that runs each invocation in the deployed Bedrock AgentCore Runtime, through
 * its data plane: `InvokeAgentRuntime` (POST /runtimes/{agentRuntimeArn}/invocations?qualifier=…,
 * SigV4, the session in `X-Amzn-Bedrock-AgentCore-Runtime-Session-Id`), the payload the
 * structured request the runtime's `POST /invocations` accepts (invocation-request.ts), the reply
 * the AgentDecision it answers — as JSON, or as a text/event-stream whose last `data:` event is
 * that JSON.
 *
 * Failures are translated here, so no SDK error reaches the app:
 * - throttled, over quota, a service fault, a conflict to retry, an unreachable endpoint, the
 *   deadline passed, an unreadable reply → AgentRuntimeUnavailableError (503 for the caller);
 * - the agent's own 4xx (a bad request, an unknown cluster) → AgentRuntimeRefusedError with the
 *   agent's code, so the caller gets the same status as from the in-process agents;
 * - access denied, no such runtime, a request AgentCore finds invalid → AgentRuntimeUnavailableError
 *   too: a deployment fault, not the caller's (the log names the error class).
 */
import { BedrockAgentCoreClient, InvokeAgentRuntimeCommand } from '@aws-sdk/client-bedrock-agentcore';
import * as z from 'zod';
import { DecisionStatus, type AgentDecision } from '../../app/agents/observe-predict-decide.ts';
import { AgentRuntimeRefusedError, AgentRuntimeUnavailableError } from '../../app/errors.ts';
import type { AgentInvocation, AgentRuntime } from '../../app/ports/agent-runtime.ts';
import { toCamelCaseKeys, toSnakeCaseKeys } from '../../app/http/json-case.ts';

/** Whole-invocation deadline, ms: under API Gateway's 30 s integration limit, with room for the API function's own work. */
export const DEFAULT_AGENTCORE_TIMEOUT_MS = 20_000;
/** Attempts per invocation (the SDK retries throttling and service faults with back-off in between). */
export const DEFAULT_AGENTCORE_MAX_ATTEMPTS = 2;
/** The runtime endpoint every runtime has (AgentCore creates it with the runtime). */
export const DEFAULT_AGENTCORE_QUALIFIER = 'DEFAULT';

/** The agent's 4xx codes passed on to the caller; any other code from the agent is a fault of the runtime. */
const CLIENT_CODES = new Set(['INVALID_REQUEST', 'UNKNOWN_CLUSTER', 'UNKNOWN_JOB', 'UNSUPPORTED_MEDIA_TYPE']);

export interface AgentCoreClientOptions {
  readonly region: string;
  /** Data-plane URL override (tests: a loopback server); AWS's regional endpoint when undefined. */
  readonly endpoint?: string;
  readonly maxAttempts?: number;
  /** Per-attempt socket deadline, ms (default {@link DEFAULT_AGENTCORE_TIMEOUT_MS}). */
  readonly requestTimeoutMs?: number;
  /** Static credentials (tests); the default provider chain (the function's role) when undefined. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export function createAgentCoreClient(options: AgentCoreClientOptions): BedrockAgentCoreClient {
  return new BedrockAgentCoreClient({
    region: options.region,
    maxAttempts: options.maxAttempts ?? DEFAULT_AGENTCORE_MAX_ATTEMPTS,
    requestHandler: {
      requestTimeout: options.requestTimeoutMs ?? DEFAULT_AGENTCORE_TIMEOUT_MS,
      connectionTimeout: 3_000,
    },
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: { ...options.credentials } }),
  });
}

export interface AgentCoreAgentRuntimeOptions {
  readonly client: Pick<BedrockAgentCoreClient, 'send'>;
  /** `arn:aws:bedrock-agentcore:<region>:<account>:runtime/<id>`. */
  readonly runtimeArn: string;
  readonly qualifier?: string;
  /** Whole-invocation deadline, retries included, ms (default {@link DEFAULT_AGENTCORE_TIMEOUT_MS}). */
  readonly timeoutMs?: number;
}

/** Enough of an AgentDecision to trust the rest of it came from our agents; extra fields pass. */
const DecisionShape = z.looseObject({
  status: z.enum(Object.values(DecisionStatus) as [DecisionStatus, ...DecisionStatus[]]),
  clusterId: z.string(),
  scope: z.string(),
  answer: z.string(),
  reasons: z.array(z.string()),
  executedActions: z.array(z.unknown()),
  failures: z.array(z.unknown()),
});

const ErrorShape = z.looseObject({ error: z.looseObject({ code: z.string(), message: z.string() }) });

/** The JSON document of a reply: the body itself, or the last `data:` event of an event stream. */
function documentOf(text: string, contentType: string | undefined): unknown {
  if (contentType?.startsWith('text/event-stream') === true) {
    const events = text
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice('data:'.length).trim());
    const last = events.at(-1);
    if (last === undefined)
      throw new AgentRuntimeUnavailableError('the agent runtime streamed no data event', {
        errorClass: 'MalformedResponse',
      });
    return JSON.parse(last) as unknown;
  }
  return JSON.parse(text) as unknown;
}

/** The SDK error's name (`ThrottlingException`, `TimeoutError`, `AbortError`…), or the Node code for a network failure. */
function errorClassOf(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = (error as { code?: unknown }).code;
  return error.name === 'Error' && typeof code === 'string' ? code : error.name;
}

function unavailable(error: unknown): AgentRuntimeUnavailableError {
  const errorClass = errorClassOf(error);
  const reason: Record<string, string> = {
    ThrottlingException: 'the agent runtime is throttling requests',
    ServiceQuotaExceededException: 'the agent runtime is over its session quota',
    InternalServerException: 'the agent runtime failed',
    RetryableConflictException: 'the agent runtime session is busy',
    TimeoutError: 'the agent runtime did not answer in time',
    AbortError: 'the agent runtime did not answer in time',
    AccessDeniedException: 'this function may not invoke the agent runtime (check its IAM role)',
    ResourceNotFoundException: 'the agent runtime was not found (check VGAC_AGENTCORE_RUNTIME_ARN)',
    ValidationException: 'the agent runtime refused the call as invalid',
  };
  return new AgentRuntimeUnavailableError(
    `${reason[errorClass] ?? 'the agent runtime could not be reached'} (${errorClass})`,
    { cause: error, errorClass },
  );
}

export class AgentCoreAgentRuntime implements AgentRuntime {
  readonly #client: Pick<BedrockAgentCoreClient, 'send'>;
  readonly #runtimeArn: string;
  readonly #qualifier: string;
  readonly #timeoutMs: number;

  constructor(options: AgentCoreAgentRuntimeOptions) {
    this.#client = options.client;
    this.#runtimeArn = options.runtimeArn;
    this.#qualifier = options.qualifier ?? DEFAULT_AGENTCORE_QUALIFIER;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_AGENTCORE_TIMEOUT_MS;
  }

  async invoke(request: AgentInvocation, sessionId: string): Promise<AgentDecision> {
    let status: number;
    let text: string;
    let contentType: string | undefined;
    try {
      const reply = await this.#client.send(
        new InvokeAgentRuntimeCommand({
          agentRuntimeArn: this.#runtimeArn,
          qualifier: this.#qualifier,
          runtimeSessionId: sessionId,
          contentType: 'application/json',
          accept: 'application/json',
          // Our routes' convention (json-case.ts); the runtime reads either.
          payload: new TextEncoder().encode(JSON.stringify(toSnakeCaseKeys(request))),
        }),
        { abortSignal: AbortSignal.timeout(this.#timeoutMs) },
      );
      status = reply.statusCode ?? 200;
      contentType = reply.contentType;
      text = reply.response === undefined ? '' : await reply.response.transformToString('utf-8');
    } catch (error) {
      // A 4xx the agent itself answered comes back as RuntimeClientError with its body as the message.
      if (errorClassOf(error) === 'RuntimeClientError') return this.#refused(error);
      throw unavailable(error);
    }
    let document: unknown;
    try {
      document = documentOf(text, contentType);
    } catch (error) {
      if (error instanceof AgentRuntimeUnavailableError) throw error;
      throw new AgentRuntimeUnavailableError(`the agent runtime answered ${status} with a body that is not JSON`, {
        cause: error,
        errorClass: 'MalformedResponse',
      });
    }
    if (status >= 400) throw this.#agentError(status, document);
    // The runtime answers in snake_case (a runtime deployed before answered in camelCase: both read).
    const decision = DecisionShape.safeParse(toCamelCaseKeys(document));
    if (!decision.success) {
      throw new AgentRuntimeUnavailableError(
        `the agent runtime answered without a decision (${decision.error.issues.map((issue) => issue.path.join('.') || '(body)').join(', ')})`,
        { errorClass: 'MalformedResponse' },
      );
    }
    return decision.data as unknown as AgentDecision;
  }

  /** The agent's error reply: its client mistakes pass on with their code, anything else is the runtime's fault. */
  #agentError(status: number, document: unknown): Error {
    const body = ErrorShape.safeParse(document);
    if (status < 500 && body.success && CLIENT_CODES.has(body.data.error.code))
      return new AgentRuntimeRefusedError(body.data.error.code, body.data.error.message);
    return new AgentRuntimeUnavailableError(
      `the agent runtime answered ${status}${body.success ? ` (${body.data.error.code})` : ''}`,
      { errorClass: `Http${status}` },
    );
  }

  #refused(error: unknown): never {
    const message = error instanceof Error ? error.message : '';
    let document: unknown;
    try {
      document = JSON.parse(message) as unknown;
    } catch {
      throw unavailable(error);
    }
    throw this.#agentError(424, document);
  }
}

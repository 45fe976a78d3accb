/**
 * `Reasoner` on Amazon Bedrock's Converse API (`POST /model/{modelId}/converse`) through
 * @aws-sdk/client-bedrock-runtime, with tool use. Every call is metered: the input's upper bound
 * (`inputTokensUpperBound` of the serialised request) and `maxTokens` are reserved BEFORE the
 * call, the reported usage settled after. A throttled call (429 ThrottlingException) is retried
 * by the SDK's standard strategy with exponential backoff and jitter; what still fails, or
 * answers something unusable, becomes a `ReasonerError` (the use case then falls back to the
 * offline reasoner). A call that failed before the model could bill it (throttled, 5xx, network)
 * is settled with zero usage, releasing its reservation (`mayHaveBeenBilled`). The model id is checked against the policy again here: Opus never leaves. // policy-allow: opus-refusal
 */
import {
  BedrockRuntimeClient,
  ConverseCommand,
  type ContentBlock,
  type ConverseCommandOutput,
  type Message,
  type Tool,
} from '@aws-sdk/client-bedrock-runtime';
import { ReasonerError } from '../../app/errors.ts';
import type { ModelUsage, Reasoner, ReasonerReply, ReasonerRequest, ReasonerToolRequest } from '../../app/ports.ts';
import { parseModelId } from '../../core/agents/model-policy.ts';
import { inputTokensUpperBound } from '../../core/agents/token-estimate.ts';

/** Calls in one exchange unless the request says otherwise: an answer, or one tool round trip. */
export const DEFAULT_MAX_CALLS = 2;
/** SDK attempts per call (1 + retries) for throttling and transient errors. */
export const DEFAULT_MAX_ATTEMPTS = 4;

export interface BedrockClientOptions {
  readonly region: string;
  /** A Bedrock Runtime endpoint to use instead of AWS's (tests: a loopback server). */
  readonly endpoint?: string;
  readonly maxAttempts?: number;
  /** Static credentials (loopback tests); absent → the SDK's default provider chain. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** A Bedrock Runtime client; build once per process (per Lambda cold start). */
export function createBedrockClient(options: BedrockClientOptions): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    region: options.region,
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: { ...options.credentials } }),
  });
}

function toolConfig(request: ReasonerRequest): { tools: Tool[] } | undefined {
  if (request.tools === undefined || request.tools.length === 0) return undefined;
  return {
    tools: request.tools.map((tool) => {
      // `$schema` costs tokens and tells the model nothing.
      const { $schema: _schema, ...schema } = tool.inputSchema;
      return { toolSpec: { name: tool.name, description: tool.description, inputSchema: { json: schema as never } } };
    }),
  };
}

function usageOf(output: ConverseCommandOutput): ModelUsage {
  const inputTokens = output.usage?.inputTokens;
  const outputTokens = output.usage?.outputTokens;
  if (!Number.isInteger(inputTokens) || !Number.isInteger(outputTokens) || (inputTokens ?? -1) < 0 || (outputTokens ?? -1) < 0) {
    throw new ReasonerError('malformed model output: no token usage');
  }
  return { inputTokens: inputTokens as number, outputTokens: outputTokens as number };
}

function contentOf(output: ConverseCommandOutput): ContentBlock[] {
  const content = output.output?.message?.content;
  if (!Array.isArray(content)) throw new ReasonerError('malformed model output: no message content');
  return content;
}

function textOf(content: readonly ContentBlock[]): string {
  return content.map((block) => (typeof block.text === 'string' ? block.text : '')).join('').trim();
}

const NO_USAGE: ModelUsage = { inputTokens: 0, outputTokens: 0 };

/** Errors raised after the model ran (it may have consumed and produced tokens): a timeout or a failure inside the model. */
const MODEL_RAN_ERRORS: ReadonlySet<string> = new Set(['ModelTimeoutException', 'ModelErrorException', 'ModelStreamErrorException']);

/**
 * Whether a failed Converse call may have been billed. Not billed: throttling (429), service
 * errors (5xx), refusals before the model (other 4xx: validation, access, unknown model) and
 * network failures (no HTTP status). Possibly billed: the model's own failures (408 timeout,
 * 424 model error) and a 2xx whose body could not be read — its usage is unknown, so the
 * reservation is kept as the (worst-case) charge.
 */
export function mayHaveBeenBilled(error: unknown): boolean {
  if (error instanceof Error && MODEL_RAN_ERRORS.has(error.name)) return true;
  const status = (error as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata?.httpStatusCode;
  if (typeof status !== 'number') return false;
  return (status >= 200 && status < 300) || status === 408 || status === 424;
}

export function createBedrockReasoner(client: BedrockRuntimeClient): Reasoner {
  return {
    kind: 'bedrock',
    async reason(request: ReasonerRequest): Promise<ReasonerReply> {
      const modelId = parseModelId(request.modelId);
      const maxCalls = request.maxCalls ?? DEFAULT_MAX_CALLS;
      const tools = toolConfig(request);
      const messages: Message[] = [{ role: 'user', content: [{ text: request.prompt }] }];
      const system = [{ text: request.system }];
      const toolRequests: ReasonerToolRequest[] = [];
      let usage: ModelUsage = { inputTokens: 0, outputTokens: 0 };
      let lastText = '';

      for (let calls = 0; calls < maxCalls; calls += 1) {
        const reserved = { inputTokensUpperBound: inputTokensUpperBound(JSON.stringify({ system, messages, toolConfig: tools })), maxOutputTokens: request.maxOutputTokens };
        if (request.meter !== undefined && !(await request.meter.reserve(reserved.inputTokensUpperBound, reserved.maxOutputTokens))) {
          return { status: 'budget_refused', calls };
        }
        let output: ConverseCommandOutput;
        try {
          output = await client.send(
            new ConverseCommand({
              modelId,
              system,
              messages,
              inferenceConfig: { maxTokens: request.maxOutputTokens, temperature: 0 },
              ...(tools === undefined ? {} : { toolConfig: tools }),
            }),
          );
        } catch (error) {
          const name = error instanceof Error ? error.name : 'unknown error';
          // Release the worst case now unless the model may have produced tokens: otherwise every
          // failed call would keep its reservation forever and spend the allocation on nothing.
          if (request.meter !== undefined && !mayHaveBeenBilled(error)) await request.meter.settle(NO_USAGE, reserved);
          throw new ReasonerError(name === 'ThrottlingException' ? 'Bedrock kept throttling after retries' : `Bedrock Converse failed: ${name}`, { cause: error });
        }
        const callUsage = usageOf(output);
        await request.meter?.settle(callUsage, reserved);
        usage = { inputTokens: usage.inputTokens + callUsage.inputTokens, outputTokens: usage.outputTokens + callUsage.outputTokens };
        const content = contentOf(output);
        lastText = textOf(content) || lastText;

        const uses = content.flatMap((block) => (block.toolUse === undefined ? [] : [block.toolUse]));
        if (output.stopReason !== 'tool_use' || uses.length === 0 || request.runTool === undefined) {
          if (lastText === '') throw new ReasonerError(`malformed model output: no text (stopReason ${output.stopReason ?? 'missing'})`);
          return { status: 'answered', text: lastText, modelId, usage, calls: calls + 1, toolRequests };
        }
        const results: ContentBlock[] = [];
        for (const use of uses) {
          if (typeof use.toolUseId !== 'string' || typeof use.name !== 'string') throw new ReasonerError('malformed model output: tool use without id or name');
          const toolRequest = { toolUseId: use.toolUseId, name: use.name, input: use.input };
          toolRequests.push(toolRequest);
          const result = await request.runTool(toolRequest);
          const failed = result.status === 'refused' || result.status === 'error' || result.status === 'invalid_input';
          results.push({ toolResult: { toolUseId: use.toolUseId, content: [{ json: result as never }], status: failed ? 'error' : 'success' } });
        }
        messages.push({ role: 'assistant', content }, { role: 'user', content: results });
      }
      if (lastText === '') throw new ReasonerError(`model still asked for tools after ${maxCalls} calls`);
      return { status: 'answered', text: lastText, modelId, usage, calls: maxCalls, toolRequests };
    },
  };
}

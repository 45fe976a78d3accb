/**
 * `Reasoner` on Amazon Bedrock's Converse API (`POST /model/{modelId}/converse`) through
 * @aws-sdk/client-bedrock-runtime, with tool use. Every call is metered: the input's upper bound
 * (`inputTokensUpperBound` of the serialised request) and `maxTokens` are reserved BEFORE the
 * call, the reported usage settled after. A throttled call (429 ThrottlingException) is retried
 * by the SDK's standard strategy with exponential backoff and jitter; what still fails, or
 * answers something unusable, becomes a `ReasonerError` (the use case then falls back to the
 * offline reasoner). A call that failed before the model could bill it (throttled, 5xx, network)
 * is settled with zero usage, releasing its reservation (`mayHaveBeenBilled`). The model id is checked against the policy again here: Opus never leaves. // policy-allow: opus-refusal
 *
 * Every failure names its class (`ReasonerError.errorClass`: the vendor's error name, e.g.
 * `ResourceNotFoundException` for a model past its end of life, `AccessDeniedException`,
 * `ValidationException`, `TimeoutError`), so the caller can log and count it without the prompt.
 * The request carries no sampling parameters (current Claude models refuse a non-default
 * `temperature`) and the model's own thinking setting (`ModelRequestFields`): an explanation
 * spends its `maxTokens` on words, not on thinking.
 */
import type { ContentBlock, ConverseCommandOutput, Message, Tool } from '@aws-sdk/client-bedrock-runtime';
import { ReasonerError } from '../../app/errors.ts';
import type {
  ModelUsage,
  Reasoner,
  ReasonerReply,
  ReasonerRequest,
  ReasonerToolRequest,
} from '../../app/ports/reasoner.ts';
import { resolveModel } from '../../core/agents/model-policy.ts';
import { inputTokensUpperBound } from '../../core/agents/token-estimate.ts';
import type { BedrockClientOptions, Converse } from './bedrock-runtime-client.ts';

/** Calls in one exchange unless the request says otherwise: an answer, or one tool round trip. */
export const DEFAULT_MAX_CALLS = 2;
/**
 * Converse calls whose SDK package and client are imported and built on the first call, not when
 * the process starts: most API and Slack invocations never reach a model, and the runtime client's
 * import is the largest piece of a cold start after the storage clients. A failed import fails
 * that call (a `ReasonerError` like any other) and is retried on the next.
 */
export function lazyBedrockConverse(options: BedrockClientOptions): Converse {
  let loading: Promise<Converse> | undefined;
  const load = (): Promise<Converse> => {
    loading ??= import('./bedrock-runtime-client.ts').then(
      ({ createBedrockClient, converseWith }) => converseWith(createBedrockClient(options)),
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    );
    return loading;
  };
  return async (input) => (await load())(input);
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

/** A reply the model gave that cannot be used. */
function malformed(message: string, modelId: string): ReasonerError {
  return new ReasonerError(`malformed model output: ${message}`, { errorClass: 'MalformedOutput', modelId });
}

function usageOf(output: ConverseCommandOutput, modelId: string): ModelUsage {
  const inputTokens = output.usage?.inputTokens;
  const outputTokens = output.usage?.outputTokens;
  if (
    !Number.isInteger(inputTokens) ||
    !Number.isInteger(outputTokens) ||
    (inputTokens ?? -1) < 0 ||
    (outputTokens ?? -1) < 0
  ) {
    throw malformed('no token usage', modelId);
  }
  return { inputTokens: inputTokens as number, outputTokens: outputTokens as number };
}

function contentOf(output: ConverseCommandOutput, modelId: string): ContentBlock[] {
  const content = output.output?.message?.content;
  if (!Array.isArray(content)) throw malformed('no message content', modelId);
  return content;
}

function textOf(content: readonly ContentBlock[]): string {
  return content
    .map((block) => (typeof block.text === 'string' ? block.text : ''))
    .join('')
    .trim();
}

const NO_USAGE: ModelUsage = { inputTokens: 0, outputTokens: 0 };

/** Errors raised after the model ran (it may have consumed and produced tokens): a timeout or a failure inside the model. */
const MODEL_RAN_ERRORS: ReadonlySet<string> = new Set([
  'ModelTimeoutException',
  'ModelErrorException',
  'ModelStreamErrorException',
]);

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

/** A ValidationException that says the model is gone or not offered (Bedrock's words for an end-of-life or unlisted model). */
const UNAVAILABLE_VALIDATION =
  /end of (its )?life|not available|no longer available|legacy|model identifier is invalid|doesn't support the model/i;

/**
 * The ReasonerError for a failed Converse call: its class (the vendor's error name, or the network
 * error's code) and a short message saying what a deployer can do about it. The vendor's message
 * is read only to classify a ValidationException; neither it nor the prompt is repeated.
 */
export function reasonerErrorOf(error: unknown, modelId: string): ReasonerError {
  const name = error instanceof Error ? error.name : 'unknown error';
  const code = (error as { code?: unknown } | null)?.code;
  const errorClass = name === 'Error' && typeof code === 'string' ? code : name;
  const vendorMessage = error instanceof Error ? error.message : '';
  const options = { cause: error, errorClass, modelId };
  switch (name) {
    case 'ThrottlingException':
      return new ReasonerError('Bedrock kept throttling after retries', options);
    case 'ResourceNotFoundException':
      return new ReasonerError(
        `model ${modelId} not found in this Region or past its end of life (ResourceNotFoundException); run vgac doctor`,
        options,
      );
    case 'AccessDeniedException':
      return new ReasonerError(
        `access to model ${modelId} denied (AccessDeniedException): the role needs bedrock:InvokeModel on it and the account model access`,
        options,
      );
    case 'TimeoutError':
    case 'ModelTimeoutException':
      return new ReasonerError(`model ${modelId} timed out (${name})`, options);
    case 'ValidationException':
      return UNAVAILABLE_VALIDATION.test(vendorMessage)
        ? new ReasonerError(
            `model ${modelId} is not available (ValidationException: end of life or not offered); run vgac doctor`,
            options,
          )
        : new ReasonerError(`Bedrock refused the request to ${modelId} (ValidationException)`, options);
    default:
      return new ReasonerError(`Bedrock Converse failed: ${errorClass}`, options);
  }
}

export function createBedrockReasoner(converse: Converse): Reasoner {
  return {
    kind: 'bedrock',
    async reason(request: ReasonerRequest): Promise<ReasonerReply> {
      const { id: modelId, model } = resolveModel(request.modelId);
      const maxCalls = request.maxCalls ?? DEFAULT_MAX_CALLS;
      const tools = toolConfig(request);
      const messages: Message[] = [{ role: 'user', content: [{ text: request.prompt }] }];
      const system = [{ text: request.system }];
      const toolRequests: ReasonerToolRequest[] = [];
      let usage: ModelUsage = { inputTokens: 0, outputTokens: 0 };
      let lastText = '';

      for (let calls = 0; calls < maxCalls; calls += 1) {
        const reserved = {
          inputTokensUpperBound: inputTokensUpperBound(JSON.stringify({ system, messages, toolConfig: tools })),
          maxOutputTokens: request.maxOutputTokens,
        };
        if (
          request.meter !== undefined &&
          !(await request.meter.reserve(reserved.inputTokensUpperBound, reserved.maxOutputTokens))
        ) {
          return { status: 'budget_refused', calls };
        }
        let output: ConverseCommandOutput;
        try {
          output = await converse({
            modelId,
            system,
            messages,
            inferenceConfig: { maxTokens: request.maxOutputTokens },
            additionalModelRequestFields: { thinking: { ...model.requestFields.thinking } },
            ...(tools === undefined ? {} : { toolConfig: tools }),
          });
        } catch (error) {
          // Release the worst case now unless the model may have produced tokens: otherwise every
          // failed call would keep its reservation forever and spend the allocation on nothing.
          if (request.meter !== undefined && !mayHaveBeenBilled(error)) await request.meter.settle(NO_USAGE, reserved);
          throw reasonerErrorOf(error, modelId);
        }
        const callUsage = usageOf(output, modelId);
        await request.meter?.settle(callUsage, reserved);
        usage = {
          inputTokens: usage.inputTokens + callUsage.inputTokens,
          outputTokens: usage.outputTokens + callUsage.outputTokens,
        };
        const content = contentOf(output, modelId);
        lastText = textOf(content) || lastText;

        const uses = content.flatMap((block) => (block.toolUse === undefined ? [] : [block.toolUse]));
        if (output.stopReason !== 'tool_use' || uses.length === 0 || request.runTool === undefined) {
          if (lastText === '') throw malformed(`no text (stopReason ${output.stopReason ?? 'missing'})`, modelId);
          return { status: 'answered', text: lastText, modelId, usage, calls: calls + 1, toolRequests };
        }
        const results: ContentBlock[] = [];
        for (const use of uses) {
          if (typeof use.toolUseId !== 'string' || typeof use.name !== 'string')
            throw malformed('tool use without id or name', modelId);
          const toolRequest = { toolUseId: use.toolUseId, name: use.name, input: use.input };
          toolRequests.push(toolRequest);
          const result = await request.runTool(toolRequest);
          const failed = result.status === 'refused' || result.status === 'error' || result.status === 'invalid_input';
          results.push({
            toolResult: {
              toolUseId: use.toolUseId,
              content: [{ json: result as never }],
              status: failed ? 'error' : 'success',
            },
          });
        }
        messages.push({ role: 'assistant', content }, { role: 'user', content: results });
      }
      if (lastText === '')
        throw new ReasonerError(`model still asked for tools after ${maxCalls} calls`, {
          errorClass: 'MalformedOutput',
          modelId,
        });
      return { status: 'answered', text: lastText, modelId, usage, calls: maxCalls, toolRequests };
    },
  };
}

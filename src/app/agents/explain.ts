/**
 * Words for a decision, as cheaply as honesty allows: a fresh cached answer (no model call), else
 * the configured reasoner under the budget guard (worst case reserved before the call, actual
 * tokens settled after, both priced with the model the call names), else — when the allocation is
 * spent or the model fails — a cached answer of any age, then the offline templates; the answer
 * says when it was degraded. A failed model call (throttled past retries, not found or past its
 * end of life, access denied, refused, timed out) is logged as one `model.unavailable` line with
 * the model id and the error class, never the prompt, and its answer carries the visible note
 * MODEL_UNAVAILABLE_NOTE.
 * The model only writes words: whatever tools it asks for go through `runTool`, which the caller
 * restricts (see `modelToolRunner`).
 */
import { modelForRequest, type AllowedModelId } from '../../core/agents/model-policy.ts';
import { callCostMicroUsd, worstCaseCallMicroUsd } from '../../core/budget/model-call-cost.ts';
import { ReasonerError } from '../errors.ts';
import type {
  CallMeter,
  ExplanationFacts,
  ReasonerRequest,
  ReasonerToolRequest,
  ReasonerToolSpec,
} from '../ports/reasoner.ts';
import { REASONING_COMPONENT, type ReasoningDeps } from './agent-deps.ts';

export const ExplanationSource = { model: 'model', cache: 'cache', offline: 'offline' } as const;

/** `degraded` when the model call failed; the log event says which model and why. */
export const MODEL_UNAVAILABLE = 'model unavailable';
/** Appended to a templated answer given because the model call failed. */
export const MODEL_UNAVAILABLE_NOTE = `(${MODEL_UNAVAILABLE}: templated explanation)`;
/** The log event of a failed model call. */
export const MODEL_UNAVAILABLE_EVENT = 'model.unavailable';
export type ExplanationSource = (typeof ExplanationSource)[keyof typeof ExplanationSource];

export interface ExplainRequest {
  readonly clusterId: string;
  readonly system: string;
  readonly prompt: string;
  readonly maxOutputTokens: number;
  readonly facts: ExplanationFacts;
  /** Marked complex → the policy's complex model (Sonnet); otherwise Haiku. */
  readonly complex: boolean;
  readonly nowMs: number;
  readonly tools?: readonly ReasonerToolSpec[];
  readonly runTool?: ReasonerRequest['runTool'];
}

export interface Explanation {
  readonly text: string;
  readonly source: ExplanationSource;
  readonly modelId: string | null;
  /** Why the answer is not a fresh model answer when a model was configured (budget spent, model failed); null otherwise. */
  readonly degraded: string | null;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly toolRequests: readonly ReasonerToolRequest[];
}

/**
 * A meter that reserves each call's worst case in the ledger and settles its actual cost, both at
 * the price of `modelId` — the model the reasoner calls with this meter (its endpoint's rate:
 * global, geographic or in-Region).
 */
export function ledgerMeter(deps: ReasoningDeps, modelId: AllowedModelId): CallMeter {
  return {
    async reserve(inputTokensUpperBound, maxOutputTokens) {
      const worst = worstCaseCallMicroUsd(modelId, inputTokensUpperBound, maxOutputTokens);
      const result = await deps.ledger.reserve(REASONING_COMPONENT, worst, deps.caps);
      return result.status === 'reserved';
    },
    async settle(usage, reserved) {
      const worst = worstCaseCallMicroUsd(modelId, reserved.inputTokensUpperBound, reserved.maxOutputTokens);
      const actual = callCostMicroUsd(modelId, usage.inputTokens, usage.outputTokens);
      await deps.ledger.settle(REASONING_COMPONENT, actual - worst, usage);
    },
  };
}

async function offlineExplanation(
  deps: ReasoningDeps,
  request: ExplainRequest,
  degraded: string | null,
): Promise<Explanation> {
  const reply = await deps.offline.reason({
    modelId: 'offline',
    system: request.system,
    prompt: request.prompt,
    maxOutputTokens: request.maxOutputTokens,
    facts: request.facts,
  });
  const text = reply.status === 'answered' ? reply.text : '';
  const note =
    degraded === null
      ? ''
      : degraded === MODEL_UNAVAILABLE
        ? ` ${MODEL_UNAVAILABLE_NOTE}`
        : ` (${degraded}: offline answer)`;
  return {
    text: `${text}${note}`,
    source: ExplanationSource.offline,
    modelId: null,
    degraded,
    inputTokens: 0,
    outputTokens: 0,
    toolRequests: [],
  };
}

/** Explains one decision. Throws only when the cache or the ledger (storage) fails. */
export async function explain(deps: ReasoningDeps, request: ExplainRequest): Promise<Explanation> {
  if (deps.reasoner.kind === 'offline') return offlineExplanation(deps, request, null);

  const modelId = modelForRequest(deps.policy, request.complex);
  const hash = deps.hash(`${modelId}\n${request.system}\n${request.prompt}`);
  const cached = await deps.cache.get(request.clusterId, hash);
  const fresh =
    cached !== undefined &&
    request.nowMs - cached.createdAtMs < deps.cacheFreshMs &&
    request.nowMs >= cached.createdAtMs;
  await deps.ledger.countCacheLookup(fresh);
  if (fresh) {
    return {
      text: cached.text,
      source: ExplanationSource.cache,
      modelId: cached.modelId,
      degraded: null,
      inputTokens: 0,
      outputTokens: 0,
      toolRequests: [],
    };
  }

  let failure: string;
  try {
    const reply = await deps.reasoner.reason({
      modelId,
      system: request.system,
      prompt: request.prompt,
      maxOutputTokens: request.maxOutputTokens,
      facts: request.facts,
      meter: ledgerMeter(deps, modelId),
      ...(request.tools === undefined ? {} : { tools: request.tools }),
      ...(request.runTool === undefined ? {} : { runTool: request.runTool }),
    });
    if (reply.status === 'answered') {
      await deps.cache.put(request.clusterId, hash, {
        text: reply.text,
        modelId: reply.modelId,
        createdAtMs: request.nowMs,
      });
      return {
        text: reply.text,
        source: ExplanationSource.model,
        modelId: reply.modelId,
        degraded: null,
        inputTokens: reply.usage.inputTokens,
        outputTokens: reply.usage.outputTokens,
        toolRequests: reply.toolRequests,
      };
    }
    failure = `budget for ${REASONING_COMPONENT} spent`;
  } catch (error) {
    if (!(error instanceof ReasonerError)) throw error;
    failure = MODEL_UNAVAILABLE;
    deps.logger.warn(MODEL_UNAVAILABLE_EVENT, {
      clusterId: request.clusterId,
      modelId: error.modelId ?? modelId,
      errorClass: error.errorClass,
      reason: error.message,
      fallback: cached === undefined ? 'template' : 'cache',
    });
  }
  if (cached !== undefined) {
    const ageMinutes = Math.round((request.nowMs - cached.createdAtMs) / 60_000);
    return {
      text: `${cached.text} (${failure}: cached answer from ${ageMinutes} min ago)`,
      source: ExplanationSource.cache,
      modelId: cached.modelId,
      degraded: failure,
      inputTokens: 0,
      outputTokens: 0,
      toolRequests: [],
    };
  }
  return offlineExplanation(deps, request, failure);
}

import type { ActionScope, Tier } from '../../core/gating/gate-config.ts';
import type { WaitEstimate } from '../records/prediction-record.ts';

/** One tool the model may ask for, as a Bedrock Converse `toolSpec` (JSON schema input). */
export interface ReasonerToolSpec {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: Readonly<Record<string, unknown>>;
}

/** A tool call the model asked for in its reply. */
export interface ReasonerToolRequest {
  readonly toolUseId: string;
  readonly name: string;
  readonly input: unknown;
}

/** Token usage of one model call, as the model reported it. */
export interface ModelUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/**
 * The budget guard's hook around every model call: the adapter asks `reserve` with an upper bound
 * of the call's input tokens and its `maxTokens` BEFORE sending, and `settle`s the reported usage
 * after. `reserve` false → the call must not be made.
 */
export interface CallMeter {
  reserve(inputTokensUpperBound: number, maxOutputTokens: number): Promise<boolean>;
  settle(
    usage: ModelUsage,
    reserved: { readonly inputTokensUpperBound: number; readonly maxOutputTokens: number },
  ): Promise<void>;
}

/** Structured facts a reasoner explains; the offline reasoner writes its answer from these alone. */
export interface ExplanationFacts {
  readonly clusterId: string;
  readonly queuedJobs: number;
  readonly utilisationPercent: number;
  readonly requestedGpus: number;
  readonly probability: number;
  readonly waitEstimate: WaitEstimate | null;
  readonly scope: ActionScope;
  readonly tier: Tier | null;
  readonly intervention: string;
  readonly calibrated: boolean;
  readonly ece: number | null;
  readonly outcomeCount: number;
  readonly minOutcomes: number;
}

export interface ReasonerRequest {
  /** A model id already accepted by the model policy (never Opus). */ // policy-allow: opus-refusal
  readonly modelId: string;
  readonly system: string;
  readonly prompt: string;
  readonly maxOutputTokens: number;
  readonly facts: ExplanationFacts;
  /** Tools offered to the model (none: a plain answer). */
  readonly tools?: readonly ReasonerToolSpec[];
  /** Runs a tool the model asked for and returns its JSON result (a refusal is a result too). */
  readonly runTool?: (request: ReasonerToolRequest) => Promise<Readonly<Record<string, unknown>>>;
  /** Most model calls in one exchange (a tool-use round trip takes 2). */
  readonly maxCalls?: number;
  readonly meter?: CallMeter;
}

export type ReasonerReply =
  | {
      readonly status: 'answered';
      readonly text: string;
      readonly modelId: string;
      /** Sum over the exchange's calls; zero for the offline reasoner. */
      readonly usage: ModelUsage;
      readonly calls: number;
      /** Every tool the model asked for, in order. */
      readonly toolRequests: readonly ReasonerToolRequest[];
    }
  | { readonly status: 'budget_refused'; readonly calls: number };

/** Writes the words of an answer. Bedrock (Converse) or the offline templates; never decides. */
export interface Reasoner {
  readonly kind: 'bedrock' | 'offline';
  /** Throws `ReasonerError` when the model is unreachable or its output unusable. */
  reason(request: ReasonerRequest): Promise<ReasonerReply>;
}

/**
 * The prompts the agents send to a model: short, like the seed's
 * `Cluster c: 12 queued, 78% util. Predict wait.` Every field is bounded (ids truncated, counts
 * capped, waits in compact units), so each prompt has a fixed token ceiling whatever the input:
 * {@link PREDICTION_PROMPT_MAX_TOKENS} for a prediction explanation (system + user text), and
 * {@link QUESTION_PROMPT_MAX_TOKENS} for a copilot question. Tokens are {@link estimatedTokens}.
 */
import type { ActionScope } from '../gating/gate-config.ts';
import { estimatedTokens } from './token-estimate.ts';

/** Ceiling on system + prompt tokens of a prediction explanation (estimated as ceil(chars / 4)). */
export const PREDICTION_PROMPT_MAX_TOKENS = 60;
/** Ceiling on system + prompt tokens of a copilot question (the question is cut to QUESTION_MAX_CHARACTERS). */
export const QUESTION_PROMPT_MAX_TOKENS = 110;
/** Longest part of a question sent to the model. */
export const QUESTION_MAX_CHARACTERS = 160;
/** Output cap of an explanation: one sentence. */
export const EXPLANATION_MAX_OUTPUT_TOKENS = 80;
/** Longest cluster id shown in a prompt (ids up to 128 characters are legal). */
export const PROMPT_CLUSTER_ID_CHARACTERS = 24;

export const EXPLAIN_SYSTEM_PROMPT = 'Explain GPU queue waits in one short sentence. Never propose actions.';

/** What a prediction prompt states. */
export interface PromptFacts {
  readonly clusterId: string;
  readonly queuedJobs: number;
  /** GPU utilisation, percent in [0, 100]. */
  readonly utilisationPercent: number;
  readonly requestedGpus: number;
  /** P(long wait) in [0, 1]. */
  readonly probability: number;
  readonly waitPointSeconds: number | null;
  readonly waitLowerSeconds: number | null;
  readonly waitUpperSeconds: number | null;
  readonly scope: ActionScope;
}

const MAX_SHOWN_COUNT = 99_999;
const MAX_SHOWN_WAIT_SECONDS = 999 * 86_400;

/** A wait in compact units: `45s`, `25m`, `3.5h`, `12d` (capped at 999d; negative or non-finite → `?`). */
export function compactDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const capped = Math.min(seconds, MAX_SHOWN_WAIT_SECONDS);
  if (capped < 60) return `${Math.round(capped)}s`;
  if (capped < 3600) return `${Math.round(capped / 60)}m`;
  if (capped < 48 * 3600) return `${(capped / 3600).toFixed(1)}h`;
  return `${Math.round(capped / 86_400)}d`;
}

function shownCount(value: number): string {
  if (!Number.isFinite(value) || value < 0) return '?';
  return value > MAX_SHOWN_COUNT ? `${MAX_SHOWN_COUNT}+` : String(Math.round(value));
}

function shownId(clusterId: string): string {
  return clusterId.length > PROMPT_CLUSTER_ID_CHARACTERS
    ? `${clusterId.slice(0, PROMPT_CLUSTER_ID_CHARACTERS - 1)}…`
    : clusterId;
}

function shownPercent(value: number): string {
  if (!Number.isFinite(value)) return '?';
  return String(Math.round(Math.min(100, Math.max(0, value))));
}

/** `Cluster c: 12 queued, 78% util. 4-GPU job: P(long)=0.62, ~25m (12m-41m), notify. Explain wait.` */
export function predictionPrompt(facts: PromptFacts): string {
  const probability = Number.isFinite(facts.probability) ? Math.min(1, Math.max(0, facts.probability)).toFixed(2) : '?';
  const wait =
    facts.waitPointSeconds === null
      ? 'no wait model'
      : `~${compactDuration(facts.waitPointSeconds)} (${compactDuration(facts.waitLowerSeconds ?? Number.NaN)}-${compactDuration(facts.waitUpperSeconds ?? Number.NaN)})`;
  return (
    `Cluster ${shownId(facts.clusterId)}: ${shownCount(facts.queuedJobs)} queued, ${shownPercent(facts.utilisationPercent)}% util. ` +
    `${shownCount(facts.requestedGpus)}-GPU job: P(long)=${probability}, ${wait}, ${facts.scope}. Explain wait.`
  );
}

/** A copilot question with the prediction's facts: `Q: … | Cluster c: …`. The question is cut to QUESTION_MAX_CHARACTERS. */
export function questionPrompt(question: string, facts: PromptFacts): string {
  const trimmed = question.replace(/\s+/g, ' ').trim();
  const cut = trimmed.length > QUESTION_MAX_CHARACTERS ? `${trimmed.slice(0, QUESTION_MAX_CHARACTERS - 1)}…` : trimmed;
  return `Q: ${cut} | ${predictionPrompt(facts).replace(/ Explain wait\.$/, ' Answer briefly.')}`;
}

/** Estimated input tokens of a call with this system prompt and user prompt. */
export function promptTokens(system: string, prompt: string): number {
  return estimatedTokens(system) + estimatedTokens(prompt);
}

/**
 * Which Bedrock models the agents may call (seed: "Always use Haiku unless the task explicitly
 * requires deeper reasoning"; "Claude Opus: never use"). Policy as data: the allowed ids are a // policy-allow: opus-refusal
 * literal union, so an Opus id does not type-check where a model is chosen, and // policy-allow: opus-refusal
 * {@link parseModelId} refuses it at run time (configuration, requests) with a clear error.
 */
import { InvalidInputError } from '../errors.ts';
import { ModelFamily } from '../budget/price-table.ts';

/** Claude 3 Haiku: the model whose price the seed's table lists. The default for every agent. */
export const HAIKU_MODEL_ID = 'anthropic.claude-3-haiku-20240307-v1:0';

/** Sonnet models priced at the seed's Sonnet row; only for requests marked complex. */
export const SONNET_MODEL_IDS = [
  'anthropic.claude-3-sonnet-20240229-v1:0',
  'anthropic.claude-3-5-sonnet-20240620-v1:0',
  'anthropic.claude-3-5-sonnet-20241022-v2:0',
] as const;

type BaseModelId = typeof HAIKU_MODEL_ID | (typeof SONNET_MODEL_IDS)[number];
/** Cross-region inference profiles prefix the id with a geography. */
export const INFERENCE_PROFILE_PREFIXES = ['', 'us.', 'eu.', 'apac.'] as const;

/** Every model id the policy accepts. Opus ids are not members, so `const m: AllowedModelId = '…opus…'` fails to compile. */ // policy-allow: opus-refusal
export type AllowedModelId = `${(typeof INFERENCE_PROFILE_PREFIXES)[number]}${BaseModelId}`;

export interface ModelPolicy {
  /** Used for every request not marked complex. */
  readonly defaultModelId: AllowedModelId;
  /** Used only for requests marked complex. */
  readonly complexModelId: AllowedModelId;
}

export const DEFAULT_MODEL_POLICY: ModelPolicy = Object.freeze({
  defaultModelId: HAIKU_MODEL_ID,
  complexModelId: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
});

const OPUS_PATTERN = /opus/i; // policy-allow: opus-refusal

/** The price family of an allowed id. */
export function modelFamily(modelId: AllowedModelId): ModelFamily {
  return modelId.includes('haiku') ? ModelFamily.haiku : ModelFamily.sonnet;
}

/**
 * Accepts `text` when it is an allowed model id (optionally with an inference-profile prefix).
 *
 * @throws InvalidInputError for an Opus id ("never used", the seed's rule) or any id outside the // policy-allow: opus-refusal
 *   policy, naming the id and what is allowed.
 */
export function parseModelId(text: string): AllowedModelId {
  if (OPUS_PATTERN.test(text)) { // policy-allow: opus-refusal
    throw new InvalidInputError(`model '${text}' is refused: Opus is never used (seed cost rule); use Haiku, or Sonnet for complex requests`); // policy-allow: opus-refusal
  }
  const prefix = INFERENCE_PROFILE_PREFIXES.find((candidate) => candidate !== '' && text.startsWith(candidate)) ?? '';
  const base = text.slice(prefix.length);
  if (base === HAIKU_MODEL_ID || (SONNET_MODEL_IDS as readonly string[]).includes(base)) return text as AllowedModelId;
  throw new InvalidInputError(`model '${text}' is not allowed; expected ${HAIKU_MODEL_ID} or one of ${SONNET_MODEL_IDS.join(', ')}`);
}

/**
 * The policy with a configured default and complex model. A Sonnet id as the default is refused:
 * Haiku is the default for every agent.
 *
 * @throws InvalidInputError when either id is refused by {@link parseModelId}, or the default is not a Haiku id.
 */
export function modelPolicy(defaultModelId: string, complexModelId: string = DEFAULT_MODEL_POLICY.complexModelId): ModelPolicy {
  const defaultId = parseModelId(defaultModelId);
  if (modelFamily(defaultId) !== ModelFamily.haiku) {
    throw new InvalidInputError(`default model '${defaultModelId}' is not a Haiku model; Sonnet is only for requests marked complex`);
  }
  return Object.freeze({ defaultModelId: defaultId, complexModelId: parseModelId(complexModelId) });
}

/** Haiku unless the request is marked complex. */
export function modelForRequest(policy: ModelPolicy, complex: boolean): AllowedModelId {
  return complex ? policy.complexModelId : policy.defaultModelId;
}

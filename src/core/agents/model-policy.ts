/**
 * Which Bedrock models the agents may call (seed: "Always use Haiku unless the task explicitly
 * requires deeper reasoning"; "Claude Opus: never use"). Policy as data: a deliberately small // policy-allow: opus-refusal
 * allow-list of current models, a literal union of the ids that call them (plain foundation-model
 * ids and the cross-Region inference-profile ids `us.`, `eu.`, `apac.`, `global.`), so a refused
 * id does not type-check where a model is chosen, and {@link parseModelId} refuses it at run time
 * (configuration, requests) with a clear error naming what to use instead.
 *
 * Where the list comes from ({@link MODEL_LIST_AS_OF}): the Amazon Bedrock model cards and the
 * model lifecycle page, read on that date —
 * - Claude Haiku 5.5: https://docs.aws.amazon.com/bedrock/latest/userguide/model-card-anthropic-claude-haiku-5-5.md
 *   (launched 2026-10-07, lifecycle Active, EOL no sooner than 2027-10-07, 6-month Legacy period;
 *   bedrock-runtime id `anthropic.claude-haiku-5-5`, Converse supported);
 * - Claude Sonnet 5.5: https://platform.claude.com/docs/en/models/sonnet-5-5/overview ("Latest",
 *   Bedrock id `anthropic.claude-sonnet-5-5`; Claude Sonnet 5 is Legacy, Sonnet 4.5 retires 2026-11-30);
 * - lifecycle states and the `modelLifecycle` field `vgac doctor` reads:
 *   https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html.
 * The seed's models left this list: Claude 3 Haiku reached end of life on Bedrock on 2026-09-10
 * (its model card), Claude 3.5 Sonnet v1 on 2026-03-01; calls to them fail with
 * ResourceNotFoundException. Re-read the cards and bump MODEL_LIST_AS_OF when this list changes;
 * `vgac doctor` tells a deployer when a configured model has gone Legacy.
 */
import { InvalidInputError } from '../errors.ts';

/** The date the allow-list below was checked against Bedrock's model cards. */
export const MODEL_LIST_AS_OF = '2026-12-07';

/** Bedrock model families the system may call. Haiku is the default; Sonnet only for tasks marked complex. */
export const ModelFamily = { haiku: 'haiku', sonnet: 'sonnet' } as const;
export type ModelFamily = (typeof ModelFamily)[keyof typeof ModelFamily];

/**
 * Anthropic request fields a model needs through Converse's `additionalModelRequestFields`:
 * Haiku 5.5 thinks by default and may be told not to (`disabled`, per its model card); Sonnet 5.5
 * rejects `disabled` and its lowest setting is `between_tools` (no thinking before the first
 * answer). Thinking tokens are billed as output and count against `maxTokens`, so the short
 * explanations this system asks for must not spend them.
 */
export interface ModelRequestFields {
  readonly thinking: { readonly type: 'disabled' | 'between_tools' };
}

export interface AllowedModel {
  readonly foundationModelId: string;
  readonly family: ModelFamily;
  readonly name: string;
  readonly requestFields: ModelRequestFields;
}

/** The allow-list ({@link MODEL_LIST_AS_OF}): the current Haiku and the current Sonnet, nothing else. */
export const ALLOWED_MODELS = [
  {
    foundationModelId: 'anthropic.claude-haiku-5-5',
    family: ModelFamily.haiku,
    name: 'Claude Haiku 5.5',
    requestFields: { thinking: { type: 'disabled' } },
  },
  {
    foundationModelId: 'anthropic.claude-sonnet-5-5',
    family: ModelFamily.sonnet,
    name: 'Claude Sonnet 5.5',
    requestFields: { thinking: { type: 'between_tools' } },
  },
] as const satisfies readonly AllowedModel[];

export type FoundationModelId = (typeof ALLOWED_MODELS)[number]['foundationModelId'];

/** Cross-Region (system-defined) inference profiles prefix the foundation-model id with a geography. */
export const InferenceGeography = { us: 'us', eu: 'eu', apac: 'apac', global: 'global' } as const;
export type InferenceGeography = (typeof InferenceGeography)[keyof typeof InferenceGeography];

/** Every model id the policy accepts. A refused family is not a member, so `const m: AllowedModelId = '…opus…'` fails to compile. */ // policy-allow: opus-refusal
export type AllowedModelId = FoundationModelId | `${InferenceGeography}.${FoundationModelId}`;

/**
 * The Regions a US cross-Region inference profile may route a request to, each of which checks
 * the caller's permission on the foundation model there: template.yaml grants the profiles'
 * models in exactly these Regions (a test keeps them equal), and `vgac doctor` warns when a
 * profile routes anywhere else. Source: the US profile example of
 * https://docs.aws.amazon.com/bedrock/latest/userguide/geographic-cross-region-inference.html
 * ("the destination Regions are us-east-1, us-east-2, and us-west-2"), read {@link MODEL_LIST_AS_OF}.
 */
export const US_PROFILE_DESTINATION_REGIONS = ['us-east-1', 'us-east-2', 'us-west-2'] as const;

export const HAIKU_MODEL_ID = 'anthropic.claude-haiku-5-5' satisfies FoundationModelId;
export const SONNET_MODEL_ID = 'anthropic.claude-sonnet-5-5' satisfies FoundationModelId;

export interface ModelPolicy {
  /** Used for every request not marked complex. */
  readonly defaultModelId: AllowedModelId;
  /** Used only for requests marked complex. */
  readonly complexModelId: AllowedModelId;
}

/** Both through the US cross-Region inference profile (template.yaml grants exactly these profiles and their models). */
export const DEFAULT_MODEL_POLICY: ModelPolicy = Object.freeze({
  defaultModelId: `us.${HAIKU_MODEL_ID}`,
  complexModelId: `us.${SONNET_MODEL_ID}`,
});

const REFUSED_FAMILY_PATTERN = /opus/i; // policy-allow: opus-refusal
const GEOGRAPHIES: readonly string[] = Object.values(InferenceGeography);

/** What an allowed id calls: its foundation model and, for an inference-profile id, the profile's geography. */
export interface ModelTarget {
  readonly model: (typeof ALLOWED_MODELS)[number];
  /** `null` for a plain foundation-model id (in-Region). */
  readonly geography: InferenceGeography | null;
}

function allowedList(): string {
  return ALLOWED_MODELS.map((model) => `${model.foundationModelId} (${model.name})`).join(', ');
}

/**
 * Accepts `text` when it is an allowed model id: a foundation-model id of {@link ALLOWED_MODELS},
 * optionally prefixed by an inference-profile geography (`us.`, `eu.`, `apac.`, `global.`).
 * Ids are case-sensitive, as Bedrock's are.
 *
 * @throws InvalidInputError for any id of the refused family in any form — plain, prefixed, in an // policy-allow: opus-refusal
 *   ARN, any casing — ("never used", the seed's rule); for an ARN (name the model by id so the
 *   policy can see it); and for any other id, naming the id and what is allowed.
 */
export function parseModelId(text: string): AllowedModelId {
  return resolveModel(text).id;
}

/** {@link parseModelId} with what the id calls. */
export function resolveModel(text: string): ModelTarget & { readonly id: AllowedModelId } {
  const shown = text.slice(0, 200);
  if (REFUSED_FAMILY_PATTERN.test(text)) {
    const instead = `use ${DEFAULT_MODEL_POLICY.defaultModelId}, or ${DEFAULT_MODEL_POLICY.complexModelId} for complex requests`;
    throw new InvalidInputError(`model '${shown}' is refused: Opus is never used (seed cost rule); ${instead}`); // policy-allow: opus-refusal
  }
  if (text.startsWith('arn:')) {
    throw new InvalidInputError(
      `model '${shown}' is an ARN; give the model or inference-profile id instead (e.g. ${DEFAULT_MODEL_POLICY.defaultModelId})`,
    );
  }
  const dot = text.indexOf('.');
  const head = dot < 0 ? '' : text.slice(0, dot);
  const geography = GEOGRAPHIES.includes(head) ? (head as InferenceGeography) : null;
  const base = geography === null ? text : text.slice(dot + 1);
  const model = ALLOWED_MODELS.find((candidate) => candidate.foundationModelId === base);
  if (model === undefined) {
    throw new InvalidInputError(
      `model '${shown}' is not allowed (allow-list of ${MODEL_LIST_AS_OF}); expected one of ${allowedList()}, optionally prefixed by us., eu., apac. or global.`,
    );
  }
  return { id: text as AllowedModelId, model, geography };
}

/** The price family of an allowed id. */
export function modelFamily(modelId: AllowedModelId): ModelFamily {
  return resolveModel(modelId).model.family;
}

/**
 * The policy with a configured default and complex model. A Sonnet id as the default is refused:
 * Haiku is the default for every agent.
 *
 * @throws InvalidInputError when either id is refused by {@link parseModelId}, or the default is not a Haiku id.
 */
export function modelPolicy(
  defaultModelId: string,
  complexModelId: string = DEFAULT_MODEL_POLICY.complexModelId,
): ModelPolicy {
  const defaultId = parseModelId(defaultModelId);
  if (modelFamily(defaultId) !== ModelFamily.haiku) {
    throw new InvalidInputError(
      `default model '${defaultModelId}' is not a Haiku model; Sonnet is only for requests marked complex (use ${DEFAULT_MODEL_POLICY.defaultModelId})`,
    );
  }
  return Object.freeze({ defaultModelId: defaultId, complexModelId: parseModelId(complexModelId) });
}

/** Haiku unless the request is marked complex. */
export function modelForRequest(policy: ModelPolicy, complex: boolean): AllowedModelId {
  return complex ? policy.complexModelId : policy.defaultModelId;
}

/** The foundation-model id behind an allowed id (the id itself when it names no profile). */
export function foundationModelOf(modelId: AllowedModelId): FoundationModelId {
  return resolveModel(modelId).model.foundationModelId;
}

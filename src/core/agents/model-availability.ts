/**
 * Whether a configured model can be called today, from what Bedrock's control plane says about it
 * (`vgac doctor`): an inference-profile id needs its profile ACTIVE in the Region
 * (GetInferenceProfile) and the profile's foundation model ACTIVE, not LEGACY
 * (GetFoundationModel's `modelLifecycle.status`); a plain id needs only the latter. A US profile
 * must route only to the Regions template.yaml grants ({@link US_PROFILE_DESTINATION_REGIONS}).
 * Pure: the lookups arrive as data. Lifecycle states:
 * https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html
 */
import { MODEL_LIST_AS_OF, US_PROFILE_DESTINATION_REGIONS, resolveModel, type AllowedModelId } from './model-policy.ts';

/** What a control-plane lookup found, or why it found nothing. */
export type CatalogLookup<T> =
  | { readonly status: 'found'; readonly value: T }
  | { readonly status: 'not_found'; readonly detail: string }
  | { readonly status: 'access_denied'; readonly detail: string };

export interface InferenceProfileInfo {
  /** `ACTIVE` is the only status Bedrock documents for a usable profile. */
  readonly status: string;
  /** The foundation-model ARNs the profile routes to, one per destination Region. */
  readonly modelArns: readonly string[];
}

export interface FoundationModelInfo {
  /** `ACTIVE` or `LEGACY`. */
  readonly lifecycleStatus: string;
  /** When the model entered (or enters) Legacy, ISO date; null when Bedrock gives none. */
  readonly legacyOn: string | null;
  /** When the model reaches end of life, ISO date; null when Bedrock gives none. */
  readonly endOfLifeOn: string | null;
}

export const Availability = {
  active: 'active',
  legacy: 'legacy',
  notFound: 'not_found',
  accessDenied: 'access_denied',
  inactiveProfile: 'inactive_profile',
  ungrantedRegions: 'ungranted_regions',
} as const;
export type Availability = (typeof Availability)[keyof typeof Availability];

export interface ModelAvailability {
  /** The variable the id came from, e.g. `VGAC_BEDROCK_MODEL_ID`. */
  readonly setting: string;
  readonly modelId: AllowedModelId;
  readonly name: string;
  readonly status: Availability;
  /** The profile's status, or null for a plain id or a profile that could not be read. */
  readonly profileStatus: string | null;
  /** The Regions the profile routes to (from its model ARNs), sorted. */
  readonly routedRegions: readonly string[];
  /** The foundation model's lifecycle status, or null when it could not be read. */
  readonly lifecycle: string | null;
  readonly legacyOn: string | null;
  readonly endOfLifeOn: string | null;
  /** One sentence: what was found and, unless active, what to do. */
  readonly message: string;
}

export interface AvailabilityInput {
  readonly setting: string;
  readonly modelId: AllowedModelId;
  readonly region: string;
  /** Null for a plain foundation-model id. */
  readonly profile: CatalogLookup<InferenceProfileInfo> | null;
  /** Null when the profile lookup failed (nothing to look up). */
  readonly foundationModel: CatalogLookup<FoundationModelInfo> | null;
}

const LIFECYCLE_PAGE = 'https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html';
const ARN_REGION = /^arn:[^:]+:bedrock:([^:]*):/;

/** The Region of each ARN (empty for a Region-less global ARN), distinct and sorted. */
export function regionsOf(modelArns: readonly string[]): string[] {
  return [...new Set(modelArns.map((arn) => ARN_REGION.exec(arn)?.[1] ?? '?'))].sort();
}

/**
 * The verdict on one configured model. Never throws for any lookup result.
 * Order of checks: the profile (missing, unreadable, not ACTIVE, routing outside the granted
 * Regions), then the foundation model (missing, unreadable, LEGACY).
 */
export function judgeModelAvailability(input: AvailabilityInput): ModelAvailability {
  const { model, geography } = resolveModel(input.modelId);
  const label = `${input.modelId} (${model.name})`;
  const replace = `set ${input.setting} to the current Claude ${model.family === 'haiku' ? 'Haiku' : 'Sonnet'} on Bedrock's model lifecycle page (${LIFECYCLE_PAGE}) and add it to the allow-list in src/core/agents/model-policy.ts (checked ${MODEL_LIST_AS_OF})`;
  const base = {
    setting: input.setting,
    modelId: input.modelId,
    name: model.name,
    profileStatus: null,
    routedRegions: [] as string[],
    lifecycle: null,
    legacyOn: null,
    endOfLifeOn: null,
  };
  let profileStatus: string | null = null;
  let routedRegions: string[] = [];

  if (input.profile !== null) {
    if (input.profile.status === 'not_found') {
      return {
        ...base,
        status: Availability.notFound,
        message: `inference profile ${label} not found in ${input.region} (${input.profile.detail}): it is not offered from this Region or its model reached end of life; deploy in a Region that offers it, or ${replace}`,
      };
    }
    if (input.profile.status === 'access_denied') {
      return {
        ...base,
        status: Availability.accessDenied,
        message: `reading inference profile ${label} in ${input.region} was denied (${input.profile.detail}): the credentials vgac doctor runs with need bedrock:GetInferenceProfile and bedrock:GetFoundationModel`,
      };
    }
    profileStatus = input.profile.value.status;
    routedRegions = regionsOf(input.profile.value.modelArns);
    if (profileStatus !== 'ACTIVE') {
      return {
        ...base,
        profileStatus,
        routedRegions,
        status: Availability.inactiveProfile,
        message: `inference profile ${label} is ${profileStatus}, not ACTIVE, in ${input.region}: ${replace}`,
      };
    }
    const granted: readonly string[] = US_PROFILE_DESTINATION_REGIONS;
    const ungranted = geography === 'us' ? routedRegions.filter((region) => !granted.includes(region)) : [];
    if (ungranted.length > 0) {
      return {
        ...base,
        profileStatus,
        routedRegions,
        status: Availability.ungrantedRegions,
        message: `inference profile ${label} routes to ${ungranted.join(', ')}, where template.yaml grants no InvokeModel (it grants ${granted.join(', ')}): requests routed there fail with AccessDeniedException; add those Regions to US_PROFILE_DESTINATION_REGIONS and the template`,
      };
    }
  }

  const found = input.foundationModel;
  if (found === null || found.status === 'not_found') {
    return {
      ...base,
      profileStatus,
      routedRegions,
      status: Availability.notFound,
      message: `foundation model ${model.foundationModelId} of ${label} not found in ${input.region}${found === null ? '' : ` (${found.detail})`}: ${replace}`,
    };
  }
  if (found.status === 'access_denied') {
    return {
      ...base,
      profileStatus,
      routedRegions,
      status: Availability.accessDenied,
      message: `reading foundation model ${model.foundationModelId} in ${input.region} was denied (${found.detail}): the credentials vgac doctor runs with need bedrock:GetFoundationModel`,
    };
  }
  const { lifecycleStatus, legacyOn, endOfLifeOn } = found.value;
  const described = { ...base, profileStatus, routedRegions, lifecycle: lifecycleStatus, legacyOn, endOfLifeOn };
  if (lifecycleStatus !== 'ACTIVE') {
    const dates = [
      legacyOn === null ? '' : `legacy since ${legacyOn}`,
      endOfLifeOn === null ? '' : `end of life ${endOfLifeOn}`,
    ]
      .filter((part) => part !== '')
      .join(', ');
    return {
      ...described,
      status: Availability.legacy,
      message: `model ${label} is ${lifecycleStatus} in ${input.region}${dates === '' ? '' : ` (${dates})`}: ${replace}`,
    };
  }
  const routing = routedRegions.length === 0 ? '' : `, profile ACTIVE, routes to ${routedRegions.join(', ')}`;
  return {
    ...described,
    status: Availability.active,
    message: `model ${label} is ACTIVE in ${input.region}${routing}`,
  };
}

/**
 * AWS on-demand prices for the services this system uses, as data (SPEC: "the seed's price table
 * … are data in the code, not prose"). Region us-east-1, arm64 Lambda, standard tiers; the
 * first price tier only (this system never leaves it).
 *
 * Bedrock: the seed's table (`seed/aws-constraints.md`, {@link SEED_MODEL_PRICES}) holds Claude 3
 * Haiku's prices ($0.00025 / $0.00125 per 1K tokens) and Claude 3.x Sonnet's — models that reached
 * end of life on Bedrock (Claude 3 Haiku on 2026-09-10). The seed's rule stays (Haiku by default,
 * Sonnet only for complex requests, never the refused family); costs are projected and budgeted
 * with the prices of the models actually called ({@link BEDROCK_MODEL_PRICES}, dated
 * {@link MODEL_PRICES_AS_OF}), so the allocations are spent on what Bedrock really bills.
 *
 * Prices change: re-check them against the pages named in PRICE_SOURCE and MODEL_PRICE_SOURCE
 * before relying on a projection, and bump the matching date when you do.
 */
import {
  DEFAULT_MODEL_POLICY,
  ModelFamily,
  resolveModel,
  type AllowedModelId,
  type FoundationModelId,
  type ModelPolicy,
} from '../agents/model-policy.ts';

/** The month the non-Bedrock prices were taken from AWS's public pricing pages. */
export const PRICES_AS_OF = '2025-06';

export const PRICE_SOURCE =
  'AWS public pricing pages for us-east-1 (aws.amazon.com/{lambda,api-gateway,dynamodb,s3,sns,step-functions,cloudwatch,xray}/pricing), ' +
  'first tier, on-demand; Bedrock model prices: see MODEL_PRICE_SOURCE';

/** The day the Bedrock model prices below were checked. */
export const MODEL_PRICES_AS_OF = '2026-12-07';

export const MODEL_PRICE_SOURCE =
  'Claude Haiku 5.5 $0.10 / $0.50 and Claude Sonnet 5.5 $2 / $10 per million input / output tokens ' +
  '(platform.claude.com/docs/en/models/haiku-5-5/overview, platform.claude.com/docs/en/models/sonnet-5-5/overview; ' +
  'Haiku 5.5 bills a whole request at 5x above 100K input tokens); those are the global cross-Region rates, and ' +
  'geographic profiles (us., eu., apac.) and in-Region calls cost about 10 % more ' +
  '(docs.aws.amazon.com/bedrock/latest/userguide/global-cross-region-inference.html, "approximately 10% savings")';

/** The day the Bedrock AgentCore Runtime prices below were checked. */
export const AGENTCORE_PRICES_AS_OF = '2026-12-07';

export const AGENTCORE_PRICE_SOURCE =
  'Amazon Bedrock AgentCore Runtime, us-east-1: $0.0895 per vCPU-hour and $0.00945 per GB-hour, per second of use ' +
  '(aws.amazon.com/bedrock/agentcore/pricing). CPU is billed only while the microVM computes (waiting on I/O, e.g. a model ' +
  'call, is not billed as CPU); memory is billed on the peak memory of each second the session is alive. No free tier.';

/** Bedrock model families the system may call (defined with the model policy). */
export { ModelFamily };

export interface ModelPrice {
  /** USD per 1,000 input tokens. */
  readonly inputUsdPer1kTokens: number;
  /** USD per 1,000 output tokens. */
  readonly outputUsdPer1kTokens: number;
}

export interface PriceTable {
  readonly lambda: {
    readonly usdPerMillionRequests: number;
    /** arm64 (Graviton) compute, USD per GB-second. */
    readonly usdPerGbSecondArm64: number;
  };
  readonly apiGatewayHttp: { readonly usdPerMillionRequests: number };
  readonly dynamodb: {
    /** On-demand write request units (one per ≤ 1 KB written). */
    readonly usdPerMillionWriteRequestUnits: number;
    /** On-demand read request units (one per strongly consistent ≤ 4 KB read; half for eventually consistent). */
    readonly usdPerMillionReadRequestUnits: number;
    readonly usdPerGbMonth: number;
    /** Point-in-time recovery (continuous backups), charged on table size. */
    readonly usdPerGbMonthPitr: number;
  };
  readonly s3: {
    readonly usdPerGbMonth: number;
    /** PUT, COPY, POST, LIST requests. */
    readonly usdPerThousandPutRequests: number;
    /** GET, SELECT and other read requests. */
    readonly usdPerThousandGetRequests: number;
  };
  readonly sns: { readonly usdPerMillionPublishes: number };
  readonly stepFunctions: { readonly usdPerThousandStandardTransitions: number };
  readonly cloudwatch: {
    readonly usdPerCustomMetricMonth: number;
    readonly usdPerDashboardMonth: number;
    /** Standard-resolution alarms; a metric-math alarm is charged once per metric it reads. */
    readonly usdPerAlarmMetricMonth: number;
    readonly usdPerGbLogsIngested: number;
    readonly usdPerGbMonthLogsStored: number;
  };
  readonly xray: { readonly usdPerMillionTracesRecorded: number };
  /** Bedrock AgentCore Runtime ({@link AGENTCORE_PRICE_SOURCE}, {@link AGENTCORE_PRICES_AS_OF}). */
  readonly agentCore: {
    /** Active CPU, USD per vCPU-hour. */
    readonly usdPerVcpuHour: number;
    /** Memory, USD per GB-hour. */
    readonly usdPerGbHour: number;
  };
  /** The per-call prices a projection uses for each family: those of the models the policy calls ({@link pricesForPolicy}). */
  readonly bedrock: Readonly<Record<ModelFamily, ModelPrice>>;
}

/** One model's Bedrock prices by endpoint kind. */
export interface ModelPriceSchedule {
  /** Called through the global cross-Region inference profile (`global.` id). */
  readonly global: ModelPrice;
  /** Called through a geographic profile (`us.`, `eu.`, `apac.`) or in-Region (plain id). */
  readonly regional: ModelPrice;
  /** Requests with more than `aboveInputTokens` input tokens are billed whole at `multiplier` × these prices. */
  readonly longContext?: { readonly aboveInputTokens: number; readonly multiplier: number };
}

/** Prices of the allowed models ({@link MODEL_PRICES_AS_OF}, {@link MODEL_PRICE_SOURCE}). */
export const BEDROCK_MODEL_PRICES: Readonly<Record<FoundationModelId, ModelPriceSchedule>> = deepFreeze({
  'anthropic.claude-haiku-5-5': {
    global: { inputUsdPer1kTokens: 0.0001, outputUsdPer1kTokens: 0.0005 },
    regional: { inputUsdPer1kTokens: 0.00011, outputUsdPer1kTokens: 0.00055 },
    longContext: { aboveInputTokens: 100_000, multiplier: 5 },
  },
  'anthropic.claude-sonnet-5-5': {
    global: { inputUsdPer1kTokens: 0.002, outputUsdPer1kTokens: 0.01 },
    regional: { inputUsdPer1kTokens: 0.0022, outputUsdPer1kTokens: 0.011 },
  },
});

/**
 * The seed's Bedrock table, kept as the record of what its allocation was sized on: Claude 3
 * Haiku's prices (the "Claude Haiku" row) and Claude 3.x Sonnet's. Neither model can be called
 * any more; nothing is priced with these.
 */
export const SEED_MODEL_PRICES: Readonly<Record<ModelFamily, ModelPrice & { readonly seedModel: string }>> = deepFreeze(
  {
    haiku: {
      seedModel: 'Claude 3 Haiku (end of life on Bedrock 2026-09-10)',
      inputUsdPer1kTokens: 0.00025,
      outputUsdPer1kTokens: 0.00125,
    },
    sonnet: {
      seedModel: 'Claude 3 / 3.5 Sonnet (end of life on Bedrock)',
      inputUsdPer1kTokens: 0.003,
      outputUsdPer1kTokens: 0.015,
    },
  },
);

/**
 * The price per 1K tokens of one call to `modelId` that reads `inputTokens` input tokens: the
 * global or regional rate by the id's endpoint, times the long-context multiplier when the call's
 * input passes the model's threshold.
 */
export function modelPrice(modelId: AllowedModelId, inputTokens = 0): ModelPrice {
  const { model, geography } = resolveModel(modelId);
  const schedule = BEDROCK_MODEL_PRICES[model.foundationModelId];
  const base = geography === 'global' ? schedule.global : schedule.regional;
  const multiplier =
    schedule.longContext !== undefined && inputTokens > schedule.longContext.aboveInputTokens
      ? schedule.longContext.multiplier
      : 1;
  return {
    inputUsdPer1kTokens: base.inputUsdPer1kTokens * multiplier,
    outputUsdPer1kTokens: base.outputUsdPer1kTokens * multiplier,
  };
}

/** `prices` with the per-family Bedrock prices of the models `policy` calls (Haiku: its default, Sonnet: its complex model). */
export function pricesForPolicy(prices: PriceTable, policy: ModelPolicy): PriceTable {
  return deepFreeze({
    ...prices,
    bedrock: { haiku: modelPrice(policy.defaultModelId), sonnet: modelPrice(policy.complexModelId) },
  });
}

export const US_EAST_1_PRICES: PriceTable = deepFreeze({
  lambda: { usdPerMillionRequests: 0.2, usdPerGbSecondArm64: 0.0000133334 },
  apiGatewayHttp: { usdPerMillionRequests: 1.0 },
  dynamodb: {
    usdPerMillionWriteRequestUnits: 0.625,
    usdPerMillionReadRequestUnits: 0.125,
    usdPerGbMonth: 0.25,
    usdPerGbMonthPitr: 0.2,
  },
  s3: { usdPerGbMonth: 0.023, usdPerThousandPutRequests: 0.005, usdPerThousandGetRequests: 0.0004 },
  sns: { usdPerMillionPublishes: 0.5 },
  stepFunctions: { usdPerThousandStandardTransitions: 0.025 },
  cloudwatch: {
    usdPerCustomMetricMonth: 0.3,
    usdPerDashboardMonth: 3.0,
    usdPerAlarmMetricMonth: 0.1,
    usdPerGbLogsIngested: 0.5,
    usdPerGbMonthLogsStored: 0.03,
  },
  xray: { usdPerMillionTracesRecorded: 5.0 },
  agentCore: { usdPerVcpuHour: 0.0895, usdPerGbHour: 0.00945 },
  // The default policy's models through the US profile: Haiku 5.5 and Sonnet 5.5 at the regional rate.
  bedrock: {
    haiku: modelPrice(DEFAULT_MODEL_POLICY.defaultModelId),
    sonnet: modelPrice(DEFAULT_MODEL_POLICY.complexModelId),
  },
});

/**
 * Models the seed forbids, with the seed's price, so a refusal can say what it saved. Never
 * part of a PriceTable: nothing can be projected or budgeted for them.
 */
export const REFUSED_MODEL_PRICES: Readonly<Record<string, ModelPrice>> = deepFreeze({
  'claude-opus': { inputUsdPer1kTokens: 0.015, outputUsdPer1kTokens: 0.075 }, // policy-allow: opus-refusal
});

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null) deepFreeze(child as object);
  }
  return Object.freeze(value);
}

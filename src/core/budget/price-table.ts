/**
 * AWS on-demand prices for the services this system uses, as data (SPEC: "the seed's price table
 * … are data in the code, not prose"). Region us-east-1, arm64 Lambda, standard tiers; the
 * first price tier only (this system never leaves it). Bedrock prices are the seed's
 * (`seed/aws-constraints.md`), which are binding for budgeting.
 *
 * Prices change: re-check them against the pages named in PRICE_SOURCE before relying on a
 * projection, and bump PRICES_AS_OF when you do.
 */

/** The month the non-Bedrock prices were taken from AWS's public pricing pages. */
export const PRICES_AS_OF = '2025-06';

export const PRICE_SOURCE =
  'AWS public pricing pages for us-east-1 (aws.amazon.com/{lambda,api-gateway,dynamodb,s3,sns,step-functions,cloudwatch,xray}/pricing), ' +
  'first tier, on-demand; Bedrock per-1K-token prices from seed/aws-constraints.md';

/** Bedrock model families the system may call. Haiku is the default; Sonnet only for tasks marked complex. */
export const ModelFamily = { haiku: 'haiku', sonnet: 'sonnet' } as const;
export type ModelFamily = (typeof ModelFamily)[keyof typeof ModelFamily];

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
  readonly bedrock: Readonly<Record<ModelFamily, ModelPrice>>;
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
  bedrock: {
    haiku: { inputUsdPer1kTokens: 0.00025, outputUsdPer1kTokens: 0.00125 },
    sonnet: { inputUsdPer1kTokens: 0.003, outputUsdPer1kTokens: 0.015 },
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

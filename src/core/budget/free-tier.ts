/**
 * The AWS free tier from the seed's table (`seed/aws-constraints.md`), as data, with what each
 * allowance really covers. Two facts the seed's table does not state but a projection must
 * respect:
 * - some allowances last only 12 months from account creation (API Gateway, S3); accounts
 *   opened after 15 July 2025 get free-plan credits instead of them. `alwaysFreeOnly` drops them;
 * - DynamoDB's "25 RCU/WCU" is provisioned capacity. This stack is on-demand (the seed forbids
 *   provisioned capacity), so its request units get no free allowance; only the 25 GB does.
 * The CloudWatch dashboard and alarm allowances are AWS's always-free tier, not in the seed.
 */

export const FreeTierExpiry = { never: 'never', twelveMonths: '12_months' } as const;
export type FreeTierExpiry = (typeof FreeTierExpiry)[keyof typeof FreeTierExpiry];

export interface FreeAllowance {
  /** Free quantity per month, in `unit`. */
  readonly quantity: number;
  readonly unit: string;
  readonly expiry: FreeTierExpiry;
}

export interface FreeTier {
  readonly lambdaRequests: FreeAllowance;
  readonly lambdaGbSeconds: FreeAllowance;
  readonly apiRequests: FreeAllowance;
  readonly dynamoStorageGb: FreeAllowance;
  /** On-demand request units: always 0 (the seed's 25 RCU/WCU apply to provisioned mode only). */
  readonly dynamoRequestUnits: FreeAllowance;
  readonly s3StorageGb: FreeAllowance;
  readonly s3GetRequests: FreeAllowance;
  readonly s3PutRequests: FreeAllowance;
  readonly snsPublishes: FreeAllowance;
  readonly stateTransitions: FreeAllowance;
  readonly cloudwatchCustomMetrics: FreeAllowance;
  readonly cloudwatchDashboards: FreeAllowance;
  readonly cloudwatchAlarmMetrics: FreeAllowance;
  /** The seed's "5GB logs"; applied to ingestion, the larger of the two log charges. */
  readonly cloudwatchLogsGb: FreeAllowance;
  readonly xrayTraces: FreeAllowance;
}

const never = FreeTierExpiry.never;
const twelveMonths = FreeTierExpiry.twelveMonths;

export const SEED_FREE_TIER: FreeTier = freezeTier({
  lambdaRequests: { quantity: 1_000_000, unit: 'requests', expiry: never },
  lambdaGbSeconds: { quantity: 400_000, unit: 'GB-seconds', expiry: never },
  apiRequests: { quantity: 1_000_000, unit: 'requests', expiry: twelveMonths },
  dynamoStorageGb: { quantity: 25, unit: 'GB-month', expiry: never },
  dynamoRequestUnits: { quantity: 0, unit: 'request units', expiry: never },
  s3StorageGb: { quantity: 5, unit: 'GB-month', expiry: twelveMonths },
  s3GetRequests: { quantity: 20_000, unit: 'requests', expiry: twelveMonths },
  s3PutRequests: { quantity: 2_000, unit: 'requests', expiry: twelveMonths },
  snsPublishes: { quantity: 1_000_000, unit: 'publishes', expiry: never },
  stateTransitions: { quantity: 4_000, unit: 'transitions', expiry: never },
  cloudwatchCustomMetrics: { quantity: 10, unit: 'metrics', expiry: never },
  cloudwatchDashboards: { quantity: 3, unit: 'dashboards', expiry: never },
  cloudwatchAlarmMetrics: { quantity: 10, unit: 'alarm metrics', expiry: never },
  cloudwatchLogsGb: { quantity: 5, unit: 'GB', expiry: never },
  xrayTraces: { quantity: 100_000, unit: 'traces', expiry: never },
});

/** The same tier with every 12-month allowance set to zero: the steady state after the first year. */
export function alwaysFreeOnly(freeTier: FreeTier): FreeTier {
  return mapTier(freeTier, (allowance) =>
    allowance.expiry === FreeTierExpiry.never ? allowance : { ...allowance, quantity: 0 },
  );
}

/** No free tier at all: gross cost. */
export function noFreeTier(freeTier: FreeTier): FreeTier {
  return mapTier(freeTier, (allowance) => ({ ...allowance, quantity: 0 }));
}

function mapTier(tier: FreeTier, change: (allowance: FreeAllowance) => FreeAllowance): FreeTier {
  const result = {} as Record<keyof FreeTier, FreeAllowance>;
  for (const key of Object.keys(tier) as (keyof FreeTier)[]) result[key] = change(tier[key]);
  return freezeTier(result);
}

function freezeTier(tier: FreeTier): FreeTier {
  for (const allowance of Object.values(tier) as FreeAllowance[]) Object.freeze(allowance);
  return Object.freeze(tier);
}

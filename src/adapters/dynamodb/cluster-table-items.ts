/**
 * Encoding between the domain records of `ports.ts` and the plain items the DynamoDB document
 * client stores. One zod schema per record checks it on the way in (bad input →
 * `InvalidInputError` naming the field) and on the way out (a corrupt stored item →
 * `InfrastructureError`), so nothing unvalidated crosses the boundary in either direction.
 */
import { z } from 'zod';
import type { CalibrationRecord } from '../../app/records/calibration-record.ts';
import type { ClusterProfile } from '../../app/records/cluster-profile.ts';
import type { ConformalRecord } from '../../app/records/conformal-record.ts';
import type { Outcome, PredictionRecord } from '../../app/records/prediction-record.ts';
import { InfrastructureError } from '../../app/errors.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { ActionScope, CalibrationState, DriftStatus, Tier } from '../../core/gating/gate-config.ts';

/**
 * Smallest non-zero magnitude a DynamoDB number holds (1E-130). Smaller magnitudes are stored as 0:
 * a probability of 1e-140 and 0 are the same decision.
 */
export const DYNAMO_MIN_MAGNITUDE = 1e-130;
/**
 * Largest magnitude accepted: the document client refuses numbers beyond
 * `Number.MAX_SAFE_INTEGER` on write (and would read them back as BigInt), far inside DynamoDB's
 * own range (±9.99…E+125). Counts, seconds and epoch milliseconds all fit.
 */
export const MAX_NUMBER_MAGNITUDE = Number.MAX_SAFE_INTEGER;

const finite = z.number().finite().min(-MAX_NUMBER_MAGNITUDE).max(MAX_NUMBER_MAGNITUDE);
const nonNegative = finite.min(0);
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const probability = z.number().min(0).max(1);
const epochMs = count;

export const OutcomeSchema = z.object({
  waitSeconds: nonNegative,
  longWait: z.boolean(),
  observedAtMs: epochMs,
});

const WaitEstimateSchema = z.object({
  pointSeconds: nonNegative,
  lowerSeconds: nonNegative,
  upperSeconds: nonNegative,
  coverage: z.number().gt(0).lt(1),
});

export const PredictionRecordSchema = z.object({
  clusterId: z.string(),
  jobId: z.string(),
  predictedAtMs: epochMs,
  features: z.record(z.string(), z.union([finite, z.string()])),
  rawScore: finite,
  probability,
  waitEstimate: WaitEstimateSchema.nullable(),
  scope: z.enum(ActionScope),
  tier: z.enum(Tier).nullable(),
  bundleVersion: count,
  outcome: OutcomeSchema.optional(),
  waitBase: z.object({ lowerSeconds: nonNegative, upperSeconds: nonNegative }).optional(),
  waitBin: count.optional(),
});

export const CalibrationRecordSchema = z.object({
  clusterId: z.string(),
  ece: probability.nullable(),
  eceLower: probability.nullable(),
  eceUpper: probability.nullable(),
  auroc: probability.nullable(),
  brier: probability.nullable(),
  lastKnownGoodEce: probability,
  score: probability.nullable(),
  sampleCount: count,
  outcomeCount: count,
  outcomesAtLastRecompute: count,
  state: z.enum(CalibrationState),
  scope: z.enum(ActionScope),
  driftStatus: z.enum(DriftStatus),
  qualifiedTiers: z.array(z.enum(Tier)),
  activeBundleVersion: count,
  latestBundleVersion: count,
  outcomesAtActivation: count,
  recalibrations: count,
  retrains: count,
  version: count,
  updatedAtMs: epochMs,
  // Feature drift (PSI helper): optional so that items written before it still decode.
  maxFeaturePsi: nonNegative.nullable().optional(),
  maxPsiFeature: z.string().min(1).nullable().optional(),
  // Per-class gate rule (class-guard helper): optional so that items written before it still decode.
  windowLongWaits: count.optional(),
});

export const ClusterProfileSchema = z.object({
  clusterId: z.string(),
  platform: z.enum(['slurm', 'kubernetes', 'batch', 'swf', 'other']),
  queueDepthMean: nonNegative,
  queueDepthMax: nonNegative,
  utilisationMean: nonNegative,
  typicalWaitSeconds: nonNegative.nullable(),
  longWaitThresholdSeconds: nonNegative.nullable(),
  peakHoursUtc: z.array(z.number().int().min(0).max(23)),
  createdAtMs: epochMs,
  updatedAtMs: epochMs,
});

/** The conformal item (issue 7); its windows are stored packed (see dynamo-cluster-store.ts), validated here as numbers. */
export const ConformalRecordSchema = z.object({
  clusterId: z.string(),
  alpha: finite,
  scoredOutcomes: count,
  misses: count,
  probabilities: z.array(probability),
  bins: z.array(z.number().int().min(0).max(255)),
  waitsSeconds: z.array(nonNegative),
  scores: z.array(finite),
  version: count,
  updatedAtMs: epochMs,
});

// Compile-time proof that each schema produces exactly the port's type.
const _typeChecks: [
  (value: z.infer<typeof PredictionRecordSchema>) => PredictionRecord,
  (value: z.infer<typeof CalibrationRecordSchema>) => CalibrationRecord,
  (value: z.infer<typeof ClusterProfileSchema>) => ClusterProfile,
  (value: z.infer<typeof OutcomeSchema>) => Outcome,
  (value: z.infer<typeof ConformalRecordSchema>) => ConformalRecord,
] = [(value) => value, (value) => value, (value) => value, (value) => value, (value) => value];

/**
 * Validates `value` against `schema` for writing; throws `InvalidInputError` naming `what` and the
 * first bad field. Returns a copy with DynamoDB-unrepresentable tiny magnitudes set to 0.
 */
export function validForWrite<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.map(String).join('.') ?? '';
    throw new InvalidInputError(`${what} has an invalid ${field === '' ? 'value' : `'${field}'`}: ${issue?.message ?? 'invalid'}`);
  }
  return flushTinyNumbers(result.data) as T;
}

/** Decodes a stored item with `schema` (extra attributes such as keys are dropped); a corrupt item → `InfrastructureError`. */
export function decodeItem<T>(schema: z.ZodType<T>, item: unknown, what: string): T {
  const result = schema.safeParse(item);
  if (!result.success) {
    const field = result.error.issues[0]?.path.map(String).join('.') ?? '';
    throw new InfrastructureError(`stored ${what} is corrupt at '${field}'`, { cause: result.error });
  }
  return result.data;
}

function flushTinyNumbers(value: unknown): unknown {
  if (typeof value === 'number') return value !== 0 && Math.abs(value) < DYNAMO_MIN_MAGNITUDE ? 0 : value;
  if (Array.isArray(value)) return value.map(flushTinyNumbers);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, element]) => [key, flushTinyNumbers(element)]));
  }
  return value;
}

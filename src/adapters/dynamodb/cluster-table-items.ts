/**
 * Encoding between the domain records of `app/records/` and the plain items the DynamoDB document
 * client stores. One zod schema per record checks it on the way in (bad input →
 * `InvalidInputError` naming the field) and on the way out (a corrupt stored item →
 * `InfrastructureError`), so nothing unvalidated crosses the boundary in either direction.
 * Schemas are built on first use (`z.lazy`): building zod schemas costs CPU, and a Lambda cold start
 * should pay only for those its first request reads.
 */
import * as z from 'zod';
import type { CalibrationRecord } from '../../app/records/calibration-record.ts';
import type { ClusterProfile } from '../../app/records/cluster-profile.ts';
import type { LearningRecord } from '../../app/records/learning-record.ts';
import type { Outcome, PendingOutcome, PredictionRecord } from '../../app/records/prediction-record.ts';
import { InfrastructureError } from '../../app/errors.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { MAX_INPUT, WAIT_INPUTS } from '../../core/conformal/online-wait-interval.ts';
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

export const OutcomeSchema = z.lazy(() =>
  z.object({
    waitSeconds: nonNegative,
    longWait: z.boolean(),
    observedAtMs: epochMs,
  }),
);

const WaitEstimateSchema = z.lazy(() =>
  z.object({
    pointSeconds: nonNegative,
    lowerSeconds: nonNegative,
    upperSeconds: nonNegative,
    coverage: z.number().gt(0).lt(1),
  }),
);

const IssuedDistributionSchema = z.lazy(() =>
  z.object({
    tercile: z.number().int().min(0).max(2),
    queueDepth: nonNegative,
    quantilesSeconds: z.array(nonNegative).nullable(),
    // Absent from predictions stored before the wait distribution conditioned on them.
    inputs: z.array(z.number().min(0).max(MAX_INPUT)).length(WAIT_INPUTS).optional(),
  }),
);

// Predictions and pending outcomes written before the wait distribution may carry `waitBase` (the
// former interval's base) and `waitBin` (the former P(long wait) bin): not part of the schemas,
// they are dropped when read.
export const PredictionRecordSchema = z.lazy(() =>
  z.object({
    clusterId: z.string(),
    jobId: z.string(),
    predictedAtMs: epochMs,
    features: z.record(z.string(), z.union([finite, z.string()])),
    unknownFeatures: z.array(z.string()),
    rawScore: finite,
    classifierProbability: probability,
    probability,
    waitEstimate: WaitEstimateSchema.nullable(),
    scope: z.enum(ActionScope),
    tier: z.enum(Tier).nullable(),
    bundleVersion: count,
    epoch: count.min(1),
    calibrationVersion: count,
    outcome: OutcomeSchema.optional(),
    waitDistribution: IssuedDistributionSchema.optional(),
  }),
);

export const PendingOutcomeSchema = z.lazy(() =>
  z.object({
    clusterId: z.string(),
    jobId: z.string(),
    epoch: count.min(1),
    bundleVersion: count,
    classifierProbability: probability,
    probability,
    predictedAtMs: epochMs,
    outcome: OutcomeSchema,
    waitEstimate: WaitEstimateSchema.nullable(),
    waitDistribution: IssuedDistributionSchema.optional(),
    keepUntilMs: epochMs.optional(),
  }),
);

const EvidenceSchema = z.lazy(() =>
  z.object({
    count: count.min(1),
    longWaits: count,
    ece: probability,
    standardError: nonNegative,
    upper: probability,
    lower: probability,
    level: z.number().gt(0.5).lt(1),
  }),
);

const CountersSchema = z.lazy(() =>
  z.object({
    driftAlarms: count,
    adaptations: count,
    resets: count,
    withdrawals: count,
    skippedOutcomes: count,
  }),
);

const CalibeatingSchema = z.lazy(() => z.object({ weights: z.array(nonNegative), longWaits: z.array(nonNegative) }));

const FeatureShiftSchema = z.lazy(() =>
  z.object({
    feature: z.string().min(1),
    psi: nonNegative,
    noisePsi: nonNegative,
    significant: z.boolean(),
  }),
);

// Records written before the wait distribution carry the former interval's alpha, scoredOutcomes,
// misses and scores, and before the neighbour window its probabilities and bins: not part of the
// schema, they are dropped when read (their waits had no inputs: the window starts afresh).
const OnlineWaitStateSchema = z.lazy(() =>
  z
    .object({
      waitsSeconds: z.array(nonNegative),
      neighbourInputs: z.array(z.number().int().min(0).max(255)).default([]),
      ridge: z.array(finite).default([]),
      // Absent from records written before the wait distribution existed.
      queueDepths: z.array(nonNegative).default([]),
      quantileLevels: z.array(z.number().min(0).max(1)).default([]),
    })
    .transform((wait) =>
      wait.neighbourInputs.length === wait.waitsSeconds.length * WAIT_INPUTS
        ? wait
        : { ...wait, waitsSeconds: [], neighbourInputs: [] },
    ),
);

const StandingSchema = z.lazy(() =>
  z.object({
    scope: z.enum(ActionScope),
    qualifiedTiers: z.array(z.enum(Tier)),
    driftStatus: z.enum(DriftStatus),
    state: z.enum(CalibrationState),
    reasons: z.array(z.string()),
  }),
);

export const CalibrationRecordSchema = z.lazy(() =>
  z.object({
    clusterId: z.string(),
    learningVersion: count.min(1),
    epoch: count.min(1),
    longWaitThresholdSeconds: nonNegative,
    epochStartedAtMs: epochMs,
    activeBundleVersion: count.min(1),
    calibrator: z.object({ slope: finite, intercept: finite, calibeating: CalibeatingSchema }),
    wait: OnlineWaitStateSchema,
    scope: z.enum(ActionScope),
    qualifiedTiers: z.array(z.enum(Tier)),
    driftStatus: z.enum(DriftStatus),
    state: z.enum(CalibrationState),
    reasons: z.array(z.string()),
    evidence: EvidenceSchema.nullable(),
    evidenceSinceMs: epochMs,
    outcomes: count,
    totalOutcomes: count,
    counters: CountersSchema,
    retrains: count,
    retrainDue: z.boolean(),
    lastDriftAlarm: z.object({ direction: z.string(), atMs: epochMs }).nullable(),
    featureShifts: z.array(FeatureShiftSchema),
    updatedAtMs: epochMs,
  }),
);

export const LearningRecordSchema = z.lazy(() =>
  z.object({
    clusterId: z.string(),
    state: z.object({
      epoch: count.min(1),
      longWaitThresholdSeconds: nonNegative,
      epochStartedAtMs: epochMs,
      outcomes: count,
      classifierVersion: count.min(1),
      calibrator: z.object({
        platt: z.object({
          slope: finite,
          intercept: finite,
          logits: z.array(finite),
          labels: z.array(z.number().int().min(0).max(1)),
        }),
        calibeating: CalibeatingSchema,
        fastOutcomesLeft: count,
      }),
      evidence: z.object({
        sinceMs: epochMs,
        probabilities: z.array(probability),
        labels: z.array(z.number().int().min(0).max(1)),
        observedAtMs: z.array(epochMs),
      }),
      drift: z.object({
        batchResidual: finite,
        batchVariance: nonNegative,
        batchCount: count,
        upper: nonNegative,
        lower: nonNegative,
        inflation: finite.min(1),
      }),
      standing: StandingSchema,
      judgedOn: EvidenceSchema.nullable(),
      classifierCheck: z.object({ auroc: probability.nullable(), outcomes: count }),
      retrainDue: z.boolean(),
      // Records written before retrains backed off have none: no retrain counted yet.
      retrainsWithoutRecovery: count.default(0),
      counters: CountersSchema,
      lastDriftAlarm: z
        .object({
          direction: z.enum(['under_prediction', 'over_prediction']),
          statistic: finite,
          threshold: finite,
          atMs: epochMs,
        })
        .nullable(),
      checkpointedAtOutcomes: count,
      checkpointedAtResponses: count,
    }),
    wait: OnlineWaitStateSchema,
    foldedJobKeys: z.array(z.string().regex(/^[0-9a-f]{16}$/, 'expected 16 hex digits')),
    totalOutcomes: count,
    activeBundleVersion: count.min(1),
    latestBundleVersion: count.min(1),
    checkpointVersions: z.array(count.min(1)),
    retrains: count,
    featureShifts: z.array(FeatureShiftSchema),
    version: count.min(1),
    updatedAtMs: epochMs,
  }),
);

export const ClusterProfileSchema = z.lazy(() =>
  z.object({
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
  }),
);

// Compile-time proof that each schema produces exactly the record's type.
const _typeChecks: [
  (value: z.infer<typeof PredictionRecordSchema>) => PredictionRecord,
  (value: z.infer<typeof PendingOutcomeSchema>) => PendingOutcome,
  (value: z.infer<typeof CalibrationRecordSchema>) => CalibrationRecord,
  (value: z.infer<typeof LearningRecordSchema>) => LearningRecord,
  (value: z.infer<typeof ClusterProfileSchema>) => ClusterProfile,
  (value: z.infer<typeof OutcomeSchema>) => Outcome,
] = [(value) => value, (value) => value, (value) => value, (value) => value, (value) => value, (value) => value];

/**
 * Validates `value` against `schema` for writing; throws `InvalidInputError` naming `what` and the
 * first bad field. Returns a copy with DynamoDB-unrepresentable tiny magnitudes set to 0.
 */
export function validForWrite<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.map(String).join('.') ?? '';
    throw new InvalidInputError(
      `${what} has an invalid ${field === '' ? 'value' : `'${field}'`}: ${issue?.message ?? 'invalid'}`,
    );
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

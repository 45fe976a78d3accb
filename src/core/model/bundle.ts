/**
 * The model bundle: one versioned JSON document holding everything needed to score a job —
 * feature encoding, scaler, classifier weights, calibrator breakpoints, wait-interval model,
 * training metrics and the hash of the training data. It is validated on load and applied
 * without any training code (see `apply-bundle.ts`).
 */
import { z } from 'zod';

export const BUNDLE_SCHEMA_VERSION = 1;

const finite = z.number().finite();

export const CategoricalEncodingSchema = z.object({
  /** Source column, e.g. `job_type`. */
  column: z.string().min(1),
  /** Categories seen in training; each becomes a one-hot feature `column=value`. Unknown values encode as all zeros. */
  categories: z.array(z.string()),
});

export const CalibratorSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('isotonic'),
    /** Raw-score breakpoints, strictly increasing. */
    thresholds: z.array(finite).min(1),
    /** Calibrated probabilities at each breakpoint, non-decreasing, in [0, 1]. */
    values: z.array(z.number().min(0).max(1)).min(1),
  }),
  z.object({ kind: z.literal('platt'), slope: finite, intercept: finite }),
  z.object({ kind: z.literal('identity') }),
]);
export type Calibrator = z.infer<typeof CalibratorSchema>;

export const WaitModelSchema = z.object({
  kind: z.literal('score-binned-quantiles'),
  /** Nominal coverage of [lower, upper], e.g. 0.8. */
  coverage: z.number().gt(0).lt(1),
  /** Upper edges of calibrated-probability bins, increasing; the last bin is open-ended. */
  binUpperEdges: z.array(finite),
  bins: z.array(
    z.object({ lowerSeconds: finite.min(0), medianSeconds: finite.min(0), upperSeconds: finite.min(0), count: z.number().int().min(0) }),
  ).min(1),
});
export type WaitModel = z.infer<typeof WaitModelSchema>;

/**
 * One member of a cross-fitted calibration ensemble (scikit-learn's `CalibratedClassifierCV(ensemble=True)`):
 * a classifier fitted on one inner training split and a calibrator fitted on that split's held-out scores.
 */
export const EnsembleMemberSchema = z.object({
  /** Member raw score = intercept + weights·z, where z is the row standardised by the bundle's `scaler`. */
  weights: z.array(finite),
  intercept: finite,
  calibrator: CalibratorSchema,
});
export type EnsembleMember = z.infer<typeof EnsembleMemberSchema>;

export const CalibrationEnsembleSchema = z.object({
  /**
   * Fingerprint (`calibratorFingerprint`) of the bundle's `calibrator` when the ensemble was built. A bundle
   * whose calibrator was since replaced (a recalibration on live outcomes) no longer uses the ensemble.
   */
  calibratorFingerprint: z.string().min(1),
  members: z.array(EnsembleMemberSchema).min(1),
});
export type CalibrationEnsemble = z.infer<typeof CalibrationEnsembleSchema>;

export const ModelBundleSchema = z.object({
  schemaVersion: z.literal(BUNDLE_SCHEMA_VERSION),
  /** Content hash of everything below except itself: identifies the bundle. */
  bundleId: z.string().min(1),
  training: z.object({
    source: z.string(),
    /** SHA-256 (hex) of the training data, computed by the caller (core has no crypto): `vgac train` hashes the CSV file's bytes. */
    dataHash: z.string(),
    rows: z.number().int().min(0),
    positives: z.number().int().min(0),
    /** The observed-wait threshold that defined "long wait", when waits were known. */
    labelThresholdSeconds: finite.nullable(),
  }),
  numericFeatures: z.array(z.string().min(1)),
  categoricalFeatures: z.array(CategoricalEncodingSchema),
  scaler: z.object({ means: z.array(finite), scales: z.array(finite.positive()) }),
  classifier: z.object({ kind: z.literal('logistic'), weights: z.array(finite), intercept: finite, l2: finite.min(0) }),
  /** Maps the classifier's raw score to a probability; what a recalibration replaces. */
  calibrator: CalibratorSchema,
  /**
   * Optional (added after schema version 1 shipped; absent means none). When present and still matching
   * `calibrator`, the probability is the mean of the members' calibrated probabilities instead of
   * `calibrator(raw score)`; the raw score is still the main classifier's.
   */
  ensemble: CalibrationEnsembleSchema.nullable().optional(),
  waitModel: WaitModelSchema.nullable(),
  metrics: z.record(z.string(), z.number().nullable()),
});
export type ModelBundle = z.infer<typeof ModelBundleSchema>;

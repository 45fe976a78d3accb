/**
 * The model bundle: one versioned JSON document holding everything needed to score a job —
 * feature encoding, scaler, classifier weights, calibrator breakpoints, wait-interval model,
 * training metrics and the hash of the training data. It is validated on load and applied
 * without any training code (see `apply-bundle.ts`).
 * Schemas are built on first use (`z.lazy`): building zod schemas costs CPU, and a Lambda cold start
 * should pay only for those its first request reads.
 */
import * as z from 'zod';

export const BUNDLE_SCHEMA_VERSION = 1;

const finite = z.number().finite();

export const CategoricalEncodingSchema = z.lazy(() =>
  z.object({
    /** Source column, e.g. `job_type`. */
    column: z.string().min(1),
    /** Categories seen in training; each becomes a one-hot feature `column=value`. Unknown values encode as all zeros. */
    categories: z.array(z.string()),
  }),
);

export const CalibratorSchema = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('isotonic'),
      /** Raw-score breakpoints, strictly increasing. */
      thresholds: z.array(finite).min(1),
      /** Calibrated probabilities at each breakpoint, non-decreasing, in [0, 1]. */
      values: z.array(z.number().min(0).max(1)).min(1),
    }),
    z.object({ kind: z.literal('platt'), slope: finite, intercept: finite }),
    z.object({ kind: z.literal('identity') }),
  ]),
);
export type Calibrator = z.infer<typeof CalibratorSchema>;

export const WaitModelSchema = z.lazy(() =>
  z.object({
    kind: z.literal('score-binned-quantiles'),
    /** Nominal coverage of [lower, upper], e.g. 0.8. */
    coverage: z.number().gt(0).lt(1),
    /** Upper edges of calibrated-probability bins, increasing; the last bin is open-ended. */
    binUpperEdges: z.array(finite),
    bins: z
      .array(
        z.object({
          lowerSeconds: finite.min(0),
          medianSeconds: finite.min(0),
          upperSeconds: finite.min(0),
          count: z.number().int().min(0),
        }),
      )
      .min(1),
  }),
);
export type WaitModel = z.infer<typeof WaitModelSchema>;

/**
 * One member of a cross-fitted calibration ensemble (scikit-learn's `CalibratedClassifierCV(ensemble=True)`):
 * a classifier fitted on one inner training split and a calibrator fitted on that split's held-out scores.
 */
export const EnsembleMemberSchema = z.lazy(() =>
  z.object({
    /** Member raw score = intercept + weights·z, where z is the row standardised by the bundle's `scaler`. */
    weights: z.array(finite),
    intercept: finite,
    calibrator: CalibratorSchema,
  }),
);
export type EnsembleMember = z.infer<typeof EnsembleMemberSchema>;

export const CalibrationEnsembleSchema = z.lazy(() =>
  z.object({
    /**
     * Fingerprint (`calibratorFingerprint`) of the bundle's `calibrator` when the ensemble was built. A bundle
     * whose calibrator was since replaced (a recalibration on live outcomes) no longer uses the ensemble.
     */
    calibratorFingerprint: z.string().min(1),
    members: z.array(EnsembleMemberSchema).min(1),
  }),
);
export type CalibrationEnsemble = z.infer<typeof CalibrationEnsembleSchema>;

/** Shares stored in JSON sum to 1 up to rounding; this is the tolerance. */
const SHARE_SUM_TOLERANCE = 1e-9;

/**
 * The training distribution of one key numeric feature, reduced to PSI bins (`psiReferenceBins`
 * in core/metrics/psi.ts): interior edges at the training column's deciles (ties merged) and the
 * training share of each bin.
 */
export const FeatureBinsSchema = z.lazy(() =>
  z
    .object({
      /** A name from the bundle's `numericFeatures`. */
      feature: z.string().min(1),
      /** Interior bin edges, strictly increasing: bins are (−∞, e₁), [e₁, e₂), …, [e_last, +∞). */
      binEdges: z.array(finite),
      /** Training share per bin, in [0, 1], one more than `binEdges`, summing to 1. */
      shares: z.array(z.number().min(0).max(1)).min(1),
    })
    .superRefine((bins, context) => {
      if (bins.shares.length !== bins.binEdges.length + 1) {
        context.addIssue({
          code: 'custom',
          path: ['shares'],
          message: `${bins.shares.length} shares for ${bins.binEdges.length} bin edges (need edges + 1)`,
        });
      }
      for (let index = 1; index < bins.binEdges.length; index += 1) {
        if (!((bins.binEdges[index] as number) > (bins.binEdges[index - 1] as number))) {
          context.addIssue({
            code: 'custom',
            path: ['binEdges', index],
            message: 'bin edges must be strictly increasing',
          });
        }
      }
      const total = bins.shares.reduce((sum, share) => sum + share, 0);
      if (Math.abs(total - 1) > SHARE_SUM_TOLERANCE) {
        context.addIssue({ code: 'custom', path: ['shares'], message: `shares sum to ${total}, not 1` });
      }
    }),
);
export type FeatureBins = z.infer<typeof FeatureBinsSchema>;

/**
 * What PSI compares a cluster's recent jobs against (SPEC: recalibrate when PSI > 0.1 on a key
 * feature). Key features are all the bundle's numeric inputs — every one the classifier reads,
 * so a shift in any of them moves its scores — in `numericFeatures` order.
 */
export const FeatureReferenceSchema = z.lazy(() =>
  z
    .object({
      /** Training rows the bins were cut from. */
      rows: z.number().int().min(1),
      features: z.array(FeatureBinsSchema),
    })
    .superRefine((reference, context) => {
      const seen = new Set<string>();
      reference.features.forEach((bins, index) => {
        if (seen.has(bins.feature))
          context.addIssue({
            code: 'custom',
            path: ['features', index, 'feature'],
            message: `feature '${bins.feature}' appears twice`,
          });
        seen.add(bins.feature);
      });
    }),
);
export type FeatureReference = z.infer<typeof FeatureReferenceSchema>;

export const ModelBundleSchema = z.lazy(() =>
  z
    .object({
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
      classifier: z.object({
        kind: z.literal('logistic'),
        weights: z.array(finite),
        intercept: finite,
        l2: finite.min(0),
      }),
      /** Maps the classifier's raw score to a probability; what a recalibration replaces. */
      calibrator: CalibratorSchema,
      /**
       * Optional (added after schema version 1 shipped; absent means none). When present and still matching
       * `calibrator`, the probability is the mean of the members' calibrated probabilities instead of
       * `calibrator(raw score)`; the raw score is still the main classifier's.
       */
      ensemble: CalibrationEnsembleSchema.nullable().optional(),
      waitModel: WaitModelSchema.nullable(),
      /**
       * Optional (added after schema version 1 shipped; absent or null: PSI is not measured). Set by
       * training; a recalibration keeps it (same classifier, same training distribution).
       */
      featureReference: FeatureReferenceSchema.nullable().optional(),
      metrics: z.record(z.string(), z.number().nullable()),
      /**
       * Optional (absent: none). A checkpoint of the cluster's online calibrator when this version was
       * saved: the same classifier as the version it was saved from, with the parameters that were
       * issuing probabilities then — a record for audits and reproduction; serving reads the live
       * calibrator from the cluster's state.
       */
      onlineCalibration: z
        .object({
          slope: finite,
          intercept: finite,
          calibeating: z.object({ weights: z.array(finite.min(0)), longWaits: z.array(finite.min(0)) }),
          epoch: z.number().int().min(1),
          outcomes: z.number().int().min(0),
          learningVersion: z.number().int().min(1),
          savedAtMs: z.number().int().min(0),
        })
        .nullable()
        .optional(),
    })
    .superRefine((bundle, context) => {
      const numeric = new Set(bundle.numericFeatures);
      bundle.featureReference?.features.forEach((bins, index) => {
        if (!numeric.has(bins.feature)) {
          context.addIssue({
            code: 'custom',
            path: ['featureReference', 'features', index, 'feature'],
            message: `'${bins.feature}' is not one of the numeric features`,
          });
        }
      });
    }),
);
export type ModelBundle = z.infer<typeof ModelBundleSchema>;

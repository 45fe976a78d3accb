/**
 * The prior of a cluster whose predictions come from a VGAC platform API (SPEC: prediction
 * serving "wraps a VGAC platform API when one is configured"): its one feature is the platform's
 * own P(long wait) as log-odds, passed through unchanged (weight 1, a unit Platt calibrator), so a
 * fresh cluster predicts exactly what the platform says. Everything the learning loop does then
 * applies to the platform's probabilities: the gate measures their calibration on the cluster's
 * outcomes, a recalibration refits the calibrator on the platform's log-odds, and a retrain fits a
 * logistic model on them — the platform's discrimination, this cluster's calibration.
 */
import { InvalidInputError } from '../errors.ts';
import { PLATFORM_FEATURES } from '../features/feature-schema.ts';
import { BUNDLE_SCHEMA_VERSION, type ModelBundle } from './bundle.ts';
import { withBundleId } from './bundle-id.ts';

/** The feature a platform observer reports: logit of the platform's P(long wait). */
export const PLATFORM_LOGIT_FEATURE: (typeof PLATFORM_FEATURES)[0] = PLATFORM_FEATURES[0];
/** Probabilities are clamped to [ε, 1 − ε] before the logit, so 0 and 1 stay finite (±13.8). */
export const PLATFORM_PROBABILITY_EPSILON = 1e-6;

/** log(p / (1 − p)) of a probability clamped to [ε, 1 − ε]. @throws InvalidInputError when p is not in [0, 1]. */
export function platformLogit(probability: number): number {
  if (!(probability >= 0 && probability <= 1))
    throw new InvalidInputError(`platform probability must be in [0, 1], got ${probability}`);
  const clamped = Math.min(1 - PLATFORM_PROBABILITY_EPSILON, Math.max(PLATFORM_PROBABILITY_EPSILON, probability));
  return Math.log(clamped / (1 - clamped));
}

/**
 * The pass-through prior. `longWaitSeconds` is the cluster's long-wait threshold (its P90 wait),
 * which labels the outcomes recorded without a label. @throws InvalidInputError unless it is > 0.
 */
export function platformPassthroughBundle(longWaitSeconds: number, hash: (text: string) => string): ModelBundle {
  if (!(Number.isFinite(longWaitSeconds) && longWaitSeconds > 0))
    throw new InvalidInputError(`the long-wait threshold must be > 0 seconds, got ${longWaitSeconds}`);
  return withBundleId(
    {
      schemaVersion: BUNDLE_SCHEMA_VERSION,
      training: {
        source: 'vgac-platform',
        dataHash: '',
        rows: 0,
        positives: 0,
        labelThresholdSeconds: longWaitSeconds,
      },
      numericFeatures: [PLATFORM_LOGIT_FEATURE],
      categoricalFeatures: [],
      scaler: { means: [0], scales: [1] },
      classifier: { kind: 'logistic', weights: [1], intercept: 0, l2: 0 },
      calibrator: { kind: 'platt', slope: 1, intercept: 0 },
      ensemble: null,
      waitModel: null,
      featureReference: null,
      metrics: {},
    },
    hash,
  );
}

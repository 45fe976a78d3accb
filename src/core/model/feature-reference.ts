/**
 * The training distribution a model bundle carries so that the learning loop can tell when a
 * cluster's jobs no longer look like the data the classifier was fitted on (SPEC: recalibrate when
 * PSI > 0.1 on a key feature), without keeping the training data.
 */
import { InvalidInputError } from '../errors.ts';
import type { FeatureTable } from '../features/feature-table.ts';
import { normalQuantile } from '../metrics/normal-quantile.ts';
import { psiAgainstReference, psiReferenceBins, PSI_BINS } from '../metrics/psi.ts';
import type { FeatureReference } from './bundle.ts';

/**
 * The PSI reference of a training table: for each numeric feature (all of them are key features:
 * the classifier reads every one), the decile edges of its training column and the training share
 * of each bin ({@link psiReferenceBins} with {@link PSI_BINS} bins; tied deciles merge bins).
 * Categorical features are not included (PSI here is over numeric bins).
 *
 * @returns null when the table has no numeric feature
 * @throws InvalidInputError when the table has no rows
 *
 * Complexity: O(d·n·log n) for d numeric features and n rows.
 */
export function featureReferenceOf(table: FeatureTable): FeatureReference | null {
  const rowCount = table.rows.length;
  if (rowCount === 0) throw new InvalidInputError(`${table.source}: no rows to take a feature reference from`);
  if (table.numericFeatures.length === 0) return null;
  return {
    rows: rowCount,
    features: table.numericFeatures.map((feature, column) => ({
      feature,
      ...psiReferenceBins(
        Float64Array.from(table.rows, (row) => row[column] as number),
        { bins: PSI_BINS },
      ),
    })),
  };
}

/** PSI of one key feature over a recent sample. */
export interface FeaturePsi {
  readonly feature: string;
  readonly psi: number;
  /** Values of the feature in the sample. */
  readonly rows: number;
}

/** Every measured key feature's PSI (reference order) and the largest one. */
export interface FeatureDrift {
  readonly features: readonly FeaturePsi[];
  /** The feature with the largest PSI (the first in reference order on a tie), or null when none was measured. */
  readonly max: FeaturePsi | null;
}

/**
 * PSI of each key feature of `reference` over a recent sample ({@link psiAgainstReference}, same
 * epsilon rule as `populationStabilityIndex`). A feature with fewer than `minRows` values in the
 * sample is not measured: PSI over B bins has a sampling floor of about (B − 1)/n for n values even
 * without any shift (n·PSI is roughly χ² with B − 1 degrees of freedom), so small samples would
 * fire the 0.1 threshold on noise.
 *
 * @param sample finite values by feature name (missing name = no values)
 * @param minRows an integer ≥ 1
 * @throws InvalidInputError when `minRows` is not an integer ≥ 1, or as {@link psiAgainstReference}
 *
 * Complexity: O(Σ nᵢ·log B).
 */
export function featureDrift(
  reference: FeatureReference,
  sample: Readonly<Record<string, ArrayLike<number>>>,
  minRows: number,
): FeatureDrift {
  if (!Number.isInteger(minRows) || minRows < 1)
    throw new InvalidInputError(`minRows = ${minRows} is not an integer ≥ 1`);
  const features: FeaturePsi[] = [];
  let max: FeaturePsi | null = null;
  for (const bins of reference.features) {
    const values = Object.hasOwn(sample, bins.feature) ? sample[bins.feature] : undefined;
    if (values === undefined || values.length < minRows) continue;
    const measured = { feature: bins.feature, psi: psiAgainstReference(bins, values), rows: values.length };
    features.push(measured);
    if (max === null || measured.psi > max.psi) max = measured;
  }
  return { features, max };
}

/**
 * Features that describe the calendar, not the queue (hour of day, day of week): a window of a few
 * hundred consecutive jobs never matches a whole week's mix, so their PSI is large by construction
 * and says nothing about the cluster. Reported never, trigger nothing.
 */
export const CALENDAR_FEATURES: ReadonlySet<string> = new Set(['hourOfDay', 'dayOfWeek']);

/**
 * The χ² quantile by the Wilson–Hilferty approximation: k·(1 − 2/(9k) + z·√(2/(9k)))³ with
 * z = Φ⁻¹(level); within 0.5 % of the exact quantile for k ≥ 3 at the levels used here
 * (checked against scipy.stats.chi2.ppf in the tests).
 */
export function chiSquareQuantile(degreesOfFreedom: number, level: number): number {
  if (!(Number.isInteger(degreesOfFreedom) && degreesOfFreedom >= 1))
    throw new InvalidInputError(`degrees of freedom must be an integer ≥ 1, got ${degreesOfFreedom}`);
  const ratio = 2 / (9 * degreesOfFreedom);
  return degreesOfFreedom * (1 - ratio + normalQuantile(level) * Math.sqrt(ratio)) ** 3;
}

/**
 * The PSI a sample of `sampleRows` values shows by chance alone over `bins` bins against a
 * reference of `referenceRows` values, at `level`: without any shift, PSI is approximately
 * (1/n + 1/m)·χ²(bins − 1) (the two-sample symmetric divergence of binned proportions), so its
 * `level` quantile is that factor times the χ² quantile.
 */
export function psiNoise(bins: number, sampleRows: number, referenceRows: number, level: number): number {
  if (!(sampleRows >= 1 && referenceRows >= 1))
    throw new InvalidInputError(`PSI noise needs rows in both samples (got ${sampleRows} and ${referenceRows})`);
  return bins < 2 ? 0 : (1 / sampleRows + 1 / referenceRows) * chiSquareQuantile(bins - 1, level);
}

/** One key feature's PSI with the noise it must exceed to count. */
export interface FeatureShiftMeasure {
  readonly feature: string;
  readonly psi: number;
  readonly noisePsi: number;
  /** PSI above both `threshold` (SPEC's 0.1) and its own noise. */
  readonly significant: boolean;
}

/**
 * PSI of each non-calendar key feature over a recent sample, each with its sampling noise at the
 * sample's size ({@link psiNoise}); a shift is significant only above both `threshold` and its noise.
 * Sorted by PSI, largest first.
 */
export function featureShifts(
  reference: FeatureReference,
  sample: Readonly<Record<string, ArrayLike<number>>>,
  threshold: number,
  level: number,
): FeatureShiftMeasure[] {
  const shifts: FeatureShiftMeasure[] = [];
  for (const bins of reference.features) {
    if (CALENDAR_FEATURES.has(bins.feature)) continue;
    const values = Object.hasOwn(sample, bins.feature) ? sample[bins.feature] : undefined;
    if (values === undefined || values.length === 0) continue;
    const psi = psiAgainstReference(bins, values);
    const noisePsi = psiNoise(bins.shares.length, values.length, reference.rows, level);
    shifts.push({ feature: bins.feature, psi, noisePsi, significant: psi > threshold && psi > noisePsi });
  }
  return shifts.sort((left, right) => right.psi - left.psi);
}

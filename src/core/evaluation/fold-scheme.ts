/**
 * Which stratified fold assignment a cross-validation uses.
 */
import type { Random } from '../random.ts';
import { sklearnStratifiedFolds } from './sklearn-stratified-folds.ts';
import { stratifiedFolds } from './stratified-folds.ts';

/**
 * - `sklearn`: the reference's protocol, scikit-learn 1.2's exact folds — outer
 *   `StratifiedKFold(k, shuffle=True, random_state=seed)`, inner `StratifiedKFold(k)` without
 *   shuffle (what `CalibratedClassifierCV(cv=k)` builds inside each training set).
 * - `seeded`: our own shuffle, `stratifiedFolds` driven by the injected generator, outer and inner.
 */
export const FoldScheme = { sklearn: 'sklearn', seeded: 'seeded' } as const;
export type FoldScheme = (typeof FoldScheme)[keyof typeof FoldScheme];

/** Evaluation's default: the reference's protocol, so our numbers are comparable with scikit-learn's. */
export const DEFAULT_FOLD_SCHEME: FoldScheme = FoldScheme.sklearn;

/**
 * Outer (evaluation) folds: `sklearn` → `StratifiedKFold(k, shuffle=True, random_state=seed)`
 * (`random` untouched); `seeded` → {@link stratifiedFolds} drawing from `random` (`seed` unused). O(n).
 *
 * @returns `k` ascending arrays of test rows. @throws as the chosen assigner.
 */
export function assignOuterFolds(
  labels: ArrayLike<number>,
  k: number,
  scheme: FoldScheme,
  seed: number,
  random: Random,
): Int32Array[] {
  return scheme === FoldScheme.sklearn
    ? sklearnStratifiedFolds(labels, k, { shuffleSeed: seed })
    : stratifiedFolds(labels, k, random);
}

/**
 * Inner (calibration) folds of one training set: `sklearn` → `StratifiedKFold(k)` without
 * shuffle, deterministic (`random` untouched); `seeded` → {@link stratifiedFolds} drawing from `random`. O(n).
 *
 * @returns `k` ascending arrays of held-out rows. @throws as the chosen assigner.
 */
export function assignInnerFolds(
  labels: ArrayLike<number>,
  k: number,
  scheme: FoldScheme,
  random: Random,
): Int32Array[] {
  return scheme === FoldScheme.sklearn
    ? sklearnStratifiedFolds(labels, k, { shuffleSeed: null })
    : stratifiedFolds(labels, k, random);
}

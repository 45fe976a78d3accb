import { InvalidInputError } from '../errors.ts';

/**
 * Checks a forecast sample before any metric reads it: the same non-zero length on both sides,
 * every probability finite and in [0, 1], every label exactly 0 or 1. O(n).
 *
 * @throws InvalidInputError naming the first bad value (its array, index and value).
 */
export function validateScoredLabels(probabilities: ArrayLike<number>, labels: ArrayLike<number>): void {
  if (probabilities.length !== labels.length) {
    throw new InvalidInputError(`length mismatch: ${probabilities.length} probabilities, ${labels.length} labels`);
  }
  if (probabilities.length === 0) {
    throw new InvalidInputError('empty sample: no probabilities');
  }
  for (let index = 0; index < probabilities.length; index += 1) {
    const probability = probabilities[index] as number;
    // One comparison pair rejects NaN too: NaN fails both `>=` and `<=`.
    if (!(probability >= 0 && probability <= 1)) {
      throw new InvalidInputError(`probabilities[${index}] = ${probability} is not in [0, 1]`);
    }
    const label = labels[index] as number;
    if (label !== 0 && label !== 1) {
      throw new InvalidInputError(`labels[${index}] = ${label} is not 0 or 1`);
    }
  }
}

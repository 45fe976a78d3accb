/**
 * The numeric feature values of stored predictions, by feature name: what PSI compares against a
 * bundle's training reference. A value that is missing, a string or not finite is left out of its
 * column (it cannot be binned), so columns may differ in length.
 */
import type { PredictionRecord } from '../records/prediction-record.ts';

export function numericFeatureColumns(
  predictions: readonly PredictionRecord[],
  names: readonly string[],
): Record<string, Float64Array> {
  const columns: Record<string, Float64Array> = {};
  for (const name of names) {
    const values: number[] = [];
    for (const prediction of predictions) {
      const value = Object.hasOwn(prediction.features, name) ? prediction.features[name] : undefined;
      if (typeof value === 'number' && Number.isFinite(value)) values.push(value);
    }
    columns[name] = Float64Array.from(values);
  }
  return columns;
}

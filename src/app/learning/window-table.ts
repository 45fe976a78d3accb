/**
 * Turns stored predictions with outcomes into a feature table for retraining: the features are
 * whatever the cluster declared at prediction time (numbers → numeric, strings → categorical,
 * e.g. the job type on the Slurm trace), the labels and waits are the observed outcomes.
 */
import type { FeatureTable } from '../../core/features/feature-table.ts';
import type { PredictionRecord } from '../records/prediction-record.ts';

export function windowTable(clusterId: string, window: readonly PredictionRecord[]): FeatureTable {
  const numericNames = new Set<string>();
  const categoricalNames = new Set<string>();
  for (const prediction of window) {
    for (const [name, value] of Object.entries(prediction.features)) {
      (typeof value === 'number' ? numericNames : categoricalNames).add(name);
    }
  }
  // A name seen both as a number and as a string is treated as categorical.
  for (const name of categoricalNames) numericNames.delete(name);
  const numericFeatures = [...numericNames].sort();
  const categoricalFeatures = [...categoricalNames].sort();

  const withOutcomes = window.filter((prediction) => prediction.outcome !== undefined);
  return {
    source: `outcomes of ${clusterId}`,
    numericFeatures,
    categoricalFeatures,
    rows: withOutcomes.map((prediction) => numericFeatures.map((name) => Number(prediction.features[name] ?? 0))),
    categorical: withOutcomes.map((prediction) =>
      categoricalFeatures.map((name) => String(prediction.features[name] ?? '')),
    ),
    labels: Uint8Array.from(withOutcomes, (prediction) => (prediction.outcome?.longWait === true ? 1 : 0)),
    waitsSeconds: Float64Array.from(withOutcomes, (prediction) => prediction.outcome?.waitSeconds ?? 0),
    labelThresholdSeconds: null,
  };
}

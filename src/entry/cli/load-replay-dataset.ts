/**
 * Reads a labelled job table with real submit and start times (slurm_training_dataset.csv's
 * columns: `job_id`, `submit_epoch_ms`, `wait_seconds`, `label_long_wait`, the queue-state columns
 * and `job_type`) into replay jobs, and the long-wait threshold its labels were made with (its
 * `wait_threshold_p90` column; without one, the longest wait labelled short, checked against the
 * labels). Features are validated by the core (`buildFeatureTable`), so outcomes and post-submit
 * columns can never become features.
 */
import { InvalidInputError } from '../../core/errors.ts';
import { FeatureSetName } from '../../core/features/feature-schema.ts';
import { buildFeatureTable } from '../../core/features/feature-table.ts';
import type { DatasetJob } from '../../app/replay/replay-dataset.ts';
import { parseCsv, readUserFile } from './load-feature-table.ts';

export async function loadReplayDataset(
  path: string,
): Promise<{ readonly jobs: DatasetJob[]; readonly longWaitThresholdSeconds: number }> {
  const records = parseCsv((await readUserFile(path, 'data file')).toString('utf8'), path);
  const [header = [], ...rows] = records;
  const table = buildFeatureTable(header, rows, {
    source: path,
    featureSet: FeatureSetName.queueStateJobType,
    requireLabel: true,
  });
  const jobIdIndex = header.indexOf('job_id');
  const submitIndex = header.indexOf('submit_epoch_ms');
  if (submitIndex < 0)
    throw new InvalidInputError(`${path}: missing column 'submit_epoch_ms' (a replay needs real submit times)`);
  const waits = table.waitsSeconds;
  const labels = table.labels;
  if (waits === null || labels === null)
    throw new InvalidInputError(`${path}: a replay needs 'wait_seconds' and 'label_long_wait'`);
  const jobs = rows.map((row, index) => {
    const submitMs = Number(row[submitIndex]);
    if (!Number.isFinite(submitMs))
      throw new InvalidInputError(
        `${path}: row ${index + 1}, column submit_epoch_ms: '${row[submitIndex] ?? ''}' is not a number`,
      );
    const features: Record<string, number | string> = {};
    table.numericFeatures.forEach((name, column) => {
      features[name] = table.rows[index]?.[column] as number;
    });
    table.categoricalFeatures.forEach((name, column) => {
      features[name] = table.categorical[index]?.[column] as string;
    });
    return {
      jobId:
        jobIdIndex >= 0 && row[jobIdIndex] !== undefined && row[jobIdIndex] !== ''
          ? String(row[jobIdIndex])
          : `row-${index + 1}`,
      submitMs,
      startMs: submitMs + Math.round((waits[index] as number) * 1000),
      longWait: labels[index] === 1,
      features,
    };
  });
  return { jobs, longWaitThresholdSeconds: table.labelThresholdSeconds ?? thresholdOfLabels(path, waits, labels) };
}

/** The longest wait labelled short, when every wait labelled long exceeds it; else the labels are no threshold's. */
function thresholdOfLabels(path: string, waits: ArrayLike<number>, labels: ArrayLike<number>): number {
  let longestShort = 0;
  let shortestLong = Number.POSITIVE_INFINITY;
  for (let index = 0; index < labels.length; index += 1) {
    const wait = waits[index] as number;
    if (labels[index] === 1) shortestLong = Math.min(shortestLong, wait);
    else longestShort = Math.max(longestShort, wait);
  }
  if (!(shortestLong > longestShort)) {
    throw new InvalidInputError(
      `${path}: label_long_wait is not "wait above a threshold" (a ${shortestLong} s wait is labelled long, a ${longestShort} s one short); add a wait_threshold_p90 column`,
    );
  }
  return longestShort;
}

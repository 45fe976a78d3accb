/**
 * Prequential ("predict, then learn") evaluation of one predictor over a replay: every job was
 * scored at its submit time with only what was known then, and is judged here against what
 * happened later. Censored jobs (never started) have no label and no wait: they count as jobs
 * answered but never in AUROC, ECE, Brier or coverage.
 */
import { auroc } from '../metrics/auroc.ts';
import { brierScore } from '../metrics/brier.ts';
import { calibrationError } from '../metrics/calibration-error.ts';

export interface PrequentialRow {
  /** P(long wait) issued at submit time, in [0, 1]. */
  readonly probability: number;
  /** The label once the outcome was known; null when censored. */
  readonly longWait: boolean | null;
  /** Observed wait; null when censored. */
  readonly waitSeconds: number | null;
  /** Interval issued at submit time; null when the predictor gave none. */
  readonly lowerSeconds: number | null;
  readonly upperSeconds: number | null;
}

export interface SegmentMetrics {
  readonly jobs: number;
  /** Jobs with a known outcome. */
  readonly labelled: number;
  readonly positives: number;
  /** Null when the labelled jobs hold one class only. */
  readonly auroc: number | null;
  /** 15 equal-mass bins (see calibration-error.ts); null without labelled jobs. */
  readonly ece: number | null;
  readonly brier: number | null;
  /** Fraction of labelled jobs with an interval whose wait fell inside it (bounds inclusive). */
  readonly coverage: number | null;
  /** Median upper − lower over all jobs given an interval (type-7 median). */
  readonly medianWidthSeconds: number | null;
}

function median(values: Float64Array): number | null {
  if (values.length === 0) return null;
  const sorted = values.sort();
  const position = (sorted.length - 1) / 2;
  const lower = Math.floor(position);
  return (
    (sorted[lower] as number) +
    (position - lower) * ((sorted[Math.ceil(position)] as number) - (sorted[lower] as number))
  );
}

/** Metrics of one predictor over `rows`. O(n log n). */
export function segmentMetrics(rows: readonly PrequentialRow[]): SegmentMetrics {
  const labelled = rows.filter((row) => row.longWait !== null);
  const probabilities = Float64Array.from(labelled, (row) => row.probability);
  const labels = Uint8Array.from(labelled, (row) => (row.longWait === true ? 1 : 0));
  const positives = labels.reduce((sum, label) => sum + label, 0);
  let aurocValue: number | null = null;
  // Both classes present: auroc's only InsufficientDataError (one class) cannot occur here.
  if (positives > 0 && positives < labelled.length) aurocValue = auroc(probabilities, labels);
  const withInterval = rows.filter((row) => row.lowerSeconds !== null && row.upperSeconds !== null);
  const judged = withInterval.filter((row) => row.waitSeconds !== null);
  const covered = judged.filter(
    (row) =>
      (row.waitSeconds as number) >= (row.lowerSeconds as number) &&
      (row.waitSeconds as number) <= (row.upperSeconds as number),
  );
  return {
    jobs: rows.length,
    labelled: labelled.length,
    positives,
    auroc: aurocValue,
    ece: labelled.length === 0 ? null : calibrationError(probabilities, labels).ece,
    brier: labelled.length === 0 ? null : brierScore(probabilities, labels),
    coverage: judged.length === 0 ? null : covered.length / judged.length,
    medianWidthSeconds: median(
      Float64Array.from(withInterval, (row) => (row.upperSeconds as number) - (row.lowerSeconds as number)),
    ),
  };
}

/**
 * Splits n items (in time order) into `parts` consecutive ranges of equal count (the first
 * n mod parts ranges get one more): [start, end) pairs.
 */
export function equalCountRanges(count: number, parts: number): [number, number][] {
  const ranges: [number, number][] = [];
  let start = 0;
  for (let part = 0; part < parts; part += 1) {
    const size = Math.floor(count / parts) + (part < count % parts ? 1 : 0);
    ranges.push([start, start + size]);
    start += size;
  }
  return ranges;
}

/**
 * Calibration of the answers given in each action scope — so anyone can check that the answers
 * the agents act on are the trustworthy ones: for each scope, for `acting` (autonomous + notify)
 * and for `withheld` (escalate + learning), the answers given and the ECE (15 equal-mass bins) and
 * Brier score of their issued probabilities against the outcomes (censored answers count as given,
 * never in ECE or Brier).
 */
import { brierScore } from '../metrics/brier.ts';
import { calibrationError } from '../metrics/calibration-error.ts';

/** Fewest labelled answers an ECE is reported on (fewer: null — 15 bins of a handful say nothing). */
export const MIN_ANSWERS_FOR_ECE = 50;

export interface ScopeMetrics {
  /** Answers given in the scope. */
  readonly jobs: number;
  /** ECE of their issued probabilities; null under MIN_ANSWERS_FOR_ECE labelled answers. */
  readonly ece: number | null;
  /** Brier score; null without labelled answers. */
  readonly brier: number | null;
}

export type ScopeGroup = 'autonomous' | 'notify' | 'escalate' | 'learning' | 'acting' | 'withheld';

export type ScopeMetricsByGroup = Readonly<Record<ScopeGroup, ScopeMetrics>>;

/** One answer: the scope it was given in, the probability issued, and the label once known (null: censored). */
export interface ScopedAnswer {
  readonly scope: string;
  readonly probability: number;
  readonly longWait: boolean | null;
}

const GROUPS: Readonly<Record<ScopeGroup, readonly string[]>> = {
  autonomous: ['autonomous'],
  notify: ['notify'],
  escalate: ['escalate'],
  learning: ['learning'],
  acting: ['autonomous', 'notify'],
  withheld: ['escalate', 'learning'],
};

function metricsOf(answers: readonly ScopedAnswer[]): ScopeMetrics {
  const labelled = answers.filter((answer) => answer.longWait !== null);
  const probabilities = Float64Array.from(labelled, (answer) => answer.probability);
  const labels = Uint8Array.from(labelled, (answer) => (answer.longWait === true ? 1 : 0));
  return {
    jobs: answers.length,
    ece: labelled.length < MIN_ANSWERS_FOR_ECE ? null : calibrationError(probabilities, labels).ece,
    brier: labelled.length === 0 ? null : brierScore(probabilities, labels),
  };
}

/** Metrics per scope group. O(n log n). */
export function scopeMetrics(answers: readonly ScopedAnswer[]): ScopeMetricsByGroup {
  const entries = (Object.keys(GROUPS) as ScopeGroup[]).map(
    (group) => [group, metricsOf(answers.filter((answer) => GROUPS[group].includes(answer.scope)))] as const,
  );
  return Object.fromEntries(entries) as ScopeMetricsByGroup;
}

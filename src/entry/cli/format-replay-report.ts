/** Text tables for `vgac replay`: the calibration timeline and the side-by-side predictor report. */
import type { DatasetReplayReport } from '../../app/replay/replay-dataset.ts';
import type { TraceReplayReport, PredictorMetrics, ProbabilityAgreement } from '../../app/replay/replay-trace.ts';
import type { DistributionMetrics } from '../../core/replay/distribution-metrics.ts';
import type { TimelineEntry } from '../../app/replay/run-online-replay.ts';
import type { ScopeShares } from '../../app/replay/scope-shares.ts';
import type { SegmentMetrics } from '../../core/replay/prequential-metrics.ts';
import type { ScopeMetrics, ScopeMetricsByGroup } from '../../core/replay/scope-metrics.ts';

const fixed = (value: number | null | undefined, digits = 3): string =>
  value === null || value === undefined ? '—' : value.toFixed(digits);
const percent = (value: number | null | undefined): string =>
  value === null || value === undefined ? '—' : `${(100 * value).toFixed(1)}%`;

function seconds(value: number | null): string {
  if (value === null) return '—';
  if (value < 120) return `${value.toFixed(0)} s`;
  if (value < 7200) return `${(value / 60).toFixed(1)} min`;
  return `${(value / 3600).toFixed(1)} h`;
}

const TIER_SHORT: Readonly<Record<string, string>> = {
  annotate: 'A',
  warn: 'W',
  suggest_reschedule: 'S',
  require_confirmation: 'G',
};

/** One line per change of the loop (scope, tiers, drift response) and per retrain or checkpoint. */
export function formatTimeline(timeline: readonly TimelineEntry[]): string {
  const lines = [
    'outcomes  evidence  ECE [bounds]            drift            scope       state            tiers    bundle  event',
  ];
  for (const entry of timeline) {
    const bounds = entry.ece === null ? '' : ` [${fixed(entry.eceLower)}, ${fixed(entry.eceUpper)}]`;
    const tiers = entry.tiers.map((tier) => TIER_SHORT[tier] ?? tier).join('') || '—';
    const autonomy = entry.autonomy === 'unchanged' ? '' : `AUTONOMY ${entry.autonomy.toUpperCase()}; `;
    const action =
      entry.action === 'decision'
        ? ''
        : `${entry.action.toUpperCase()}${entry.action === 'retrained' ? ` → v${entry.bundleVersion}` : ''}: `;
    // Every reason: a later one (too few long waits, learning mode) may override the score's verdict.
    const event = `${action}${autonomy}${entry.reasons.join('; ')}`;
    lines.push(
      `${String(entry.outcomes).padStart(8)}  ${String(entry.sampleCount).padStart(8)}  ${(fixed(entry.ece) + bounds).padEnd(22)}  ${entry.drift.padEnd(15)}  ${entry.scope.padEnd(10)}  ${entry.state.padEnd(15)}  ${tiers.padEnd(7)}  v${String(entry.bundleVersion).padEnd(5)}  ${event}`,
    );
  }
  lines.push('tiers: A annotate, W warn, S suggest reschedule, G gate (require confirmation)');
  return lines.join('\n');
}

function formatAnswers(answers: ScopeShares): string {
  return Object.entries(answers)
    .map(([scope, { count, share }]) => `${scope} ${count} (${percent(share)})`)
    .join(' · ');
}

function metricsLine(name: string, metrics: SegmentMetrics): string {
  return `${name.padEnd(12)} ${String(metrics.jobs).padStart(6)} ${String(metrics.labelled).padStart(6)} ${fixed(metrics.auroc).padStart(6)} ${fixed(metrics.ece, 4).padStart(7)} ${fixed(metrics.brier, 4).padStart(7)} ${percent(metrics.coverage).padStart(7)} ${seconds(metrics.medianWidthSeconds).padStart(9)}`;
}

export function formatDatasetReplay(report: DatasetReplayReport): string {
  const lines = [
    `replay of ${report.jobs} jobs on cluster '${report.clusterId}' (prior ${report.priorBundleId.slice(0, 12)}), ${report.outcomes} outcomes`,
    '',
    formatTimeline(report.timeline),
    '',
    `answers: ${formatAnswers(report.answers)}`,
    '',
    'segment        jobs  label  AUROC     ECE   Brier',
    metricsLine('whole', report.overall),
    ...report.quarters.map((quarter, index) => metricsLine(`quarter ${index + 1}`, quarter)),
  ];
  if (report.final !== null) {
    lines.push(
      '',
      `final: bundle v${report.final.bundleVersion}, ECE ${fixed(report.final.ece)}, scope ${report.final.scope}, ${report.final.driftAlarms} drift alarms, ${report.final.adaptations} calibrator adaptations, ${report.final.retrains} retrains`,
    );
  }
  return lines.join('\n');
}

function scopeTable(title: string, byScope: ScopeMetricsByGroup): string[] {
  const total = byScope.acting.jobs + byScope.withheld.jobs;
  return [
    title,
    'scope         answers   share     ECE   Brier',
    ...Object.entries<ScopeMetrics>(byScope).map(
      ([scope, metrics]) =>
        `${scope.padEnd(12)} ${String(metrics.jobs).padStart(8)} ${percent(total === 0 ? null : metrics.jobs / total).padStart(7)} ${fixed(metrics.ece, 4).padStart(7)} ${fixed(metrics.brier, 4).padStart(7)}`,
    ),
  ];
}

function predictorTable(title: string, metrics: PredictorMetrics): string[] {
  return [
    title,
    'predictor      jobs  label  AUROC     ECE   Brier  cover80  width(med)',
    metricsLine('loop+ACI', metrics.loop),
    metricsLine('QBETS-style', metrics.qbets),
    metricsLine('QBETS+ACI', metrics.qbetsConformal),
    metricsLine('prior-fixed', metrics.prior),
    metricsLine('base-rate', metrics.constant),
  ];
}

function distributionLine(name: string, metrics: DistributionMetrics): string {
  const terciles = metrics.coverage80ByQueueTercile.map((value) => percent(value).padStart(6)).join(' ');
  const ece = (['900', '3600', '14400'] as const)
    .map((key) => fixed(metrics.startWithinEce[key]).padStart(6))
    .join(' ');
  return `${name.padEnd(13)}${seconds(metrics.pinball).padStart(9)}${percent(metrics.coverage80).padStart(8)}  ${terciles}${seconds(metrics.medianWidthSeconds).padStart(11)}${percent(metrics.withinFactor2).padStart(8)}  ${ece}`;
}

function distributionTable(title: string, metrics: PredictorMetrics): string[] {
  return [
    `${title}: wait distributions`,
    'predictor      pinball  cover80  by depth tercile     width(med)  ×2-ok  ECE P(start ≤ 15 min, 1 h, 4 h)',
    distributionLine('loop', metrics.loop),
    distributionLine('QBETS+ACI', metrics.qbetsConformal),
    distributionLine('empirical', metrics.empirical),
    distributionLine('backfill', metrics.backfill),
  ];
}

function agreementLine(title: string, agreement: ProbabilityAgreement): string {
  return `${title}: mean |P(long) − P(wait > threshold)| ${fixed(agreement.meanAbsoluteDisagreement)} issued, ${fixed(agreement.meanAbsoluteDisagreementBeforeAdjustment)} before agreement; ECE of P(long) ${fixed(agreement.issuedEce)} issued, ${fixed(agreement.distributionOwnEce)} from the distribution alone`;
}

export function formatTraceReplay(report: TraceReplayReport, elapsedMs: number, store: string): string {
  const lines = [
    `trace replay '${report.clusterId}': ${report.jobs} jobs, ${report.historyJobs} history jobs before onboarding, ${report.predictedJobs} predicted (${report.censoredPredicted} censored), ${report.outcomes} outcomes; store ${store}; ${(elapsedMs / 1000).toFixed(1)} s`,
    `prior: trained on ${report.prior.rows} history outcomes (${report.prior.positives} long); long-wait threshold ${seconds(report.prior.labelThresholdSeconds)}, fixed at onboarding`,
    `learning loop: ${report.alarms.driftAlarms} drift alarms (${report.alarms.perThousandOutcomes.toFixed(2)} per 1,000 outcomes), ${report.alarms.adaptations} calibrator adaptations, ${report.alarms.resets} resets, ${report.retrains} retrains`,
    `answers: ${formatAnswers(report.answers)}`,
    '',
    ...scopeTable(`answers by scope, whole trace`, report.byScope.overall),
    '',
    ...scopeTable(`answers by scope, after ${report.eceWarmupOutcomes} outcomes`, report.byScope.afterWarmup),
    '',
    ...predictorTable('whole trace', report.overall),
    '',
    ...report.quarters.flatMap((quarter, index) => [...predictorTable(`quarter ${index + 1}`, quarter), '']),
    ...predictorTable(`after ${report.eceWarmupOutcomes} outcomes`, report.afterWarmup),
    '(QBETS-style and base-rate share the constant base-rate probability; QBETS-style differs in its interval)',
    '',
    ...distributionTable('whole trace', report.overall),
    '',
    ...distributionTable(`after ${report.eceWarmupOutcomes} outcomes`, report.afterWarmup),
    `(queue-depth tercile cuts ${report.queueTercileCuts === null ? '—' : report.queueTercileCuts.join(' / ')}; backfill is point-only)`,
    agreementLine('whole trace', report.probabilityAgreement.overall),
    agreementLine(`after ${report.eceWarmupOutcomes} outcomes`, report.probabilityAgreement.afterWarmup),
  ];
  return lines.join('\n');
}

/** Timeline lines worth reading: the first ones, every drift response and retrain, every scope change. */
export function keyTimeline(timeline: readonly TimelineEntry[], maxLines = 40): TimelineEntry[] {
  const picked: TimelineEntry[] = [];
  let previousScope = '';
  for (const [index, entry] of timeline.entries()) {
    if (index < 3 || (entry.action !== 'decision' && entry.action !== 'checkpointed') || entry.scope !== previousScope)
      picked.push(entry);
    previousScope = entry.scope;
  }
  return picked.length > maxLines ? [...picked.slice(0, maxLines / 2), ...picked.slice(-maxLines / 2)] : picked;
}

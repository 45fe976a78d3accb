/**
 * The report of `vgac versus-slurm`: per job what the product issued at submit (its wait
 * distribution and point) and what Slurm estimated (`squeue --start`, a point), against the
 * realised wait; judged with the replay's metrics (core/replay/distribution-metrics.ts) over all
 * compared jobs and over the queued ones (pending at the first look after their submission), plus
 * the point estimates' absolute error. Pure apart from its arguments.
 */
import { queueTercile, tercileCuts } from '../../core/conformal/online-wait-distribution.ts';
import {
  distributionMetrics,
  START_WITHIN_SECONDS,
  type DistributionMetrics,
  type DistributionRow,
} from '../../core/replay/distribution-metrics.ts';
import type { VersusJob } from './versus-workload.ts';

/** A point this close to the realised wait (max of the share and the seconds) counts as "within". */
const WITHIN_SHARE = 0.2;
const WITHIN_SECONDS = 60;

/** The product's forecast for one job as issued at its submit instant (the stored prediction). */
export interface OurForecast {
  /** `estimated_wait_seconds`: the distribution's median, else the bundle's own estimate; null when neither. */
  readonly pointSeconds: number | null;
  /** The 80 % interval issued with the point; null with it. */
  readonly lowerSeconds: number | null;
  readonly upperSeconds: number | null;
  /** `wait_quantiles` at WAIT_QUANTILE_LEVELS; null while the cluster has too few outcomes for one. */
  readonly quantilesSeconds: readonly number[] | null;
}

export interface VersusRecord {
  /** Submission order (0-based): the first `warmUp` are not compared. */
  readonly index: number;
  readonly jobId: string;
  readonly spec: VersusJob & { readonly burst?: number };
  readonly submitMs: number;
  readonly ours: OurForecast;
  /** Pending GPUs (or processors) ahead at submit (queueDepthOf): the depth terciles are cut on it. */
  readonly queueDepth: number;
  /** squeue --start at the first look, seconds after submit; 0 when the job already ran; null while Slurm said N/A. */
  slurmSeconds: number | null;
  /** Pending at Slurm's first look after its submission (its first squeue --start answer other than N/A). */
  pendingAtFirstLook: boolean;
  realisedSeconds: number | null;
  /** Never started before the report: it waited at least this long (seconds). */
  censoredAtLeastSeconds: number | null;
}

export interface PointAccuracy {
  readonly count: number;
  readonly maeSeconds: number | null;
  readonly biasSeconds: number | null;
  /** Share within max(20 % of the realised wait, 60 s) of it. */
  readonly within: number | null;
}

/** The replay's metrics of one predictor over a group, with how many jobs it judged. */
export interface GroupDistribution {
  /** Jobs in the group (censored ones included: they count in no metric but the width). */
  readonly jobs: number;
  /** Jobs with a realised wait and a distribution (the pinball, coverage and ECE's sample). */
  readonly judgedDistributions: number;
  /** Jobs with a realised wait and a point estimate (the withinFactor2 sample). */
  readonly judgedPoints: number;
  readonly metrics: DistributionMetrics;
}

export interface VersusGroupReport {
  readonly jobs: number;
  readonly started: number;
  readonly realisedMedianSeconds: number | null;
  readonly realisedMaxSeconds: number | null;
  readonly point: { readonly ours: PointAccuracy; readonly slurm: PointAccuracy };
  /** Share of started jobs whose wait fell in our issued 80 % interval (bounds inclusive), over jobs given one. */
  readonly oursIntervalCoverage: number | null;
  readonly distribution: { readonly ours: GroupDistribution; readonly slurm: GroupDistribution };
}

export interface VersusReport {
  readonly warmUp: number;
  readonly compared: number;
  readonly started: number;
  readonly censored: number;
  /** Every compared job, then the ones pending at the first look after their submission. */
  readonly all: VersusGroupReport;
  readonly queued: VersusGroupReport;
}

/** Within max(20 % of the realised wait, 60 s) of it. */
export function withinTolerance(estimateSeconds: number, realisedSeconds: number): boolean {
  return Math.abs(estimateSeconds - realisedSeconds) <= Math.max(WITHIN_SHARE * realisedSeconds, WITHIN_SECONDS);
}

const mean = (values: readonly number[]): number | null =>
  values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;

function pointAccuracy(pairs: readonly { estimate: number; actual: number }[]): PointAccuracy {
  return {
    count: pairs.length,
    maeSeconds: mean(pairs.map(({ estimate, actual }) => Math.abs(estimate - actual))),
    biasSeconds: mean(pairs.map(({ estimate, actual }) => estimate - actual)),
    within: mean(pairs.map(({ estimate, actual }) => (withinTolerance(estimate, actual) ? 1 : 0))),
  };
}

/** The median of ascending values (mean of the middle two for an even count); null when empty. */
function medianOfSorted(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function groupDistribution(rows: readonly DistributionRow[]): GroupDistribution {
  return {
    jobs: rows.length,
    judgedDistributions: rows.filter((row) => row.quantilesSeconds !== null && row.waitSeconds !== null).length,
    judgedPoints: rows.filter((row) => row.pointSeconds !== null && row.waitSeconds !== null).length,
    metrics: distributionMetrics(rows),
  };
}

function groupReport(group: readonly VersusRecord[], tercileOf: (record: VersusRecord) => number): VersusGroupReport {
  const started = group.filter(
    (record): record is VersusRecord & { realisedSeconds: number } => record.realisedSeconds !== null,
  );
  const waits = started.map((record) => record.realisedSeconds).sort((left, right) => left - right);
  const pairs = (estimate: (record: VersusRecord) => number | null) =>
    started.flatMap((record) => {
      const value = estimate(record);
      return value === null ? [] : [{ estimate: value, actual: record.realisedSeconds }];
    });
  const withInterval = started.filter(
    (record) => record.ours.lowerSeconds !== null && record.ours.upperSeconds !== null,
  );
  return {
    jobs: group.length,
    started: started.length,
    realisedMedianSeconds: medianOfSorted(waits),
    realisedMaxSeconds: waits[waits.length - 1] ?? null,
    point: {
      ours: pointAccuracy(pairs((record) => record.ours.pointSeconds)),
      slurm: pointAccuracy(pairs((record) => record.slurmSeconds)),
    },
    oursIntervalCoverage: mean(
      withInterval.map((record) =>
        record.realisedSeconds >= (record.ours.lowerSeconds as number) &&
        record.realisedSeconds <= (record.ours.upperSeconds as number)
          ? 1
          : 0,
      ),
    ),
    distribution: {
      ours: groupDistribution(
        group.map((record) => ({
          quantilesSeconds: record.ours.quantilesSeconds,
          pointSeconds: record.ours.pointSeconds,
          waitSeconds: record.realisedSeconds,
          tercile: tercileOf(record),
        })),
      ),
      // Slurm gives a start time, no distribution: judged on its point only.
      slurm: groupDistribution(
        group.map((record) => ({
          quantilesSeconds: null,
          pointSeconds: record.slurmSeconds,
          waitSeconds: record.realisedSeconds,
          tercile: tercileOf(record),
        })),
      ),
    },
  };
}

/**
 * The comparison over the jobs after the first `warmUp`: all of them, and the queued ones.
 * Queue-depth terciles (for coverage80ByQueueTercile) are cut on the compared jobs' depths at
 * submit, as the replay cuts them on its whole trace ({@link tercileCuts}).
 */
export function versusReport(records: readonly VersusRecord[], warmUp: number): VersusReport {
  const compared = records.filter((record) => record.index >= warmUp);
  const cuts = tercileCuts(compared.map((record) => record.queueDepth));
  const tercileOf = (record: VersusRecord): number => queueTercile(record.queueDepth, cuts);
  const all = groupReport(compared, tercileOf);
  return {
    warmUp,
    compared: compared.length,
    started: all.started,
    censored: compared.length - all.started,
    all,
    queued: groupReport(
      compared.filter((record) => record.pendingAtFirstLook),
      tercileOf,
    ),
  };
}

const percent = (value: number | null): string => (value === null ? '—' : `${(value * 100).toFixed(0)} %`);
const fixed = (value: number | null): string => (value === null ? '—' : value.toFixed(3));

/** Seconds as people read them: "42 s", "3.5 min", "1.2 h"; "—" for null. */
function seconds(value: number | null): string {
  if (value === null) return '—';
  if (Math.abs(value) < 120) return `${value.toFixed(0)} s`;
  if (Math.abs(value) < 7200) return `${(value / 60).toFixed(1)} min`;
  return `${(value / 3600).toFixed(1)} h`;
}

function distributionCells(entry: GroupDistribution): string {
  const { metrics } = entry;
  const ece = START_WITHIN_SECONDS.map((limit) => fixed(metrics.startWithinEce[`${limit}`])).join(' / ');
  return `${entry.judgedDistributions} | ${entry.judgedPoints} | ${seconds(metrics.pinball)} | ${percent(metrics.coverage80)} | ${seconds(metrics.medianWidthSeconds)} | ${percent(metrics.withinFactor2)} | ${ece}`;
}

/**
 * The report as text: a summary line, the point estimates' accuracy and the replay's
 * distribution metrics, each for all compared jobs and the queued ones, then the censored jobs.
 */
export function formatVersusReport(records: readonly VersusRecord[], report: VersusReport): string {
  const groups = [
    ['all', report.all],
    ['queued', report.queued],
  ] as const;
  const lines = [
    '',
    `compared: ${report.compared} jobs (after a warm-up of ${report.warmUp}); ${report.started} started, ${report.censored} censored; ` +
      `queued (pending at the first look after submit): ${report.queued.jobs}`,
    `realised wait: all median ${seconds(report.all.realisedMedianSeconds)}, max ${seconds(report.all.realisedMaxSeconds)}; ` +
      `queued median ${seconds(report.queued.realisedMedianSeconds)}, max ${seconds(report.queued.realisedMaxSeconds)}`,
    '',
    'point estimates (ours: the issued estimated wait; slurm: squeue --start at the first look)',
    '| group | jobs | ours MAE | slurm MAE | ours bias | slurm bias | ours within 20 % or 60 s | slurm within | slurm N/A | ours 80 % interval coverage |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...groups.map(
      ([name, group]) =>
        `| ${name} | ${group.started} | ${seconds(group.point.ours.maeSeconds)} | ${seconds(group.point.slurm.maeSeconds)} | ` +
        `${seconds(group.point.ours.biasSeconds)} | ${seconds(group.point.slurm.biasSeconds)} | ${percent(group.point.ours.within)} | ` +
        `${percent(group.point.slurm.within)} | ${group.started - group.point.slurm.count} | ${percent(group.oursIntervalCoverage)} |`,
    ),
    '',
    "wait distributions, the replay's metrics (slurm gives a point only: no pinball, coverage, width or ECE)",
    '| predictor | group | judged distributions | judged points | pinball | cover80 | width (median) | ×2 or 60 s | ECE P(start ≤ 15 min / 1 h / 4 h) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...groups.flatMap(([name, group]) => [
      `| ours (vgac) | ${name} | ${distributionCells(group.distribution.ours)} |`,
      `| slurm | ${name} | ${distributionCells(group.distribution.slurm)} |`,
    ]),
    '',
  ];
  for (const record of records)
    if (record.index >= report.warmUp && record.censoredAtLeastSeconds !== null)
      lines.push(
        `censored: job ${record.jobId} never started; waited at least ${seconds(record.censoredAtLeastSeconds)} (cancelled)`,
      );
  return `${lines.join('\n')}\n`;
}

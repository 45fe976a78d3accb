/**
 * `vgac replay --trace`: a real scheduler log replayed online through the learning loop, with
 * baselines scored on the same jobs at the same instants.
 *
 * Onboarding (what an operator bringing a cluster gets): the first `warmupJobs` jobs in submit
 * order are the cluster's history. The cluster is onboarded at the submit instant T₀ of the next
 * job; its prior is a bundle trained on the history jobs whose outcome was known by T₀ (started at
 * or before T₀), labelled long when their wait exceeds the P90 of those same waits. From T₀ on,
 * every job is predicted at its submit instant; history jobs still pending at T₀ only feed the
 * label threshold and the baselines when they start.
 *
 * Label (stable, SPEC): the cluster's long-wait threshold is fixed at onboarding — the P90 (type 7)
 * of the history waits known at T₀, the threshold the prior was trained on — and a job is "long"
 * when its wait exceeds it, for the whole replay. Censored jobs never become labels.
 *
 * Features: the queue state a live observer saw at submit (`reconstructQueueState`,
 * SNAPSHOT_FEATURES); a value unknown then (no requested time, no start yet) is imputed as 0.
 * When the log declares a QoS class it is the categorical `job_type` (declared at submit).
 *
 * Predictors, side by side:
 * - loop: the learning loop's P(long wait) (recalibrated / retrained as outcomes arrive) and the
 *   wait interval production issues with it (`predictJob`'s `waitEstimate`: the 80 % interval of
 *   the job's wait distribution, core/conformal/online-wait-distribution.ts, state persisted per
 *   cluster) — the product path itself, no replay-side copy;
 * - qbets: no probability of its own (the constant base rate is reported for it); interval = rolling
 *   10 %/90 % quantiles of recent waits in the job's size class;
 * - qbetsConformal: the QBETS-style interval adjusted by the same adaptive conformal inference as
 *   the loop's (a second, independent state), so that widths are compared at equal coverage;
 * - prior: the onboarding bundle, never recalibrated (its own probability and wait interval);
 * - constant: P = share of long waits among the outcomes known so far; interval = 10 %/90 %
 *   quantiles of all waits known so far.
 *
 * Wait distributions, side by side (`distribution` metrics: pinball loss, 80 % coverage overall
 * and per queue-depth tercile, width, point within a factor of 2, ECE of P(start within T)):
 * - loop: the distribution `predictJob` issues (core/conformal/online-wait-distribution.ts);
 * - qbetsConformal: the quantiles of the QBETS window, spread by its ACI shift in log(1 + wait)
 *   in proportion to their distance from the median (exactly its interval at 10 % and 90 %);
 * - empirical: the quantiles of the last EMPIRICAL_WAIT_WINDOW observed waits, any job;
 * - backfill: point only, the wait a backfilling scheduler plans at submit
 *   (`plannedStartsSeconds`, core/traces/backfill-planned-starts.ts); null where it has no plan.
 * Queue-depth terciles for these metrics are cut on the whole replayed set (`queueDepthOf`,
 * `tercileCuts`: the loop's rule, a tie of depths kept in the first group).
 */
import { queueDepthOf, queueTercile, tercileCuts } from '../../core/conformal/online-wait-distribution.ts';
import { cdfAt, MEDIAN_INDEX, WAIT_QUANTILE_LEVELS } from '../../core/conformal/wait-distribution.ts';
import { InsufficientDataError } from '../../core/errors.ts';
import type { FeatureTable } from '../../core/features/feature-table.ts';
import { compileBundle } from '../../core/model/apply-bundle.ts';
import type { ModelBundle } from '../../core/model/bundle.ts';
import { trainBundle } from '../../core/model/train-bundle.ts';
import { seededRandom } from '../../core/random.ts';
import {
  adjustInterval,
  conformalShift,
  createAdaptiveConformal,
  DEFAULT_ADAPTIVE_CONFORMAL,
  observeConformalOutcome,
  type AdaptiveConformalOptions,
  type WaitInterval,
} from '../../core/replay/adaptive-conformal.ts';
import { distributionMetrics, type DistributionMetrics } from '../../core/replay/distribution-metrics.ts';
import {
  equalCountRanges,
  segmentMetrics,
  type PrequentialRow,
  type SegmentMetrics,
} from '../../core/replay/prequential-metrics.ts';
import {
  createQbetsBaseline,
  DEFAULT_QBETS_OPTIONS,
  jobSizeClass,
  observeQbets,
  qbetsInterval,
  qbetsQuantiles,
} from '../../core/replay/qbets-baseline.ts';
import { addToWindow, createSortedWindow, windowQuantile, windowSize } from '../../core/replay/sorted-window.ts';
import { calibrationError } from '../../core/metrics/calibration-error.ts';
import { scopeMetrics, type ScopeMetricsByGroup } from '../../core/replay/scope-metrics.ts';
import { SNAPSHOT_FEATURES, type SubmitSnapshot } from '../../core/traces/queue-state.ts';
import type { TraceJob } from '../../core/traces/trace-job.ts';
import type { LearningDeps } from '../learning/learning-deps.ts';
import { registerCluster } from '../learning/register-cluster.ts';
import type { ClusterProfile } from '../records/cluster-profile.ts';
import { runOnlineReplay, type ReplayJob, type TimelineEntry } from './run-online-replay.ts';
import { countScopes, type ScopeShares } from './scope-shares.ts';

export const DEFAULT_WARMUP_JOBS = 500;
/** ECE is judged on jobs predicted once this many outcomes were known to the loop. */
export const DEFAULT_ECE_WARMUP_OUTCOMES = 500;
/** The long-wait label: wait above this quantile of the waits observed so far. */
export const LONG_WAIT_QUANTILE = 0.9;
/** The `empirical` baseline's distribution: the quantiles of this many most recent observed waits. */
export const EMPIRICAL_WAIT_WINDOW = 1000;

export const Predictor = {
  loop: 'loop',
  qbets: 'qbets',
  qbetsConformal: 'qbetsConformal',
  prior: 'prior',
  constant: 'constant',
} as const;
export type Predictor = (typeof Predictor)[keyof typeof Predictor];

export interface TraceReplayRequest {
  readonly clusterId: string;
  /** Progress: `replayed` of `total` jobs done after onboarding (see ReplayHooks.onProgress). */
  readonly onProgress?: (replayed: number, total: number) => void;
  readonly platform: ClusterProfile['platform'];
  readonly jobs: readonly TraceJob[];
  /** `reconstructQueueState(jobs)`, same order as `jobs`. */
  readonly snapshots: readonly SubmitSnapshot[];
  /** Added to trace seconds to get epoch seconds (0 when unknown). */
  readonly epochOffsetSeconds: number;
  readonly warmupJobs?: number;
  readonly eceWarmupOutcomes?: number;
  /** ACI settings of the QBETS+ACI baseline (the loop's interval uses `deps.settings.onlineWait`, as production does). */
  readonly conformal?: AdaptiveConformalOptions;
  readonly seed?: number;
  /** Content hash for bundle ids (SHA-256 hex from the entry). */
  readonly hash: (text: string) => string;
  /** Also return every predicted job's answer and label (large: for tests and audits). */
  readonly includeJobs?: boolean;
  /**
   * The start a backfilling scheduler plans for each job at its submit instant (trace seconds,
   * same order as `jobs`, null: no plan): the `backfill` point baseline. Omitted: no such baseline.
   */
  readonly plannedStartsSeconds?: readonly (number | null)[];
}

/** What one job was told at submit and what it turned out to be. */
export interface ReplayedJob {
  readonly jobId: string;
  readonly submitSeconds: number;
  readonly probability: number;
  readonly lowerSeconds: number | null;
  readonly upperSeconds: number | null;
  readonly scope: string;
  readonly waitSeconds: number | null;
  readonly longWait: boolean | null;
}

/** Predictors judged as wait distributions (or points: `backfill`). */
export const DistributionPredictor = {
  loop: 'loop',
  qbetsConformal: 'qbetsConformal',
  empirical: 'empirical',
  backfill: 'backfill',
} as const;
export type DistributionPredictor = (typeof DistributionPredictor)[keyof typeof DistributionPredictor];

export type PredictorMetrics = Readonly<Record<Exclude<Predictor, 'loop' | 'qbetsConformal'>, SegmentMetrics>> & {
  readonly loop: SegmentMetrics & DistributionMetrics;
  readonly qbetsConformal: SegmentMetrics & DistributionMetrics;
  readonly empirical: DistributionMetrics;
  readonly backfill: DistributionMetrics;
};

/** How far the distribution's own P(wait > threshold) was from the issued P(long wait), and how calibrated each was. */
export interface ProbabilityAgreement {
  /** Jobs issued a distribution. */
  readonly jobs: number;
  /** Mean |issued P(long wait) − P(wait > threshold) read from the issued distribution|. */
  readonly meanAbsoluteDisagreement: number | null;
  /** The same before the distribution was re-weighted to agree. */
  readonly meanAbsoluteDisagreementBeforeAdjustment: number | null;
  /** ECE (15 equal-mass bins) of the distribution's own P(wait > threshold), before re-weighting, on labelled jobs. */
  readonly distributionOwnEce: number | null;
  /** ECE of the issued (classifier + calibrator) P(long wait) on the same jobs. */
  readonly issuedEce: number | null;
}

export interface TraceReplayReport {
  readonly clusterId: string;
  readonly jobs: number;
  readonly historyJobs: number;
  readonly predictedJobs: number;
  readonly censoredPredicted: number;
  readonly outcomes: number;
  readonly onboardedAtSeconds: number;
  readonly prior: {
    readonly bundleId: string;
    readonly rows: number;
    readonly positives: number;
    readonly labelThresholdSeconds: number | null;
  };
  /** The long-wait threshold (fixed at onboarding: the same as the prior's). */
  readonly finalLabelThresholdSeconds: number | null;
  readonly overall: PredictorMetrics;
  /** Equal job counts of the predicted jobs, in submit order. */
  readonly quarters: readonly PredictorMetrics[];
  /** Jobs predicted after `eceWarmupOutcomes` outcomes were known. */
  readonly afterWarmup: PredictorMetrics;
  readonly eceWarmupOutcomes: number;
  /** The loop's P(long wait) against its wait distribution's. */
  readonly probabilityAgreement: { readonly overall: ProbabilityAgreement; readonly afterWarmup: ProbabilityAgreement };
  /** Queue-depth tercile cut points of the replayed set (pending GPUs or processors ahead). */
  readonly queueTercileCuts: readonly [number, number] | null;
  readonly timeline: readonly TimelineEntry[];
  readonly answers: ScopeShares;
  /** The answers' calibration per scope (the trustworthy ones should be those acted on). */
  readonly byScope: { readonly overall: ScopeMetricsByGroup; readonly afterWarmup: ScopeMetricsByGroup };
  /** How often the loop responded to drift, per kind and per 1,000 outcomes. */
  readonly alarms: {
    readonly driftAlarms: number;
    readonly resets: number;
    readonly adaptations: number;
    readonly retrains: number;
    readonly perThousandOutcomes: number;
  };
  /** Drift responses of the online calibrator (adaptations + resets). */
  readonly recalibrations: number;
  readonly retrains: number;
  /** Timeline lines with drift other than none. */
  readonly driftEvents: number;
  readonly replayedJobs?: readonly ReplayedJob[];
}

interface JobRow {
  readonly jobId: string;
  readonly submitSeconds: number;
  readonly outcomesKnown: number;
  readonly scope: string;
  readonly rows: Record<Predictor, { probability: number; interval: WaitInterval | null }>;
  readonly distributions: Record<Exclude<DistributionPredictor, 'backfill'>, readonly number[] | null>;
  readonly backfillPointSeconds: number | null;
  readonly queueDepth: number;
  /** P(wait > threshold) of the loop's distribution before it was made to agree (null: no distribution). */
  readonly ownProbabilityAbove: number | null;
  waitSeconds: number | null;
  longWait: boolean | null;
}

function snapshotFeatures(snapshot: SubmitSnapshot, jobType: string | null): Record<string, number | string> {
  const features: Record<string, number | string> = {};
  for (const name of SNAPSHOT_FEATURES) features[name] = snapshot[name] ?? 0;
  if (jobType !== null) features['job_type'] = jobType;
  return features;
}

function historyTable(
  source: string,
  entries: readonly { features: Record<string, number | string>; waitSeconds: number }[],
  thresholdSeconds: number,
): FeatureTable {
  const hasJobType = entries.some((entry) => typeof entry.features['job_type'] === 'string');
  return {
    source,
    numericFeatures: [...SNAPSHOT_FEATURES],
    categoricalFeatures: hasJobType ? ['job_type'] : [],
    rows: entries.map((entry) => SNAPSHOT_FEATURES.map((name) => entry.features[name] as number)),
    categorical: entries.map((entry) => (hasJobType ? [String(entry.features['job_type'])] : [])),
    labels: Uint8Array.from(entries, (entry) => (entry.waitSeconds > thresholdSeconds ? 1 : 0)),
    waitsSeconds: Float64Array.from(entries, (entry) => entry.waitSeconds),
    labelThresholdSeconds: thresholdSeconds,
  };
}

/**
 * A base distribution's quantiles spread by an interval's conformal shift in log(1 + wait): each
 * moves by shift·(level − ½)/0.4, so the 10 % and 90 % quantiles move exactly as the interval's
 * bounds and the median not at all; crossing quantiles are sorted.
 */
function conformalQuantiles(quantilesSeconds: readonly number[] | null, shift: number): number[] | null {
  if (quantilesSeconds === null) return null;
  const spread = quantilesSeconds.map((value, index) =>
    Math.expm1(Math.max(0, Math.log1p(value) + (shift * ((WAIT_QUANTILE_LEVELS[index] as number) - 0.5)) / 0.4)),
  );
  return spread.sort((left, right) => left - right);
}

function scopedAnswer(row: JobRow): { scope: string; probability: number; longWait: boolean | null } {
  return { scope: row.scope, probability: row.rows.loop.probability, longWait: row.longWait };
}

export async function replayTrace(deps: LearningDeps, request: TraceReplayRequest): Promise<TraceReplayReport> {
  const { jobs, snapshots } = request;
  const warmupJobs = Math.min(request.warmupJobs ?? DEFAULT_WARMUP_JOBS, Math.max(jobs.length - 1, 0));
  const eceWarmupOutcomes = request.eceWarmupOutcomes ?? DEFAULT_ECE_WARMUP_OUTCOMES;
  const toMs = (seconds: number): number => Math.round((seconds + request.epochOffsetSeconds) * 1000);
  const declaresClass = jobs.some((job) => job.qos !== '');
  const order = Array.from(jobs.keys()).sort(
    (left, right) =>
      (jobs[left] as TraceJob).submitTimeSeconds - (jobs[right] as TraceJob).submitTimeSeconds || left - right,
  );
  const onboardIndex = order[warmupJobs];
  if (onboardIndex === undefined)
    throw new InsufficientDataError(
      `trace has ${jobs.length} jobs; a replay needs more than the ${warmupJobs} history jobs`,
    );
  const onboardSeconds = (jobs[onboardIndex] as TraceJob).submitTimeSeconds;

  const featuresOf = order.map((index) =>
    snapshotFeatures(snapshots[index] as SubmitSnapshot, declaresClass ? (jobs[index] as TraceJob).qos : null),
  );
  const featuresByIndex = new Map(
    order.map((index, position) => [index, featuresOf[position] as Record<string, number | string>]),
  );

  // ── Onboarding: the history known at T₀ ──
  const qbets = createQbetsBaseline(DEFAULT_QBETS_OPTIONS);
  const allWaits = createSortedWindow(Number.POSITIVE_INFINITY);
  const recentWaits = createSortedWindow(EMPIRICAL_WAIT_WINDOW);
  let labelledSoFar = 0;
  let longSoFar = 0;
  const sizeClassOf = (job: TraceJob): string => jobSizeClass(job.requestedProcessors, job.requestedGpus);
  const known: { features: Record<string, number | string>; waitSeconds: number }[] = [];
  const history = new Set(order.slice(0, warmupJobs));
  for (const index of order.slice(0, warmupJobs)) {
    const job = jobs[index] as TraceJob;
    if (job.startTimeSeconds === null || job.startTimeSeconds > onboardSeconds) continue;
    known.push({
      features: featuresByIndex.get(index) as Record<string, number | string>,
      waitSeconds: job.startTimeSeconds - job.submitTimeSeconds,
    });
  }
  // History outcomes enter the label threshold and the baselines in the order they became known.
  const knownSorted = order
    .slice(0, warmupJobs)
    .filter((index) => {
      const start = (jobs[index] as TraceJob).startTimeSeconds;
      return start !== null && start <= onboardSeconds;
    })
    .sort(
      (left, right) =>
        ((jobs[left] as TraceJob).startTimeSeconds as number) - ((jobs[right] as TraceJob).startTimeSeconds as number),
    );
  const learnOutcome = (job: TraceJob, waitSeconds: number, longWait: boolean): void => {
    observeQbets(qbets, sizeClassOf(job), waitSeconds);
    addToWindow(allWaits, waitSeconds);
    addToWindow(recentWaits, waitSeconds);
    labelledSoFar += 1;
    if (longWait) longSoFar += 1;
  };
  if (known.length === 0)
    throw new InsufficientDataError(`none of the first ${warmupJobs} jobs had started by the onboarding instant`);
  const historyWaits = createSortedWindow(Number.POSITIVE_INFINITY);
  for (const entry of known) addToWindow(historyWaits, entry.waitSeconds);
  const priorThreshold = windowQuantile(historyWaits, LONG_WAIT_QUANTILE) as number;
  for (const index of knownSorted) {
    const job = jobs[index] as TraceJob;
    const waitSeconds = (job.startTimeSeconds as number) - job.submitTimeSeconds;
    learnOutcome(job, waitSeconds, waitSeconds > priorThreshold);
  }

  const table = historyTable(`first ${warmupJobs} jobs of ${request.clusterId}`, known, priorThreshold);
  const positives = table.labels?.reduce((sum, label) => sum + label, 0) ?? 0;
  if (positives < 5 || positives > known.length - 5) {
    throw new InsufficientDataError(
      `the ${known.length} history outcomes hold ${positives} long waits; training a prior needs at least 5 of each class`,
    );
  }
  const seed = request.seed ?? deps.settings.seed;
  const prior: ModelBundle = trainBundle(table, {
    random: seededRandom(seed),
    source: table.source,
    dataHash: request.hash(JSON.stringify(table.rows)),
    hash: request.hash,
  });
  const compiledPrior = compileBundle(prior);
  await registerCluster(deps, {
    clusterId: request.clusterId,
    prior,
    platform: request.platform,
    nowMs: toMs(onboardSeconds),
    longWaitThresholdSeconds: priorThreshold,
  });

  // ── Online replay ──
  const qbetsConformal = createAdaptiveConformal(request.conformal ?? DEFAULT_ADAPTIVE_CONFORMAL);
  const jobRows = new Map<string, JobRow>();
  let loopOutcomes = 0;
  const traceJobById = new Map<string, TraceJob>();
  const plannedById = new Map<string, number | null>();
  if (request.plannedStartsSeconds !== undefined)
    jobs.forEach((job, index) => plannedById.set(job.id, request.plannedStartsSeconds?.[index] ?? null));
  const replayJobs: ReplayJob[] = [];
  for (const index of order) {
    const job = jobs[index] as TraceJob;
    const isHistory = history.has(index);
    if (isHistory && job.startTimeSeconds !== null && job.startTimeSeconds <= onboardSeconds) continue;
    if (isHistory && job.startTimeSeconds === null) continue;
    traceJobById.set(job.id, job);
    replayJobs.push({
      jobId: job.id,
      submitMs: toMs(job.submitTimeSeconds),
      startMs: job.startTimeSeconds === null ? null : toMs(job.startTimeSeconds),
      features: featuresByIndex.get(index) as Record<string, number | string>,
      predicted: !isHistory,
    });
  }

  const result = await runOnlineReplay(deps, {
    clusterId: request.clusterId,
    jobs: replayJobs,
    hooks: {
      onPredicted: (job, predicted) => {
        const trace = traceJobById.get(job.jobId) as TraceJob;
        const issued = predicted.prediction.waitEstimate;
        const priorScored = compiledPrior.predict(job.features);
        const constantProbability = labelledSoFar === 0 ? 1 - LONG_WAIT_QUANTILE : longSoFar / labelledSoFar;
        const qbetsBase = qbetsInterval(qbets, sizeClassOf(trace));
        const lowQ = windowQuantile(allWaits, 0.1);
        const highQ = windowQuantile(allWaits, 0.9);
        const planned = plannedById.get(job.jobId) ?? null;
        jobRows.set(job.jobId, {
          jobId: job.jobId,
          submitSeconds: trace.submitTimeSeconds,
          outcomesKnown: loopOutcomes,
          scope: predicted.decision.scope,
          rows: {
            loop: {
              probability: predicted.prediction.probability,
              interval:
                issued === null ? null : { lowerSeconds: issued.lowerSeconds, upperSeconds: issued.upperSeconds },
            },
            qbets: { probability: constantProbability, interval: qbetsBase },
            qbetsConformal: {
              probability: constantProbability,
              interval: qbetsBase === null ? null : adjustInterval(qbetsConformal, qbetsBase),
            },
            prior: {
              probability: priorScored.probability,
              interval:
                priorScored.wait === null
                  ? null
                  : { lowerSeconds: priorScored.wait.lowerSeconds, upperSeconds: priorScored.wait.upperSeconds },
            },
            constant: {
              probability: constantProbability,
              interval: lowQ === null || highQ === null ? null : { lowerSeconds: lowQ, upperSeconds: highQ },
            },
          },
          distributions: {
            loop: predicted.prediction.waitDistribution?.quantilesSeconds ?? null,
            qbetsConformal: conformalQuantiles(
              qbetsQuantiles(qbets, sizeClassOf(trace), WAIT_QUANTILE_LEVELS),
              conformalShift(qbetsConformal),
            ),
            empirical:
              windowSize(recentWaits) === 0
                ? null
                : WAIT_QUANTILE_LEVELS.map((level) => windowQuantile(recentWaits, level) as number),
          },
          backfillPointSeconds: planned === null ? null : Math.max(0, planned - trace.submitTimeSeconds),
          queueDepth: queueDepthOf(job.features),
          ownProbabilityAbove: predicted.waitDistribution.ownProbabilityAbove,
          waitSeconds: null,
          longWait: null,
        });
      },
      onOutcome: (job, waitSeconds) => {
        const trace = traceJobById.get(job.jobId) as TraceJob;
        const longWait = waitSeconds > priorThreshold;
        const row = jobRows.get(job.jobId);
        if (row !== undefined) {
          loopOutcomes += 1;
          row.waitSeconds = waitSeconds;
          row.longWait = longWait;
          const qbetsBase = row.rows.qbets.interval;
          const qbetsIssued = row.rows.qbetsConformal.interval;
          if (qbetsBase !== null && qbetsIssued !== null)
            observeConformalOutcome(qbetsConformal, qbetsBase, qbetsIssued, waitSeconds);
        }
        learnOutcome(trace, waitSeconds, longWait);
      },
      ...(request.onProgress === undefined ? {} : { onProgress: request.onProgress }),
    },
  });

  const ordered = [...jobRows.values()].sort((left, right) => left.submitSeconds - right.submitSeconds);
  const cuts = tercileCuts(ordered.map((row) => row.queueDepth));
  const tercileOf = new Map(ordered.map((row) => [row.jobId, queueTercile(row.queueDepth, cuts)]));
  const distributionOf = (rows: readonly JobRow[], predictor: DistributionPredictor): DistributionMetrics =>
    distributionMetrics(
      rows.map((row) => {
        const quantiles = predictor === DistributionPredictor.backfill ? null : row.distributions[predictor];
        return {
          quantilesSeconds: quantiles,
          pointSeconds:
            predictor === DistributionPredictor.backfill
              ? row.backfillPointSeconds
              : (quantiles?.[MEDIAN_INDEX] ?? null),
          waitSeconds: row.waitSeconds,
          tercile: tercileOf.get(row.jobId) as number,
        };
      }),
    );
  const metricsOf = (rows: readonly JobRow[]): PredictorMetrics => {
    const byPredictor = (predictor: Predictor): PrequentialRow[] =>
      rows.map((row) => {
        const scored = row.rows[predictor];
        return {
          probability: scored.probability,
          longWait: row.longWait,
          waitSeconds: row.waitSeconds,
          lowerSeconds: scored.interval?.lowerSeconds ?? null,
          upperSeconds: scored.interval?.upperSeconds ?? null,
        };
      });
    return {
      loop: { ...segmentMetrics(byPredictor(Predictor.loop)), ...distributionOf(rows, DistributionPredictor.loop) },
      qbets: segmentMetrics(byPredictor(Predictor.qbets)),
      qbetsConformal: {
        ...segmentMetrics(byPredictor(Predictor.qbetsConformal)),
        ...distributionOf(rows, DistributionPredictor.qbetsConformal),
      },
      prior: segmentMetrics(byPredictor(Predictor.prior)),
      constant: segmentMetrics(byPredictor(Predictor.constant)),
      empirical: distributionOf(rows, DistributionPredictor.empirical),
      backfill:
        request.plannedStartsSeconds === undefined
          ? distributionMetrics([])
          : distributionOf(rows, DistributionPredictor.backfill),
    };
  };
  const agreementOf = (rows: readonly JobRow[]): ProbabilityAgreement => {
    const issued = rows.filter((row) => row.distributions.loop !== null && row.ownProbabilityAbove !== null);
    const labelled = issued.filter((row) => row.longWait !== null);
    const mean = (values: readonly number[]): number | null =>
      values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
    const ece = (probability: (row: JobRow) => number): number | null =>
      labelled.length === 0
        ? null
        : calibrationError(
            Float64Array.from(labelled, probability),
            Uint8Array.from(labelled, (row) => (row.longWait === true ? 1 : 0)),
          ).ece;
    return {
      jobs: issued.length,
      meanAbsoluteDisagreement: mean(
        issued.map((row) =>
          Math.abs(
            row.rows.loop.probability - (1 - cdfAt(row.distributions.loop as readonly number[], priorThreshold)),
          ),
        ),
      ),
      meanAbsoluteDisagreementBeforeAdjustment: mean(
        issued.map((row) => Math.abs(row.rows.loop.probability - (row.ownProbabilityAbove as number))),
      ),
      distributionOwnEce: ece((row) => row.ownProbabilityAbove as number),
      issuedEce: ece((row) => row.rows.loop.probability),
    };
  };
  const final = result.finalCalibration;
  return {
    clusterId: request.clusterId,
    jobs: jobs.length,
    historyJobs: warmupJobs,
    predictedJobs: result.predictedJobs,
    censoredPredicted: ordered.filter((row) => row.waitSeconds === null).length,
    outcomes: result.outcomes,
    onboardedAtSeconds: onboardSeconds,
    prior: {
      bundleId: prior.bundleId,
      rows: prior.training.rows,
      positives: prior.training.positives,
      labelThresholdSeconds: priorThreshold,
    },
    finalLabelThresholdSeconds: priorThreshold,
    overall: metricsOf(ordered),
    byScope: {
      overall: scopeMetrics(ordered.map(scopedAnswer)),
      afterWarmup: scopeMetrics(ordered.filter((row) => row.outcomesKnown >= eceWarmupOutcomes).map(scopedAnswer)),
    },
    alarms: {
      driftAlarms: final?.counters.driftAlarms ?? 0,
      resets: final?.counters.resets ?? 0,
      adaptations: final?.counters.adaptations ?? 0,
      retrains: final?.retrains ?? 0,
      perThousandOutcomes: result.outcomes === 0 ? 0 : (1000 * (final?.counters.driftAlarms ?? 0)) / result.outcomes,
    },
    quarters: equalCountRanges(ordered.length, 4).map(([start, end]) => metricsOf(ordered.slice(start, end))),
    afterWarmup: metricsOf(ordered.filter((row) => row.outcomesKnown >= eceWarmupOutcomes)),
    eceWarmupOutcomes,
    probabilityAgreement: {
      overall: agreementOf(ordered),
      afterWarmup: agreementOf(ordered.filter((row) => row.outcomesKnown >= eceWarmupOutcomes)),
    },
    queueTercileCuts: cuts,
    timeline: result.timeline,
    answers: countScopes(ordered.map((row) => row.scope)),
    recalibrations: (final?.counters.adaptations ?? 0) + (final?.counters.resets ?? 0),
    retrains: final?.retrains ?? 0,
    driftEvents: result.timeline.filter((entry) => entry.drift !== 'none').length,
    ...(request.includeJobs === true
      ? {
          replayedJobs: ordered.map((row) => ({
            jobId: row.jobId,
            submitSeconds: row.submitSeconds,
            probability: row.rows.loop.probability,
            lowerSeconds: row.rows.loop.interval?.lowerSeconds ?? null,
            upperSeconds: row.rows.loop.interval?.upperSeconds ?? null,
            scope: row.scope,
            waitSeconds: row.waitSeconds,
            longWait: row.longWait,
          })),
        }
      : {}),
  };
}

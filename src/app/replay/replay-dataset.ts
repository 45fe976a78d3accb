/**
 * `vgac replay --data`: a labelled job table with real submit and start times (e.g.
 * slurm_training_dataset.csv) replayed in time order through the learning loop, starting from a
 * prior bundle trained elsewhere (e.g. on EKS). The cluster is onboarded with the dataset's own
 * long-wait threshold (its `wait_threshold_p90`: the environment's P90), so every outcome is
 * labelled as the dataset labels it, when the job starts.
 */
import type { ModelBundle } from '../../core/model/bundle.ts';
import {
  equalCountRanges,
  segmentMetrics,
  type PrequentialRow,
  type SegmentMetrics,
} from '../../core/replay/prequential-metrics.ts';
import type { LearningDeps } from '../learning/learning-deps.ts';
import { registerCluster } from '../learning/register-cluster.ts';
import type { ClusterProfile } from '../records/cluster-profile.ts';
import { runOnlineReplay, type ReplayJob, type TimelineEntry } from './run-online-replay.ts';
import { countScopes, type ScopeShares } from './scope-shares.ts';

export interface DatasetJob {
  readonly jobId: string;
  readonly submitMs: number;
  readonly startMs: number;
  readonly longWait: boolean;
  readonly features: Readonly<Record<string, number | string>>;
}

export interface DatasetReplayRequest {
  readonly clusterId: string;
  readonly platform: ClusterProfile['platform'];
  readonly prior: ModelBundle;
  readonly jobs: readonly DatasetJob[];
  /** The environment's long-wait threshold, seconds (the dataset's `wait_threshold_p90`). */
  readonly longWaitThresholdSeconds: number;
  /** Progress: `replayed` of `total` jobs done (see ReplayHooks.onProgress). */
  readonly onProgress?: (replayed: number, total: number) => void;
}

export interface DatasetReplayReport {
  readonly clusterId: string;
  readonly jobs: number;
  readonly outcomes: number;
  readonly priorBundleId: string;
  readonly timeline: readonly TimelineEntry[];
  readonly answers: ScopeShares;
  /** Prequential metrics of the loop's P(long wait): whole replay and per quarter (equal job counts, submit order). */
  readonly overall: SegmentMetrics;
  readonly quarters: readonly SegmentMetrics[];
  readonly final: {
    readonly ece: number | null;
    readonly scope: string;
    readonly bundleVersion: number;
    readonly driftAlarms: number;
    readonly adaptations: number;
    readonly retrains: number;
  } | null;
}

export async function replayDataset(deps: LearningDeps, request: DatasetReplayRequest): Promise<DatasetReplayReport> {
  const firstSubmitMs = Math.min(...request.jobs.map((job) => job.submitMs));
  await registerCluster(deps, {
    clusterId: request.clusterId,
    prior: request.prior,
    platform: request.platform,
    nowMs: firstSubmitMs,
    longWaitThresholdSeconds: request.longWaitThresholdSeconds,
  });
  const rows = new Map<string, { probability: number; scope: string; submitMs: number }>();
  const replayJobs: ReplayJob[] = request.jobs.map((job) => ({ ...job, predicted: true }));

  const result = await runOnlineReplay(deps, {
    clusterId: request.clusterId,
    jobs: replayJobs,
    hooks: {
      onPredicted: (job, predicted) =>
        rows.set(job.jobId, {
          probability: predicted.prediction.probability,
          scope: predicted.decision.scope,
          submitMs: job.submitMs,
        }),
      ...(request.onProgress === undefined ? {} : { onProgress: request.onProgress }),
    },
  });

  const ordered = request.jobs.slice().sort((left, right) => left.submitMs - right.submitMs);
  const prequential: PrequentialRow[] = ordered.map((job) => ({
    probability: rows.get(job.jobId)?.probability ?? 0,
    longWait: job.longWait,
    waitSeconds: (job.startMs - job.submitMs) / 1000,
    lowerSeconds: null,
    upperSeconds: null,
  }));
  const final = result.finalCalibration;
  return {
    clusterId: request.clusterId,
    jobs: result.predictedJobs,
    outcomes: result.outcomes,
    priorBundleId: request.prior.bundleId,
    timeline: result.timeline,
    answers: countScopes([...rows.values()].map((row) => row.scope)),
    overall: segmentMetrics(prequential),
    quarters: equalCountRanges(prequential.length, 4).map(([start, end]) =>
      segmentMetrics(prequential.slice(start, end)),
    ),
    final:
      final === undefined
        ? null
        : {
            ece: final.evidence?.ece ?? null,
            scope: final.scope,
            bundleVersion: final.activeBundleVersion,
            driftAlarms: final.counters.driftAlarms,
            adaptations: final.counters.adaptations,
            retrains: final.retrains,
          },
  };
}

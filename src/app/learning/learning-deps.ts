/**
 * What the learning-loop use cases need: the stores, the gate's thresholds, the learning policy, a
 * logger and the loop's settings. Built once by the entry's wiring; each use case takes only the
 * parts it uses.
 */
import { createHash } from 'node:crypto';
import {
  DEFAULT_WAIT_DISTRIBUTION_OPTIONS,
  type WaitDistributionOptions,
} from '../../core/conformal/online-wait-distribution.ts';
import { DEFAULT_ONLINE_WAIT_OPTIONS, type OnlineWaitOptions } from '../../core/conformal/online-wait-interval.ts';
import type { GateConfig } from '../../core/gating/gate-config.ts';
import { DEFAULT_LEARNING_POLICY, type LearningPolicy } from '../../core/learning/learning-policy.ts';
import type { BundleStore } from '../ports/bundle-store.ts';
import type { CalibrationHistoryStore } from '../ports/calibration-history-store.ts';
import type { CalibrationSource } from '../ports/calibration-source.ts';
import type { ClusterRegistry } from '../ports/cluster-registry.ts';
import type { FoldScheduler } from '../ports/fold-scheduler.ts';
import type { LearningStateStore } from '../ports/learning-state-store.ts';
import type { Logger } from '../ports/logger.ts';
import type { MaintenanceScheduler } from '../ports/maintenance-scheduler.ts';
import type { OnceGuard } from '../ports/once-guard.ts';
import type { PredictionLog } from '../ports/prediction-log.ts';
import { createBundleCache, type BundleCache } from './bundle-cache.ts';

export interface LearningSettings {
  /** Most recent outcomes a retrain learns from. */
  readonly retrainWindow: number;
  /** Seed of the retrain's folds: retrains are reproducible. */
  readonly seed: number;
  /** The online conformal wait interval every prediction carries. */
  readonly onlineWait: OnlineWaitOptions;
  /** The online calibration of the wait distribution every prediction carries. */
  readonly waitDistribution: WaitDistributionOptions;
  /**
   * Pending outcomes folded per conditional write of the learning state, at most. Each write costs
   * a read and a write of the whole record whatever the batch, so a backlog goes in large batches;
   * 250 pending outcomes (about 150 KB) come back in one query page (DynamoDB returns up to 1 MB),
   * and stay far below FOLDED_JOB_KEYS_KEPT.
   */
  readonly foldBatch: number;
}

export const DEFAULT_LEARNING_SETTINGS: LearningSettings = Object.freeze({
  retrainWindow: 2000,
  seed: 42,
  onlineWait: DEFAULT_ONLINE_WAIT_OPTIONS,
  waitDistribution: DEFAULT_WAIT_DISTRIBUTION_OPTIONS,
  foldBatch: 250,
});

export interface LearningDeps {
  readonly predictions: PredictionLog;
  readonly learning: LearningStateStore;
  readonly calibration: CalibrationSource;
  readonly registry: ClusterRegistry;
  readonly bundles: BundleStore;
  readonly gate: GateConfig;
  readonly policy: LearningPolicy;
  readonly logger: Logger;
  readonly settings: LearningSettings;
  readonly cache: BundleCache;
  /** Content hash for new bundle ids and data hashes (SHA-256 hex in production; core has no crypto). */
  readonly hash: (text: string) => string;
  /** When set, the loop appends a point here at every change and regularly in between (the dashboard's ECE over time). */
  readonly history?: CalibrationHistoryStore;
  /**
   * Where a due maintenance (retrain, checkpoint, feature-shift check) goes. Unset: inline, before
   * the outcome call returns (tests, the replay, CLI batch runs). Entries that serve clients set a
   * background or queued scheduler so no request waits on it.
   */
  readonly maintenance?: MaintenanceScheduler;
  /**
   * When set, one caller at a time folds a cluster's pending outcomes (a lease with a short time
   * to live) while the others wait for theirs: saves the work of folds that would lose their
   * conditional write under concurrency. Unset (the replay, single-writer tools): no lease.
   */
  readonly foldLease?: OnceGuard;
  /**
   * Where an outcome's fold runs. Unset: inline, before the outcome call returns (the replay,
   * tools, Lambda). A server sets a background scheduler (background-folds.ts): the outcome is
   * answered once durably queued and folded, with the others pending, moments later.
   */
  readonly folds?: FoldScheduler;
}

/** SHA-256 hex: ids of bundles published by the loop (a pure computation, so the app may use node:crypto). */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function createLearningDeps(
  parts: Omit<LearningDeps, 'cache' | 'settings' | 'hash' | 'policy'> & {
    settings?: Partial<LearningSettings>;
    hash?: (text: string) => string;
    policy?: LearningPolicy;
  },
): LearningDeps {
  return {
    hash: sha256Hex,
    policy: DEFAULT_LEARNING_POLICY,
    ...parts,
    settings: { ...DEFAULT_LEARNING_SETTINGS, ...parts.settings },
    cache: createBundleCache(),
  };
}

/**
 * What the learning-loop use cases need: the two stores, the gate's thresholds, a logger,
 * and the loop's own settings. Built once by the entry's wiring and passed to every use case.
 */
import { createHash } from 'node:crypto';
import { DEFAULT_ONLINE_WAIT_OPTIONS, type OnlineWaitOptions } from '../../core/conformal/online-wait-interval.ts';
import type { GateConfig } from '../../core/gating/gate-config.ts';
import type { BundleStore } from '../ports/bundle-store.ts';
import type { CalibrationHistoryStore } from '../ports/calibration-history-store.ts';
import type { ClusterStore } from '../ports/cluster-store.ts';
import type { Logger } from '../ports/logger.ts';
import type { RecomputeScheduler } from '../ports/recompute-scheduler.ts';
import { createBundleCache, type BundleCache } from './bundle-cache.ts';

export interface LearningSettings {
  /** Most recent outcomes (under the active bundle) that calibration is computed on. */
  readonly windowSize: number;
  /** Bootstrap resamples for the ECE confidence interval of each recompute. */
  readonly bootstrapResamples: number;
  /** Window AUROC below this (with at least `minOutcomesToRetrain`) means the model no longer discriminates: retrain. */
  readonly retrainBelowAuroc: number;
  readonly minOutcomesToRetrain: number;
  /** Below this many window outcomes a recalibration fits Platt scaling (2 parameters) instead of isotonic regression. */
  readonly isotonicMinOutcomes: number;
  /** Seed for the bootstrap and the fold shuffles: recomputes are reproducible. */
  readonly seed: number;
  /** The online conformal wait interval every prediction carries (issue 7). */
  readonly onlineWait: OnlineWaitOptions;
  /**
   * Deviation from SPEC, on by default: an ECE trigger (drift ratio > 5, weekly ECE > 0.07)
   * refits only when the window's ECE exceeds the 95th percentile of the ECE a calibrated model
   * would show on the same forecasts (consistency resampling). SPEC's numbers assume large
   * windows; at 50 outcomes a perfectly calibrated model shows ECE ≈ 0.1–0.2 and would be
   * refitted on noise. Scope and tiers still use the raw ECE either way. false = SPEC literally.
   */
  readonly requireSignificantMiscalibration: boolean;
}

export const DEFAULT_LEARNING_SETTINGS: LearningSettings = Object.freeze({
  windowSize: 1000,
  bootstrapResamples: 200,
  retrainBelowAuroc: 0.6,
  minOutcomesToRetrain: 200,
  isotonicMinOutcomes: 300,
  seed: 42,
  onlineWait: DEFAULT_ONLINE_WAIT_OPTIONS,
  requireSignificantMiscalibration: true,
});

export interface LearningDeps {
  readonly store: ClusterStore;
  readonly bundles: BundleStore;
  readonly gate: GateConfig;
  readonly logger: Logger;
  readonly settings: LearningSettings;
  readonly cache: BundleCache;
  /** Content hash for new bundle ids and data hashes (SHA-256 hex in production; core has no crypto). */
  readonly hash: (text: string) => string;
  /** When set, every recompute that writes appends a point here (the dashboard's ECE over time). */
  readonly history?: CalibrationHistoryStore;
  /**
   * Where `recordJobOutcome` sends a due recompute. Unset: inline, with these deps, before the
   * outcome call returns (tests, the replay, CLI batch runs). Entries that serve clients set a
   * background or queued scheduler so no request waits on a recompute.
   */
  readonly recompute?: RecomputeScheduler;
}

/** SHA-256 hex: ids of bundles published by the loop (a pure computation, so the app may use node:crypto). */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function createLearningDeps(
  parts: Omit<LearningDeps, 'cache' | 'settings' | 'hash'> & { settings?: Partial<LearningSettings>; hash?: (text: string) => string },
): LearningDeps {
  return {
    hash: sha256Hex,
    ...parts,
    settings: { ...DEFAULT_LEARNING_SETTINGS, ...parts.settings },
    cache: createBundleCache(),
  };
}

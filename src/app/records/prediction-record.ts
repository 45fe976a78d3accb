import type { ActionScope, Tier } from '../../core/gating/gate-config.ts';

/** Wait estimate attached to a prediction. */
export interface WaitEstimate {
  readonly pointSeconds: number;
  readonly lowerSeconds: number;
  readonly upperSeconds: number;
  /** Nominal coverage of [lower, upper], e.g. 0.8. */
  readonly coverage: number;
}

export interface Outcome {
  readonly waitSeconds: number;
  readonly longWait: boolean;
  readonly observedAtMs: number;
}

/** One scored job, stored as `PREDICTION#{iso-ts}#{jobId}`. */
export interface PredictionRecord {
  readonly clusterId: string;
  readonly jobId: string;
  readonly predictedAtMs: number;
  readonly features: Readonly<Record<string, number | string>>;
  /** The classifier's uncalibrated score (logit) — what a recalibration refits on. */
  readonly rawScore: number;
  readonly probability: number;
  readonly waitEstimate: WaitEstimate | null;
  readonly scope: ActionScope;
  readonly tier: Tier | null;
  readonly bundleVersion: number;
  readonly outcome?: Outcome;
  /**
   * The interval `waitEstimate` was conformally adjusted from (seconds), kept so the outcome can
   * be scored against it (issue 7). Absent on predictions without a wait estimate.
   */
  readonly waitBase?: { readonly lowerSeconds: number; readonly upperSeconds: number };
  /** The P(long wait) bin of the online wait interval, returned with the outcome (issue 7). */
  readonly waitBin?: number;
}

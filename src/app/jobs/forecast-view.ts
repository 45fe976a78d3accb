/**
 * The one place a job's forecast is read off a prediction as predict-job.ts issues it (P(long
 * wait), the wait estimate with its interval, the wait distribution's median where one is issued,
 * the scope): everything about a submitted job — answers, the API, notifications, what-if
 * ranking — goes through {@link forecastViewOf}, so more of the distribution is added here once.
 */
import { MEDIAN_INDEX } from '../../core/conformal/wait-distribution.ts';
import type { ActionScope, Tier } from '../../core/gating/gate-config.ts';
import type { PredictionRecord } from '../records/prediction-record.ts';

export interface ForecastView {
  /** Calibrated P(long wait), in [0, 1]. */
  readonly probabilityLongWait: number;
  /** The wait estimate from `fromMs` (seconds) with its interval; null when the cluster gives none. */
  readonly wait: {
    readonly estimateSeconds: number;
    readonly lowerSeconds: number;
    readonly upperSeconds: number;
    readonly coverage: number;
  } | null;
  /** The median of the issued wait distribution (seconds from `fromMs`); null when none was issued. */
  readonly medianSeconds: number | null;
  /** `fromMs` + the estimate (epoch ms); null without an estimate. */
  readonly expectedStartMs: number | null;
  /** The cluster's scope when the forecast was issued: how far it is calibrated. */
  readonly scope: ActionScope;
  readonly tier: Tier | null;
  /** When the forecast was issued (epoch ms). */
  readonly issuedAtMs: number;
}

/** The forecast of `prediction`, its wait counted from `fromMs` (the submit instant, or now for a fresh what-if). */
export function forecastViewOf(prediction: PredictionRecord, fromMs: number): ForecastView {
  const estimate = prediction.waitEstimate;
  return {
    probabilityLongWait: prediction.probability,
    wait:
      estimate === null
        ? null
        : {
            estimateSeconds: estimate.pointSeconds,
            lowerSeconds: estimate.lowerSeconds,
            upperSeconds: estimate.upperSeconds,
            coverage: estimate.coverage,
          },
    medianSeconds: prediction.waitDistribution?.quantilesSeconds?.[MEDIAN_INDEX] ?? null,
    expectedStartMs: estimate === null ? null : fromMs + Math.round(estimate.pointSeconds * 1000),
    scope: prediction.scope,
    tier: prediction.tier,
    issuedAtMs: prediction.predictedAtMs,
  };
}

/** The wait a material move is judged on: the distribution's median where one was issued, else the estimate. */
export function moveBasisSeconds(view: ForecastView): number | null {
  return view.medianSeconds ?? view.wait?.estimateSeconds ?? null;
}

/**
 * The one place a job's forecast is read off a prediction as predict-job.ts issues it (P(long
 * wait), the wait estimate with its interval, the scope): everything about a submitted job —
 * answers, the API, notifications, what-if ranking — goes through {@link forecastViewOf}, so a
 * richer forecast (a wait distribution's quantiles) is added here once.
 */
import type { ActionScope, Tier } from '../../core/gating/gate-config.ts';
import type { PredictionRecord } from '../records/prediction-record.ts';

export interface ForecastView {
  /** Calibrated P(long wait), in [0, 1]. */
  readonly probabilityLongWait: number;
  /** The wait estimate from `fromMs` (seconds) with its interval; null when the cluster gives none. */
  readonly wait: { readonly estimateSeconds: number; readonly lowerSeconds: number; readonly upperSeconds: number; readonly coverage: number } | null;
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
    wait: estimate === null ? null : { estimateSeconds: estimate.pointSeconds, lowerSeconds: estimate.lowerSeconds, upperSeconds: estimate.upperSeconds, coverage: estimate.coverage },
    expectedStartMs: estimate === null ? null : fromMs + Math.round(estimate.pointSeconds * 1000),
    scope: prediction.scope,
    tier: prediction.tier,
    issuedAtMs: prediction.predictedAtMs,
  };
}

/** The wait estimate a material move is judged on (the median once the forecast has quantiles). */
export function moveBasisSeconds(view: ForecastView): number | null {
  return view.wait?.estimateSeconds ?? null;
}

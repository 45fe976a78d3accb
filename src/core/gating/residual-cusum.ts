/**
 * Sequential detection of miscalibration drift from the issued forecasts' own residuals, with a
 * stated false-alarm rate: a two-sided CUSUM (Page 1954) on batch means of (outcome − forecast).
 *
 * Outcomes are taken in batches of `batchOutcomes`; a batch's standardised residual is
 *   z = Σ(y − p) / √Σp(1 − p),
 * which is about N(0, 1) when the forecasts are calibrated and outcomes independent. Queue outcomes
 * are not independent (a user's burst of jobs waits together), which inflates Var z; the batch
 * z² are tracked by an exponentially weighted mean (half-life `inflationHalfLifeBatches`, floored at
 * 1, capped at `maxInflation`) and each z is divided by its square root before it enters the
 * CUSUM: the batch-means treatment of autocorrelated data (Runger & Willemain 1995, "Model-based and
 * model-free control of autocorrelated processes", J. Quality Technology 27(4)). The estimate is
 * updated only after the batch has been judged, so a sudden shift is judged on the old spread.
 *
 * S⁺ = max(0, S⁺ + z − k), S⁻ = max(0, S⁻ − z − k); an alarm when either exceeds h. With
 * reference k, h is chosen for a target in-control run length by Siegmund's approximation (one
 * side: ARL₀ ≈ (e^{2k(h+1.166)} − 2k(h+1.166) − 1)/(2k²); two sides halve it), so the false-alarm
 * rate is a setting: one per `falseAlarmOutcomes` outcomes on calibrated forecasts.
 * S⁺ raises under-prediction (more long waits than forecast), S⁻ over-prediction.
 */
import { InvalidInputError } from '../errors.ts';

export interface ResidualCusumOptions {
  /** Outcomes per batch, an integer ≥ 1. */
  readonly batchOutcomes: number;
  /** CUSUM reference k in batch standard deviations, > 0 (half the shift it is tuned to detect). */
  readonly reference: number;
  /** Outcomes between false alarms on calibrated forecasts (two-sided in-control run length), > batchOutcomes. */
  readonly falseAlarmOutcomes: number;
  /** Batches after which a batch's weight in the variance-inflation estimate has halved, > 0. */
  readonly inflationHalfLifeBatches: number;
  /** Largest variance inflation believed, ≥ 1. */
  readonly maxInflation: number;
}

/** Batches of 25, tuned to a one-standard-deviation shift of a batch mean, one false alarm per 25,000 outcomes. */
export const DEFAULT_RESIDUAL_CUSUM_OPTIONS: ResidualCusumOptions = Object.freeze({
  batchOutcomes: 25,
  reference: 0.5,
  falseAlarmOutcomes: 25_000,
  inflationHalfLifeBatches: 40,
  maxInflation: 25,
});

export interface ResidualCusumState {
  /** Σ(y − p) of the batch being filled. */
  readonly batchResidual: number;
  /** Σp(1 − p) of the batch being filled. */
  readonly batchVariance: number;
  /** Outcomes in the batch being filled, in [0, batchOutcomes). */
  readonly batchCount: number;
  /** S⁺ ≥ 0 (under-prediction). */
  readonly upper: number;
  /** S⁻ ≥ 0 (over-prediction). */
  readonly lower: number;
  /** Variance inflation of a batch z, in [1, maxInflation]. */
  readonly inflation: number;
}

export const DriftDirection = { underPrediction: 'under_prediction', overPrediction: 'over_prediction' } as const;
export type DriftDirection = (typeof DriftDirection)[keyof typeof DriftDirection];

export interface ResidualCusumAlarm {
  readonly direction: DriftDirection;
  /** The statistic that crossed, > threshold. */
  readonly statistic: number;
  readonly threshold: number;
}

const SIEGMUND_OFFSET = 1.166;

/** Siegmund's one-sided in-control run length (in batches) of a CUSUM with reference k and threshold h. */
export function siegmundRunLength(reference: number, threshold: number): number {
  const a = 2 * reference * (threshold + SIEGMUND_OFFSET);
  return (Math.exp(a) - a - 1) / (2 * reference * reference);
}

/**
 * The threshold h whose two-sided in-control run length is `runLengthBatches` (bisection on
 * {@link siegmundRunLength}, increasing in h). O(log(1/tolerance)).
 * @throws InvalidInputError when the reference is not > 0 or the run length is not > 1.
 */
export function cusumThreshold(reference: number, runLengthBatches: number): number {
  if (!(reference > 0 && Number.isFinite(reference)))
    throw new InvalidInputError(`reference must be a finite number > 0, got ${reference}`);
  if (!(runLengthBatches > 1 && Number.isFinite(runLengthBatches)))
    throw new InvalidInputError(`run length must be a finite number > 1, got ${runLengthBatches}`);
  const oneSided = 2 * runLengthBatches;
  let low = 0;
  let high = 1;
  while (siegmundRunLength(reference, high) < oneSided) high *= 2;
  for (let step = 0; step < 60; step += 1) {
    const middle = (low + high) / 2;
    if (siegmundRunLength(reference, middle) < oneSided) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

export function checkResidualCusumOptions(options: ResidualCusumOptions): void {
  if (!(Number.isInteger(options.batchOutcomes) && options.batchOutcomes >= 1))
    throw new InvalidInputError(`batchOutcomes must be an integer ≥ 1, got ${options.batchOutcomes}`);
  if (!(options.reference > 0 && Number.isFinite(options.reference)))
    throw new InvalidInputError(`reference must be a finite number > 0, got ${options.reference}`);
  if (!(options.falseAlarmOutcomes > options.batchOutcomes && Number.isFinite(options.falseAlarmOutcomes))) {
    throw new InvalidInputError(
      `falseAlarmOutcomes must be a finite number > batchOutcomes (${options.batchOutcomes}), got ${options.falseAlarmOutcomes}`,
    );
  }
  if (!(options.inflationHalfLifeBatches > 0 && Number.isFinite(options.inflationHalfLifeBatches))) {
    throw new InvalidInputError(
      `inflationHalfLifeBatches must be a finite number > 0, got ${options.inflationHalfLifeBatches}`,
    );
  }
  if (!(options.maxInflation >= 1 && Number.isFinite(options.maxInflation)))
    throw new InvalidInputError(`maxInflation must be a finite number ≥ 1, got ${options.maxInflation}`);
}

export function initialResidualCusum(): ResidualCusumState {
  return { batchResidual: 0, batchVariance: 0, batchCount: 0, upper: 0, lower: 0, inflation: 1 };
}

/** Clears the statistics after an alarm (the drift has been acted on); the learned inflation is kept. */
export function restartResidualCusum(state: ResidualCusumState): ResidualCusumState {
  return { ...initialResidualCusum(), inflation: state.inflation };
}

/** Forecasts this close to 0 or 1 claim almost no variance; a batch of them is judged with this floor. */
const MIN_BATCH_VARIANCE = 1e-6;

/**
 * The state after one outcome of a forecast `probability`; `alarm` is set when the batch this
 * outcome completed pushed S⁺ or S⁻ over the threshold (the state is then restarted).
 * @throws InvalidInputError when `probability` is not in [0, 1] or `label` is not 0/1.
 */
export function observeResidual(
  state: ResidualCusumState,
  probability: number,
  label: number,
  options: ResidualCusumOptions = DEFAULT_RESIDUAL_CUSUM_OPTIONS,
): { readonly state: ResidualCusumState; readonly alarm: ResidualCusumAlarm | null } {
  if (!(probability >= 0 && probability <= 1))
    throw new InvalidInputError(`probability must be in [0, 1], got ${probability}`);
  if (label !== 0 && label !== 1) throw new InvalidInputError(`label must be 0 or 1, got ${label}`);
  const filling = {
    ...state,
    batchResidual: state.batchResidual + label - probability,
    batchVariance: state.batchVariance + probability * (1 - probability),
    batchCount: state.batchCount + 1,
  };
  if (filling.batchCount < options.batchOutcomes) return { state: filling, alarm: null };
  const z = filling.batchResidual / Math.sqrt(Math.max(filling.batchVariance, MIN_BATCH_VARIANCE));
  const standardised = z / Math.sqrt(state.inflation);
  const upper = Math.max(0, state.upper + standardised - options.reference);
  const lower = Math.max(0, state.lower - standardised - options.reference);
  const decay = Math.pow(0.5, 1 / options.inflationHalfLifeBatches);
  const inflation = Math.min(options.maxInflation, Math.max(1, decay * state.inflation + (1 - decay) * z * z));
  const judged: ResidualCusumState = { batchResidual: 0, batchVariance: 0, batchCount: 0, upper, lower, inflation };
  const threshold = cusumThreshold(options.reference, options.falseAlarmOutcomes / options.batchOutcomes);
  if (upper <= threshold && lower <= threshold) return { state: judged, alarm: null };
  const direction = upper >= lower ? DriftDirection.underPrediction : DriftDirection.overPrediction;
  return { state: restartResidualCusum(judged), alarm: { direction, statistic: Math.max(upper, lower), threshold } };
}

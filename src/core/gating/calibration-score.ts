import { DEFAULT_GATE_CONFIG, type GateConfig } from './gate-config.ts';
import { requireUnitInterval } from './gate-input-checks.ts';
import { snapDecimal } from './snap-decimal.ts';

/**
 * The cluster's calibration score: clamp(1 − eceScoreSlope·ECE, 0, 1) (SPEC, "Calibration-gated
 * autonomy"; the slope is {@link GateConfig.eceScoreSlope}). 1 is perfectly calibrated; the score falls
 * by the slope per unit of ECE and reaches 0 at ECE = 1/slope. The result is snapped to 9 decimals
 * ({@link snapDecimal}) so a decimal ECE gives the decimal score a person computes by hand.
 * ECE reference: Guo et al. (2017), https://arxiv.org/abs/1706.04599
 *
 * @param ece expected calibration error over the cluster's outcome window, in [0, 1].
 * @param config gate thresholds; assumed valid (see parseGateConfig).
 * @returns a score in [0, 1], non-increasing in `ece`.
 * @throws InvalidInputError when `ece` is NaN, infinite, negative or above 1.
 */
export function calibrationScore(ece: number, config: GateConfig = DEFAULT_GATE_CONFIG): number {
  requireUnitInterval('ece', ece);
  const raw = 1 - config.eceScoreSlope * ece;
  return Math.min(1, Math.max(0, snapDecimal(raw)));
}

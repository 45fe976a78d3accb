import { DEFAULT_GATE_CONFIG, DriftStatus, type GateConfig } from './gate-config.ts';
import { requirePositiveUnitInterval, requireUnitInterval } from './gate-input-checks.ts';
import { snapDecimal } from './snap-decimal.ts';

/**
 * Drift ratio = current ECE / last-known-good ECE (SPEC, "Drift"). 1 means no change; 2 means the
 * calibration error doubled. Snapped to 9 decimals ({@link snapDecimal}) so that, e.g., 0.027 / 0.018
 * is exactly 1.5.
 *
 * @param currentEce ECE over the current outcome window, in [0, 1].
 * @param baselineEce last-known-good ECE, in (0, 1].
 * @returns a ratio ≥ 0.
 * @throws InvalidInputError when `currentEce` is not in [0, 1] or `baselineEce` is not in (0, 1].
 */
export function driftRatio(currentEce: number, baselineEce: number): number {
  requireUnitInterval('currentEce', currentEce);
  requirePositiveUnitInterval('baselineEce', baselineEce);
  return snapDecimal(currentEce / baselineEce);
}

/**
 * Drift status from the drift ratio (SPEC): ratio ≤ driftNoneMaxRatio → none; ≤ driftMonitorMaxRatio →
 * monitor; ≤ driftReduceMaxRatio → reduce_autonomy; above → recalibrate. Bounds are inclusive; with
 * SPEC's defaults 1.5, 2 and 5.
 *
 * @param currentEce current ECE in [0, 1], or null when none has been measured (→ none).
 * @param baselineEce last-known-good ECE in (0, 1].
 * @throws InvalidInputError as {@link driftRatio}; `baselineEce` is checked even when `currentEce` is null.
 */
export function driftStatus(
  currentEce: number | null,
  baselineEce: number,
  config: GateConfig = DEFAULT_GATE_CONFIG,
): DriftStatus {
  requirePositiveUnitInterval('baselineEce', baselineEce);
  if (currentEce === null) return DriftStatus.none;
  const ratio = driftRatio(currentEce, baselineEce);
  if (ratio <= config.driftNoneMaxRatio) return DriftStatus.none;
  if (ratio <= config.driftMonitorMaxRatio) return DriftStatus.monitor;
  if (ratio <= config.driftReduceMaxRatio) return DriftStatus.reduceAutonomy;
  return DriftStatus.recalibrate;
}

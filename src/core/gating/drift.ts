import { formatComparison } from './format-number.ts';
import { DEFAULT_GATE_CONFIG, DriftStatus, type GateConfig } from './gate-config.ts';
import { requireNonNegative, requirePositiveUnitInterval, requireUnitInterval } from './gate-input-checks.ts';
import { snapDecimal } from './snap-decimal.ts';

/**
 * Drift ratio = current ECE / last-known-good ECE (SPEC, "Drift"). 1 means no change; 2 means the
 * calibration error doubled. Snapped to 9 decimals ({@link snapDecimal}) so that, e.g., 0.027 / 0.018
 * is exactly 1.5.
 *
 * @param currentEce ECE over the current outcome window, in [0, 1].
 * @param baselineEce last-known-good ECE, in (0, 1] (reset by each recalibration).
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
export function driftStatus(currentEce: number | null, baselineEce: number, config: GateConfig = DEFAULT_GATE_CONFIG): DriftStatus {
  requirePositiveUnitInterval('baselineEce', baselineEce);
  if (currentEce === null) return DriftStatus.none;
  const ratio = driftRatio(currentEce, baselineEce);
  if (ratio <= config.driftNoneMaxRatio) return DriftStatus.none;
  if (ratio <= config.driftMonitorMaxRatio) return DriftStatus.monitor;
  if (ratio <= config.driftReduceMaxRatio) return DriftStatus.reduceAutonomy;
  return DriftStatus.recalibrate;
}

/** The measurements {@link recalibrationTriggers} weighs. */
export interface RecalibrationEvidence {
  readonly driftStatus: DriftStatus;
  /** The drift ratio behind `driftStatus`, ≥ 0, when known: only used to word the reason. */
  readonly driftRatio?: number | null;
  /** The largest PSI over the key features against the training distribution, ≥ 0, or null if not measured. */
  readonly maxFeaturePsi: number | null;
  /** The feature with that PSI, when known: only used to word the reason. */
  readonly maxPsiFeature?: string | null;
  /** ECE over the last week's outcomes, in [0, 1], or null if not measured. */
  readonly weeklyEce: number | null;
}

export interface RecalibrationDecision {
  readonly recalibrate: boolean;
  /** One short sentence per trigger that fired, naming the measured value and its threshold. */
  readonly reasons: string[];
}

/**
 * Whether the cluster's calibrator must be refit (SPEC): drift status recalibrate (ratio above
 * driftReduceMaxRatio), OR PSI on a key feature above psiRecalibrate, OR weekly ECE above
 * weeklyEceRecalibrate. All three are strict: a value equal to its threshold does not trigger.
 *
 * @throws InvalidInputError when `maxFeaturePsi` or `driftRatio` is negative or not finite, or
 * `weeklyEce` is not in [0, 1].
 */
export function recalibrationTriggers(evidence: RecalibrationEvidence, config: GateConfig = DEFAULT_GATE_CONFIG): RecalibrationDecision {
  const ratio = evidence.driftRatio ?? null;
  if (ratio !== null) requireNonNegative('driftRatio', ratio);
  if (evidence.maxFeaturePsi !== null) requireNonNegative('maxFeaturePsi', evidence.maxFeaturePsi);
  if (evidence.weeklyEce !== null) requireUnitInterval('weeklyEce', evidence.weeklyEce);

  const reasons: string[] = [];
  if (evidence.driftStatus === DriftStatus.recalibrate) {
    if (ratio === null) {
      reasons.push(`drift status recalibrate: ratio above ${config.driftReduceMaxRatio}`);
    } else {
      const [ratioText, boundText] = formatComparison(ratio, config.driftReduceMaxRatio);
      reasons.push(`drift ratio ${ratioText} > ${boundText}`);
    }
  }
  if (evidence.maxFeaturePsi !== null && evidence.maxFeaturePsi > config.psiRecalibrate) {
    const [psiText, boundText] = formatComparison(evidence.maxFeaturePsi, config.psiRecalibrate);
    const feature = evidence.maxPsiFeature ?? 'a key feature';
    reasons.push(`PSI ${psiText} > ${boundText} on ${feature}`);
  }
  if (evidence.weeklyEce !== null && evidence.weeklyEce > config.weeklyEceRecalibrate) {
    const [eceText, boundText] = formatComparison(evidence.weeklyEce, config.weeklyEceRecalibrate);
    reasons.push(`weekly ECE ${eceText} > ${boundText}`);
  }
  return { recalibrate: reasons.length > 0, reasons };
}

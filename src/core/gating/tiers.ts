import { DEFAULT_GATE_CONFIG, TIERS_WEAKEST_FIRST, type GateConfig, type Tier } from './gate-config.ts';
import { requireUnitInterval } from './gate-input-checks.ts';

/**
 * The intervention tiers whose ECE prerequisite holds (ECE ≤ R_a, {@link TierThreshold.maxEce}),
 * weakest first. A tier retires by itself when ECE drifts above its prerequisite and returns when ECE
 * falls back. SPEC's defaults: annotate 0.10, warn 0.07, suggest_reschedule 0.05,
 * require_confirmation 0.03.
 *
 * @param ece current ECE in [0, 1], or null when none has been measured (→ no tier).
 * @returns a new array, weakest first.
 * @throws InvalidInputError when `ece` is not in [0, 1].
 */
export function qualifiedTiers(ece: number | null, config: GateConfig = DEFAULT_GATE_CONFIG): Tier[] {
  if (ece === null) return [];
  requireUnitInterval('ece', ece);
  return TIERS_WEAKEST_FIRST.filter((tier) => ece <= config.tiers[tier].maxEce);
}

/**
 * The strongest tier the forecast alone asks for: p ≥ ε_a ({@link TierThreshold.minProbability}),
 * whatever the calibration. Null when p is below every tier's ε.
 *
 * @param probability P(long wait) in [0, 1].
 * @throws InvalidInputError when `probability` is not in [0, 1].
 */
export function requestedTier(probability: number, config: GateConfig = DEFAULT_GATE_CONFIG): Tier | null {
  requireUnitInterval('probability', probability);
  let strongest: Tier | null = null;
  for (const tier of TIERS_WEAKEST_FIRST) {
    if (probability >= config.tiers[tier].minProbability) strongest = tier;
  }
  return strongest;
}

/**
 * The strongest intervention tier allowed (SPEC, "Intervention tiers"): action a is allowed only when
 * p ≥ ε_a AND ECE ≤ R_a. Because ε rises and R falls from annotate to require_confirmation, the
 * result is non-decreasing in p for a fixed ECE and non-increasing in ECE for a fixed p.
 *
 * @param probability P(long wait) in [0, 1].
 * @param ece current ECE in [0, 1], or null when none has been measured (→ null).
 * @returns the strongest allowed tier, or null when none is.
 * @throws InvalidInputError when `probability` or `ece` is not in [0, 1].
 */
export function allowedTier(
  probability: number,
  ece: number | null,
  config: GateConfig = DEFAULT_GATE_CONFIG,
): Tier | null {
  requireUnitInterval('probability', probability);
  let strongest: Tier | null = null;
  for (const tier of qualifiedTiers(ece, config)) {
    if (probability >= config.tiers[tier].minProbability) strongest = tier;
  }
  return strongest;
}

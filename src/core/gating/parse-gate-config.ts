import * as z from 'zod';
import { InvalidInputError } from '../errors.ts';
import { DEFAULT_GATE_CONFIG, TIERS_WEAKEST_FIRST, type GateConfig, type Tier } from './gate-config.ts';

const finite = z.number('must be a finite number');
const unitInterval = finite.min(0, 'must be ≥ 0').max(1, 'must be ≤ 1');
const positiveUnitInterval = finite.gt(0, 'must be > 0').max(1, 'must be ≤ 1');
const positive = finite.gt(0, 'must be > 0');
const positiveCount = z.int('must be an integer').min(1, 'must be ≥ 1');
const nonNegativeCount = z.int('must be an integer').min(0, 'must be ≥ 0');

const TierThresholdSchema = z.strictObject({
  minProbability: unitInterval,
  maxEce: positiveUnitInterval,
});

/** A complete gate config with every range checked (ordering is checked separately, see {@link orderingProblems}). */
const GateConfigSchema = z.strictObject({
  minOutcomes: positiveCount,
  minOutcomesPerClass: nonNegativeCount,
  eceScoreSlope: positive,
  autonomousScore: unitInterval,
  notifyScore: unitInterval,
  tiers: z.strictObject({
    annotate: TierThresholdSchema,
    warn: TierThresholdSchema,
    suggest_reschedule: TierThresholdSchema,
    require_confirmation: TierThresholdSchema,
  }),
  baselineEce: positiveUnitInterval,
  driftNoneMaxRatio: positive,
  driftMonitorMaxRatio: positive,
  driftReduceMaxRatio: positive,
  psiShift: positive,
  weeklyEceRecalibrate: positiveUnitInterval,
  evidenceWindow: positiveCount,
  boundLevel: finite.gt(0.5, 'must be > 0.5').lt(1, 'must be < 1'),
  driftFalseAlarmOutcomes: finite.min(1000, 'must be ≥ 1000'),
});

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Overlays `overrides` on `base`, recursing where both sides are plain objects. Keys are copied with
 * Object.fromEntries (define, not assign), so a JSON `__proto__` key stays an ordinary, reported key.
 */
function deepMerge(base: Record<string, unknown>, overrides: Record<string, unknown>): Record<string, unknown> {
  const entries = new Map<string, unknown>(Object.entries(base));
  for (const [key, value] of Object.entries(overrides)) {
    const current = entries.get(key);
    entries.set(key, isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value);
  }
  return Object.fromEntries(entries);
}

function numberAt(record: Record<string, unknown>, path: readonly string[]): number | undefined {
  let node: unknown = record;
  for (const key of path) {
    if (!isPlainObject(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return typeof node === 'number' ? node : undefined;
}

/**
 * Ordering rules on a merged config: notifyScore < autonomousScore; tier ε strictly increasing and R
 * strictly decreasing from annotate to require_confirmation; drift bounds strictly increasing. A rule
 * is skipped when one of its fields is not a number (the range check already reports that field).
 */
function orderingProblems(merged: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const strictlyBelow = (lowerPath: readonly string[], upperPath: readonly string[]): void => {
    const lower = numberAt(merged, lowerPath);
    const upper = numberAt(merged, upperPath);
    if (lower !== undefined && upper !== undefined && !(lower < upper)) {
      problems.push(`${lowerPath.join('.')} (${lower}) must be < ${upperPath.join('.')} (${upper})`);
    }
  };
  strictlyBelow(['notifyScore'], ['autonomousScore']);
  for (let index = 1; index < TIERS_WEAKEST_FIRST.length; index += 1) {
    const weaker = TIERS_WEAKEST_FIRST[index - 1] as Tier;
    const stronger = TIERS_WEAKEST_FIRST[index] as Tier;
    strictlyBelow(['tiers', weaker, 'minProbability'], ['tiers', stronger, 'minProbability']);
    strictlyBelow(['tiers', stronger, 'maxEce'], ['tiers', weaker, 'maxEce']);
  }
  strictlyBelow(['driftNoneMaxRatio'], ['driftMonitorMaxRatio']);
  strictlyBelow(['driftMonitorMaxRatio'], ['driftReduceMaxRatio']);
  return problems;
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `${[...path, key].join('.')}: unknown field`);
  return [`${path.join('.')}: ${issue.message}`];
}

function deepFreeze(config: GateConfig): GateConfig {
  for (const tier of TIERS_WEAKEST_FIRST) Object.freeze(config.tiers[tier]);
  Object.freeze(config.tiers);
  return Object.freeze(config);
}

/**
 * Builds a gate config from partial overrides (e.g. a YAML file or environment-derived object):
 * deep-merges them onto {@link DEFAULT_GATE_CONFIG}, then checks every field's type and range
 * (probabilities, scores and ECEs in [0, 1]; baseline and tier ECEs > 0; counts integers ≥ 1, minOutcomesPerClass an integer ≥ 0; ratios,
 * slope and PSI > 0; boundLevel in (0.5, 1); driftFalseAlarmOutcomes ≥ 1000; no unknown fields) and the ordering rules (notifyScore < autonomousScore; tier ε
 * increasing and R decreasing from annotate to require_confirmation; drift bounds increasing).
 *
 * @param overrides a plain object of partial overrides, or undefined/null for the defaults.
 * @returns a new deeply frozen config that shares nothing with `overrides`.
 * @throws InvalidInputError listing every problem in one message, each naming its field
 * (e.g. `tiers.warn.minProbability: must be ≤ 1`).
 */
export function parseGateConfig(overrides: unknown): GateConfig {
  if (overrides === undefined || overrides === null) return DEFAULT_GATE_CONFIG;
  if (!isPlainObject(overrides)) {
    const kind = Array.isArray(overrides) ? 'array' : typeof overrides;
    throw new InvalidInputError(`gate config overrides must be an object (got ${kind})`);
  }
  const merged = deepMerge(DEFAULT_GATE_CONFIG as unknown as Record<string, unknown>, overrides);
  // Parsed once per configuration: no JIT-compiled fast path (zod's `new Function` parser) to pay for.
  const parsed = GateConfigSchema.safeParse(merged, { jitless: true });
  const problems = [...(parsed.success ? [] : parsed.error.issues.flatMap(describeIssue)), ...orderingProblems(merged)];
  if (!parsed.success || problems.length > 0) {
    throw new InvalidInputError(`invalid gate config: ${problems.join('; ')}`);
  }
  return deepFreeze(parsed.data);
}

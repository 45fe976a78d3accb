/**
 * Whether a job's forecast moved enough to tell the person who waits: its wait estimate (the
 * median once quantiles exist) doubled or halved since the estimate they were last told. Pure.
 */

/** The factor that counts as material: ×2 later or ÷2 sooner. */
export const MATERIAL_MOVE_FACTOR = 2;

/**
 * Estimates below this many seconds count as this many: a forecast moving from 5 s to 12 s has
 * "doubled" but tells nobody anything, and a zero estimate would make every change infinite.
 */
export const MIN_MOVE_BASIS_SECONDS = 60;

/** Which way a forecast moved materially. */
export const ForecastMove = { later: 'later', sooner: 'sooner' } as const;
export type ForecastMove = (typeof ForecastMove)[keyof typeof ForecastMove];

/**
 * `later` when `currentSeconds` ≥ factor × `baselineSeconds`, `sooner` when ≤ baseline / factor,
 * else null; either side null (no estimate) → null. Both floored at {@link MIN_MOVE_BASIS_SECONDS}.
 * Throws RangeError for a negative or non-finite wait or a factor ≤ 1 (programming errors).
 */
export function forecastMove(
  baselineSeconds: number | null,
  currentSeconds: number | null,
  factor: number = MATERIAL_MOVE_FACTOR,
): ForecastMove | null {
  if (!(Number.isFinite(factor) && factor > 1)) throw new RangeError(`factor must be > 1, got ${factor}`);
  if (baselineSeconds === null || currentSeconds === null) return null;
  for (const value of [baselineSeconds, currentSeconds]) {
    if (!(Number.isFinite(value) && value >= 0))
      throw new RangeError(`a wait must be a finite number of seconds ≥ 0, got ${value}`);
  }
  const baseline = Math.max(baselineSeconds, MIN_MOVE_BASIS_SECONDS);
  const current = Math.max(currentSeconds, MIN_MOVE_BASIS_SECONDS);
  if (current >= baseline * factor) return ForecastMove.later;
  if (current * factor <= baseline) return ForecastMove.sooner;
  return null;
}

/**
 * Whether a subscribed job's forecast may be computed again: at most once per interval, so a
 * collector polling every few seconds does not re-forecast every pending job on every poll. Pure.
 */

/**
 * True when no forecast was made yet (`lastForecastAtMs` undefined), when at least `intervalMs`
 * passed since the last one, or when the clock went back (`nowMs` before the last forecast: a
 * job is never held back by a clock step). An interval of 0 makes every call due.
 * Throws RangeError for a negative or non-finite interval (a programming error).
 */
export function forecastDue(lastForecastAtMs: number | undefined, nowMs: number, intervalMs: number): boolean {
  if (!(Number.isFinite(intervalMs) && intervalMs >= 0))
    throw new RangeError(`intervalMs must be a finite number ≥ 0, got ${intervalMs}`);
  if (lastForecastAtMs === undefined) return true;
  return nowMs < lastForecastAtMs || nowMs - lastForecastAtMs >= intervalMs;
}

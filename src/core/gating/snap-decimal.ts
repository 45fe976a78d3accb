/** Decimal places the gate keeps when it snaps the results of its own arithmetic. */
export const SNAP_DECIMAL_PLACES = 9;

const SNAP_SCALE = 10 ** SNAP_DECIMAL_PLACES;

/**
 * Rounds a number to {@link SNAP_DECIMAL_PLACES} decimals, so that the gate's own arithmetic lands
 * exactly on the decimal a person computes by hand: 1 − 5·0.07 is 0.6499999999999999 in binary
 * floating point and snaps to 0.65, the same double as the literal `0.65`. Without this, a score or
 * drift ratio could fall on the wrong side of a threshold by one unit in the last place.
 *
 * Only values the gate computes (calibration score, drift ratio) are snapped; measured inputs
 * (probability, ECE) are compared as given. Exact because `Math.round(x·10⁹)` is an integer and
 * IEEE division by 10⁹ is correctly rounded to the nearest double of that decimal.
 *
 * @param value any number; values whose scaled form is beyond 2^53 (already integral at this
 * scale) and non-finite values are returned unchanged.
 */
export function snapDecimal(value: number): number {
  const scaled = value * SNAP_SCALE;
  return Math.abs(scaled) < 2 ** 53 ? Math.round(scaled) / SNAP_SCALE : value;
}

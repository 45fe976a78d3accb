/** Significant digits shown by default in reasons ("ECE 0.041", "drift ratio 6.11"). */
export const REASON_SIGNIFICANT_DIGITS = 3;

const MAX_SIGNIFICANT_DIGITS = 17;

function withDigits(value: number, digits: number): string {
  return String(Number(value.toPrecision(digits)));
}

/**
 * A short decimal for a human-readable reason: {@link REASON_SIGNIFICANT_DIGITS} significant digits,
 * trailing zeros dropped (0.0412345 → "0.0412", 6.1 → "6.1"). Non-finite values print as JavaScript does.
 */
export function formatNumber(value: number): string {
  return Number.isFinite(value) ? withDigits(value, REASON_SIGNIFICANT_DIGITS) : String(value);
}

/**
 * Formats a measured value and the threshold it is compared with, at the same precision, adding
 * digits until two different numbers print differently: ECE 0.03004 against 0.03 prints
 * "0.03004" and "0.03", never the misleading "0.03 > 0.03". Equal numbers print identically.
 *
 * @returns `[valueText, thresholdText]`.
 */
export function formatComparison(value: number, threshold: number): [string, string] {
  if (!Number.isFinite(value) || !Number.isFinite(threshold)) return [String(value), String(threshold)];
  let digits = REASON_SIGNIFICANT_DIGITS;
  let valueText = withDigits(value, digits);
  let thresholdText = withDigits(threshold, digits);
  while (value !== threshold && valueText === thresholdText && digits < MAX_SIGNIFICANT_DIGITS) {
    digits += 1;
    valueText = withDigits(value, digits);
    thresholdText = withDigits(threshold, digits);
  }
  return [valueText, thresholdText];
}

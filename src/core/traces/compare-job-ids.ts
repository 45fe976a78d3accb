const DIGIT_RUN = /\d+|\D+/g;

/**
 * Orders job ids naturally: digit runs compare as numbers, so `9` < `10` and `123_9` < `123_10`;
 * other text compares by UTF-16 code unit. Deterministic and locale-free.
 * Returns a negative number, 0, or a positive number, like `Array.prototype.sort` expects.
 */
export function compareJobIds(left: string, right: string): number {
  if (left === right) return 0;
  const leftParts = left.match(DIGIT_RUN) ?? [];
  const rightParts = right.match(DIGIT_RUN) ?? [];
  const sharedLength = Math.min(leftParts.length, rightParts.length);
  for (let index = 0; index < sharedLength; index += 1) {
    const leftPart = leftParts[index] as string;
    const rightPart = rightParts[index] as string;
    if (leftPart === rightPart) continue;
    const leftIsNumber = isDigitRun(leftPart);
    const rightIsNumber = isDigitRun(rightPart);
    if (leftIsNumber && rightIsNumber) {
      // Compare without parsing so ids longer than 2^53 stay exact: strip leading zeros, then
      // the longer digit run is the larger number.
      const leftDigits = leftPart.replace(/^0+(?=\d)/, '');
      const rightDigits = rightPart.replace(/^0+(?=\d)/, '');
      if (leftDigits.length !== rightDigits.length) return leftDigits.length - rightDigits.length;
      if (leftDigits !== rightDigits) return leftDigits < rightDigits ? -1 : 1;
      // Same value, different zero padding: the shorter spelling first.
      return leftPart.length - rightPart.length;
    }
    return leftPart < rightPart ? -1 : 1;
  }
  // Every shared part is equal, so the strings differ only by one having more parts.
  return leftParts.length - rightParts.length;
}

function isDigitRun(part: string): boolean {
  const code = part.charCodeAt(0);
  return code >= 48 && code <= 57;
}

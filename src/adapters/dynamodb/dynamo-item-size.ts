/**
 * DynamoDB item size, computed on the plain JavaScript values the document client marshalls, so an
 * oversized item is refused with a clear message before any request is sent.
 *
 * Rules (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
 * an item is the sum of its attribute names' and values' sizes; strings are their UTF-8 length;
 * numbers take "approximately" 1 byte per two significant digits plus 1; booleans and null take
 * 1 byte; lists and maps take 3 bytes plus 1 byte per element plus their elements (and, for
 * maps, the element names). Numbers are stored as base-100 digit pairs aligned on the decimal
 * point, so a pair may be split: we count ceil((digits + 1) / 2) pairs plus 1 byte for the
 * exponent and 1 for the sign, an upper bound. The estimate never undercounts dynalite's own
 * check (a property test holds it to that).
 */

/** DynamoDB's maximum item size: 400 KB = 409,600 bytes. */
export const MAX_ITEM_SIZE_BYTES = 400 * 1024;

/**
 * Size in bytes of `item` as DynamoDB counts it. `undefined` attributes are skipped (the client
 * removes them). Linear in the total number of nested values.
 */
export function dynamoItemSizeBytes(item: Readonly<Record<string, unknown>>): number {
  let total = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    total += utf8Bytes(name) + valueSizeBytes(value);
  }
  return total;
}

function valueSizeBytes(value: unknown): number {
  if (typeof value === 'string') return utf8Bytes(value);
  if (typeof value === 'number') return numberSizeBytes(value);
  if (typeof value === 'boolean' || value === null) return 1;
  if (Array.isArray(value)) {
    let size = 3;
    for (const element of value as unknown[]) size += 1 + valueSizeBytes(element);
    return size;
  }
  if (value instanceof Uint8Array) return value.byteLength;
  if (typeof value === 'object') {
    let size = 3;
    for (const [name, element] of Object.entries(value as Record<string, unknown>)) {
      if (element === undefined) continue;
      size += 1 + utf8Bytes(name) + valueSizeBytes(element);
    }
    return size;
  }
  // bigint, function, symbol: the document client refuses them anyway; count them as empty.
  return 0;
}

/** Digit pairs (one more digit allowed for alignment), plus 1 for the exponent, plus 1 for a sign. */
function numberSizeBytes(value: number): number {
  if (value === 0) return 1;
  const digits = significantDigits(value);
  return 2 + Math.ceil((digits + 1) / 2);
}

/** Significant decimal digits of the shortest round-trip representation (e.g. 0.00120 → 2, 1500 → 2). */
function significantDigits(value: number): number {
  const mantissa = Math.abs(value).toExponential().split('e')[0] ?? '';
  return mantissa.replace('.', '').replace(/0+$/, '').length || 1;
}

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * The one naming convention of our JSON routes: snake_case field names (`cluster_id`,
 * `probability_long_wait`), as the VGAC-compatible routes have always had. Records inside the
 * product use camelCase; these convert at the HTTP boundary. Only keys change, never values, and
 * only plain objects and arrays are walked. Every key this product emits is a field name, never
 * data, so converting keys is lossless: `toCamelCaseKeys(toSnakeCaseKeys(x))` is `x` for our
 * records (camelCase keys of letters and digits, no leading or doubled capitals).
 */

/** `clusterId` → `cluster_id`, `eceUpper95` → `ece_upper95`; snake_case keys stay as they are. */
export function snakeCaseKey(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** `cluster_id` → `clusterId`; camelCase keys stay as they are. */
export function camelCaseKey(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function mapKeys(value: unknown, rename: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => mapKeys(item, rename));
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [rename(key), mapKeys(item, rename)]));
}

/** A deep copy of `value` with every object key in snake_case (what our routes emit). */
export function toSnakeCaseKeys(value: unknown): unknown {
  return mapKeys(value, snakeCaseKey);
}

/** A deep copy of `value` with every object key in camelCase (how a body in either convention is read). */
export function toCamelCaseKeys(value: unknown): unknown {
  return mapKeys(value, camelCaseKey);
}

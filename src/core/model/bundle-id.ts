/**
 * The identity of a bundle: a content hash of its canonical JSON, so that the same model always
 * gets the same id and any change to any number gives a new one.
 */
import type { Calibrator, ModelBundle } from './bundle.ts';

/**
 * JSON with object keys sorted at every level and no whitespace: equal values give equal text
 * whatever order their keys were built in. Arrays keep their order; `undefined` properties are
 * dropped (as `JSON.stringify` does). Numbers use JavaScript's shortest round-trip form.
 */
export function canonicalJson(value: unknown): string {
  // JSON.stringify gives undefined for undefined, functions and symbols; JSON has null there.
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([left], [right]) => (left < right ? -1 : 1));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}

/**
 * The bundle with its `bundleId` set to `hash(canonicalJson(bundle without bundleId))`.
 * `hash` is supplied by the caller (core has no crypto; the CLI passes SHA-256 hex).
 */
export function withBundleId(unsigned: Omit<ModelBundle, 'bundleId'>, hash: (text: string) => string): ModelBundle {
  const { bundleId: _ignored, ...content } = unsigned as ModelBundle;
  return { ...content, bundleId: hash(canonicalJson(content)) };
}

/**
 * A short deterministic fingerprint of a calibrator: two 32-bit FNV-1a hashes (different offset
 * bases) of its canonical JSON, as 16 hex digits. Not cryptographic: it only tells whether a
 * bundle's calibrator is still the one its ensemble was built with (see `CalibrationEnsembleSchema`).
 * Reference: http://www.isthe.com/chongo/tech/comp/fnv/ . O(length of the JSON).
 */
export function calibratorFingerprint(calibrator: Calibrator): string {
  const text = canonicalJson(calibrator);
  let first = 0x811c9dc5;
  let second = 0x01000193 ^ 0x5bd1e995;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    first = Math.imul(first ^ code, 0x01000193) >>> 0;
    second = Math.imul(second ^ code, 0x01000193) >>> 0;
  }
  return `${first.toString(16).padStart(8, '0')}${second.toString(16).padStart(8, '0')}`;
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calibratorFingerprint, canonicalJson, withBundleId } from './bundle-id.ts';
import type { ModelBundle } from './bundle.ts';

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined properties', () => {
    const text = canonicalJson({ b: 1, a: [{ y: null, x: 'é' }, 2.5], c: undefined });

    expect(text).toBe('{"a":[{"x":"é","y":null},2.5],"b":1}');
  });

  it('writes null where JSON has no value, as JSON.stringify does', () => {
    const value = [undefined, 1, { a: undefined }];

    expect(canonicalJson(value)).toBe(JSON.stringify(value));
  });

  it('gives the same text whatever order the keys were built in', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string(),
          fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string(), fc.boolean()),
        ),
        (record) => {
          const reversed = Object.fromEntries(Object.entries(record).reverse());

          expect(canonicalJson(reversed)).toBe(canonicalJson(record));
          expect(JSON.parse(canonicalJson(record))).toEqual(JSON.parse(JSON.stringify(record)));
        },
      ),
    );
  });
});

describe('withBundleId', () => {
  it('hashes the canonical JSON of everything but the id', () => {
    const seen: string[] = [];
    const content = { schemaVersion: 1, metrics: { b: 2, a: 1 } } as unknown as Omit<ModelBundle, 'bundleId'>;

    const bundle = withBundleId(
      { ...content, bundleId: 'stale' } as unknown as Omit<ModelBundle, 'bundleId'>,
      (text) => {
        seen.push(text);
        return `hash-of-${text.length}`;
      },
    );

    expect(seen).toEqual(['{"metrics":{"a":1,"b":2},"schemaVersion":1}']);
    expect(bundle.bundleId).toBe('hash-of-43');
  });
});

describe('calibratorFingerprint', () => {
  it('is 16 hex digits, equal for equal calibrators and different when one breakpoint moves', () => {
    const calibrator = { kind: 'isotonic' as const, thresholds: [-1, 0, 1], values: [0.1, 0.4, 0.9] };

    const first = calibratorFingerprint(calibrator);
    const same = calibratorFingerprint({ values: [0.1, 0.4, 0.9], thresholds: [-1, 0, 1], kind: 'isotonic' });
    const moved = calibratorFingerprint({ ...calibrator, values: [0.1, 0.41, 0.9] });

    expect(first).toMatch(/^[0-9a-f]{16}$/);
    expect(same).toBe(first);
    expect(moved).not.toBe(first);
  });
});

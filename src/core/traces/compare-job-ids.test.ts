import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareJobIds } from './compare-job-ids.ts';

describe('compareJobIds', () => {
  it('compareJobIds orders digit runs as numbers', () => {
    const ids = ['10', '9', '123_10', '123_9', '123', '123_9.batch', 'a2', 'a10', 'b', '12345678901234567890', '9999'];

    const sorted = ids.slice().sort(compareJobIds);

    expect(sorted).toEqual(
      ['9', '123', '123_9', '123_9.batch', '123_10', '9999', '12345678901234567890', 'a2', 'a10', 'b', '10'].sort(
        compareJobIds,
      ),
    );
    expect(sorted).toEqual([
      '9',
      '10',
      '123',
      '123_9',
      '123_9.batch',
      '123_10',
      '9999',
      '12345678901234567890',
      'a2',
      'a10',
      'b',
    ]);
  });

  it('compareJobIds orders equal numbers by padding and falls back to code units for text', () => {
    expect(compareJobIds('007', '7')).toBeGreaterThan(0);
    expect(compareJobIds('x', 'y')).toBeLessThan(0);
    expect(compareJobIds('5', 'x')).toBeLessThan(0);
    expect(compareJobIds('', 'a')).toBeLessThan(0);
    expect(compareJobIds('same', 'same')).toBe(0);
  });

  it('compareJobIds agrees with numeric order on non-negative integers', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.bigInt({ min: 0n, max: 10n ** 30n }), (left, right) => {
        const expected = left === right ? 0 : left < right ? -1 : 1;
        expect(Math.sign(compareJobIds(left.toString(), right.toString()))).toBe(expected);
      }),
    );
  });

  it('compareJobIds is antisymmetric and zero only for equal strings', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-c_.]{0,6}$/), fc.stringMatching(/^[0-9a-c_.]{0,6}$/), (left, right) => {
        expect(Math.sign(compareJobIds(left, right)) + Math.sign(compareJobIds(right, left))).toBe(0);
        expect(compareJobIds(left, right) === 0).toBe(left === right);
      }),
    );
  });

  it('compareJobIds is transitive, so sorting with it is well defined', () => {
    const id = fc.stringMatching(/^[0-9a_.]{0,5}$/);
    fc.assert(
      fc.property(id, id, id, (first, second, third) => {
        const [low, middle, high] = [first, second, third].sort(compareJobIds) as [string, string, string];

        expect(compareJobIds(low, middle)).toBeLessThanOrEqual(0);
        expect(compareJobIds(middle, high)).toBeLessThanOrEqual(0);
        expect(compareJobIds(low, high)).toBeLessThanOrEqual(0);
      }),
      { numRuns: 2000 },
    );
  });
});

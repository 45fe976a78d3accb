import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { marshall } from '@aws-sdk/util-dynamodb';
import { MAX_ITEM_SIZE_BYTES, dynamoItemSizeBytes } from './dynamo-item-size.ts';

// dynalite enforces the 400 KB limit locally with its own implementation of AWS's size rules:
// an independent reference our estimate must never undercount.
const dynaliteDb = createRequire(import.meta.url)('dynalite/db') as { itemSize(item: unknown): number };

/**
 * Attribute names up to `maxLength` characters. `constructor` is left out: marshall reads an own
 * `constructor` property as the object's class and refuses the map, a quirk no stored item hits.
 */
function attributeName(maxLength: number): fc.Arbitrary<string> {
  return fc.string({ minLength: 1, maxLength }).filter((name) => name !== 'constructor');
}

describe('dynamoItemSizeBytes', () => {
  it('sums names and values by the documented rules (hand-worked item)', () => {
    const item = {
      PK: 'CLUSTER#c1', // 2 + 10 = 12
      n: 1500, // 1 + (1 exponent + 1 sign + ceil((2 digits + 1) / 2)) = 5
      flag: true, // 4 + 1 = 5
      nothing: null, // 7 + 1 = 8
      list: [1, 'ab'], // 4 + 3 + (1 + (2 + ceil(2 / 2))) + (1 + 2) = 14
      map: { k: 'é' }, // 3 + 3 + (1 + 1 + 2 bytes of UTF-8) = 10
      skipped: undefined, // removed by the client: 0
    };

    const size = dynamoItemSizeBytes(item);

    expect(size).toBe(54);
  });

  it('is 400 × 1024 bytes at the limit constant', () => {
    expect(MAX_ITEM_SIZE_BYTES).toBe(409_600);
  });

  it('never undercounts dynalite’s size for the same item (property)', () => {
    const value = fc.letrec((tie) => ({
      leaf: fc.oneof(
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        // The document client only writes numbers within ±MAX_SAFE_INTEGER.
        fc.double({
          noNaN: true,
          noDefaultInfinity: true,
          min: -Number.MAX_SAFE_INTEGER,
          max: Number.MAX_SAFE_INTEGER,
        }),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
      ),
      node: fc.oneof(
        { depthSize: 'small' },
        tie('leaf'),
        fc.array(tie('node'), { maxLength: 5 }),
        fc.dictionary(attributeName(8), tie('node'), { maxKeys: 5 }),
      ),
    }));
    const item = fc.dictionary(attributeName(12), value.node, { minKeys: 1, maxKeys: 8 });

    fc.assert(
      fc.property(item, (generated) => {
        const reference = dynaliteDb.itemSize(marshall(generated, { removeUndefinedValues: true }));

        expect(dynamoItemSizeBytes(generated)).toBeGreaterThanOrEqual(reference);
      }),
      { numRuns: 300 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RECENT_WRITE_IDS_ATTRIBUTE, appendWriteId, randomWriteId, recentWriteIds, updatesAfter } from './write-id.ts';

describe('appendWriteId', () => {
  it('binds the id in both the appended list and the refusing condition', () => {
    const update = appendWriteId('w-7');

    expect(update.values).toEqual({ ':noWriteIds': [], ':thisWriteId': ['w-7'], ':writeId': 'w-7' });
    expect(update.names).toEqual({ '#recentWriteIds': RECENT_WRITE_IDS_ATTRIBUTE });
    expect(update.condition).toBe('NOT contains(#recentWriteIds, :writeId)');
  });
});

describe('randomWriteId', () => {
  it('returns distinct version-4 UUIDs', () => {
    const ids = Array.from({ length: 50 }, () => randomWriteId());

    expect(new Set(ids).size).toBe(50);
    expect(ids.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id))).toBe(
      true,
    );
  });
});

describe('recentWriteIds', () => {
  it('reads the list, ignoring non-string entries, and is empty when absent or not a list', () => {
    const listed = recentWriteIds({ [RECENT_WRITE_IDS_ATTRIBUTE]: ['a', 3, 'b'] });

    expect(listed).toEqual(['a', 'b']);
    expect(recentWriteIds(undefined)).toEqual([]);
    expect(recentWriteIds({ [RECENT_WRITE_IDS_ATTRIBUTE]: 'a' })).toEqual([]);
  });
});

describe('updatesAfter', () => {
  it('counts the updates listed after the id (hand-worked) and is undefined for an unlisted id', () => {
    const item = { [RECENT_WRITE_IDS_ATTRIBUTE]: ['a', 'b', 'c', 'd'] };

    expect([
      updatesAfter(item, 'd'),
      updatesAfter(item, 'b'),
      updatesAfter(item, 'a'),
      updatesAfter(item, 'z'),
    ]).toEqual([0, 2, 3, undefined]);
  });

  it('recovers the count an increment produced from any later snapshot, whatever was trimmed from the front', () => {
    // Model: increments append ids in order and each sets count = its 1-based position; trims drop a prefix.
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.nat(), fc.nat(), (total, oursSeed, trimSeed) => {
        const ours = oursSeed % total;
        const ids = Array.from({ length: total }, (_, index) => `w-${index}`);
        const trimmed = trimSeed % (ours + 1);
        const snapshot = { [RECENT_WRITE_IDS_ATTRIBUTE]: ids.slice(trimmed) };

        const produced = total - (updatesAfter(snapshot, `w-${ours}`) ?? Number.NaN);

        expect(produced).toBe(ours + 1);
      }),
    );
  });
});

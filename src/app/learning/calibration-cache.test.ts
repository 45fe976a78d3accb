import { describe, expect, it } from 'vitest';
import { sampleCalibration, sampleLearningRecord } from '../../../test/support/storage-fixtures.ts';
import type { CalibrationSource } from '../ports/calibration-source.ts';
import type { LearningStateStore } from '../ports/learning-state-store.ts';
import type { CalibrationRecord } from '../records/calibration-record.ts';
import { cacheCalibration } from './calibration-cache.ts';

/** A store whose `current` answers what `stored` holds, counting reads; reads resolve when `release()` is called. */
function countingStore() {
  const stored = new Map<string, CalibrationRecord>();
  const waiting: (() => void)[] = [];
  const store: LearningStateStore &
    CalibrationSource & { reads: number; stored: Map<string, CalibrationRecord>; release(): void } = {
    reads: 0,
    stored,
    release: () => waiting.splice(0).forEach((resolve) => resolve()),
    current(clusterId) {
      store.reads += 1;
      return new Promise((resolve) => waiting.push(() => resolve(stored.get(clusterId))));
    },
    load: () => Promise.resolve(undefined),
    pending: () => Promise.resolve([]),
    acknowledge: () => Promise.resolve(),
    commit: (_record, _expected, calibration) => {
      stored.set(calibration.clusterId, calibration);
      return Promise.resolve({ status: 'written' });
    },
  };
  return store;
}

async function read(
  cache: CalibrationSource,
  store: ReturnType<typeof countingStore>,
  clusterId: string,
): Promise<CalibrationRecord | undefined> {
  const pending = cache.current(clusterId);
  store.release();
  return pending;
}

describe('cacheCalibration', () => {
  it('serves a read calibration for maxAgeMs after the read began, re-reading it in the background from half that age', async () => {
    const store = countingStore();
    let nowMs = 1_000;
    const cache = cacheCalibration(store, { maxAgeMs: 500, nowMs: () => nowMs });
    store.stored.set('c1', sampleCalibration({ clusterId: 'c1', version: 1 }));

    expect((await read(cache, store, 'c1'))?.learningVersion).toBe(1);
    store.stored.set('c1', sampleCalibration({ clusterId: 'c1', version: 2 }));
    nowMs = 1_249;
    expect((await cache.current('c1'))?.learningVersion).toBe(1);
    expect(store.reads).toBe(1);
    // Half its age: still served at once, while one background read starts (and completes).
    nowMs = 1_250;
    expect((await cache.current('c1'))?.learningVersion).toBe(1);
    expect((await cache.current('c1'))?.learningVersion).toBe(1);
    expect(store.reads).toBe(2);
    store.release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect((await cache.current('c1'))?.learningVersion).toBe(2);
    // Its full age after that read began: the next request waits for a read.
    store.stored.set('c1', sampleCalibration({ clusterId: 'c1', version: 3 }));
    nowMs = 1_750;
    expect((await read(cache, store, 'c1'))?.learningVersion).toBe(3);
    expect(store.reads).toBe(3);
  });

  it('lets concurrent misses share one read, and never keeps an unknown cluster', async () => {
    const store = countingStore();
    const cache = cacheCalibration(store, { maxAgeMs: 60_000, nowMs: () => 0 });
    store.stored.set('c1', sampleCalibration({ clusterId: 'c1', version: 3 }));

    const answers = [cache.current('c1'), cache.current('c1'), cache.current('c1')];
    store.release();
    expect((await Promise.all(answers)).map((record) => record?.learningVersion)).toEqual([3, 3, 3]);
    expect(store.reads).toBe(1);

    expect(await read(cache, store, 'new')).toBeUndefined();
    store.stored.set('new', sampleCalibration({ clusterId: 'new', version: 1 }));
    expect((await read(cache, store, 'new'))?.learningVersion).toBe(1);
    expect(store.reads).toBe(3);
  });

  it('keeps what this process commits at once, and an older read never replaces it', async () => {
    const store = countingStore();
    const cache = cacheCalibration(store, { maxAgeMs: 60_000, nowMs: () => 0 });
    store.stored.set('c1', sampleCalibration({ clusterId: 'c1', version: 1 }));
    const slowRead = cache.current('c1');

    await cache.commit(
      sampleLearningRecord({ clusterId: 'c1', version: 2 }),
      1,
      sampleCalibration({ clusterId: 'c1', version: 2 }),
    );
    store.stored.set('c1', sampleCalibration({ clusterId: 'c1', version: 1 }));
    store.release();

    expect((await slowRead)?.learningVersion).toBe(2);
    expect((await cache.current('c1'))?.learningVersion).toBe(2);
    expect(store.reads).toBe(1);
  });

  it('with maxAgeMs 0 is the store itself', () => {
    const store = countingStore();
    expect(cacheCalibration(store, { maxAgeMs: 0, nowMs: () => 0 })).toBe(store);
    expect(() => cacheCalibration(store, { maxAgeMs: -1, nowMs: () => 0 })).toThrow(RangeError);
  });
});

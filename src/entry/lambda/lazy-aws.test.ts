import { describe, expect, it } from 'vitest';
import { onFirstUse } from './lazy-aws.ts';

describe('onFirstUse', () => {
  it('onFirstUse builds nothing until asked, then once for concurrent and later callers', async () => {
    let builds = 0;
    const lazy = onFirstUse(() => Promise.resolve({ id: (builds += 1) }));

    const before = builds;
    const [first, second] = await Promise.all([lazy.get(), lazy.get()]);
    const third = await lazy.get();

    expect(before).toBe(0);
    expect(builds).toBe(1);
    expect(first).toBe(second);
    expect(third).toBe(first);
    expect(lazy.loaded()).toBe(first);
  });

  it('onFirstUse forgets a failed build so the next call retries', async () => {
    let attempts = 0;
    const lazy = onFirstUse(() => {
      attempts += 1;
      return attempts === 1 ? Promise.reject(new Error('SSM unreachable')) : Promise.resolve('client');
    });

    await expect(lazy.get()).rejects.toThrow('SSM unreachable');
    const loadedAfterFailure = lazy.loaded();
    const retried = await lazy.get();

    expect(loadedAfterFailure).toBeUndefined();
    expect(retried).toBe('client');
    expect(attempts).toBe(2);
  });
});

/**
 * The `BundleStore` contract: behaviour every implementation must show. Each case uses its own
 * cluster id, so one store may serve them all.
 */
import { describe, expect, it } from 'vitest';
import type { BundleStore } from '../../src/app/ports/bundle-store.ts';
import { DuplicateError } from '../../src/app/errors.ts';
import { InvalidBundleError, InvalidInputError } from '../../src/core/errors.ts';
import type { ModelBundle } from '../../src/core/model/bundle.ts';
import { sampleBundle } from './storage-fixtures.ts';

let clusterCounter = 0;
function freshClusterId(): string {
  clusterCounter += 1;
  return `bundles-${process.pid}-${clusterCounter}`;
}

/** Registers the contract cases; `store()` returns the implementation under test. */
export function describeBundleStoreContract(label: string, store: () => BundleStore): void {
  describe(`BundleStore contract: ${label}`, () => {
    it('putBundle then getBundle round-trips the bundle', async () => {
      const clusterId = freshClusterId();
      const bundle = sampleBundle('round-trip');

      await store().putBundle(clusterId, 1, bundle);
      const read = await store().getBundle(clusterId, 1);

      expect(read).toEqual(bundle);
    });

    it('getBundle returns undefined for a version never written', async () => {
      const clusterId = freshClusterId();
      await store().putBundle(clusterId, 1, sampleBundle());

      const missing = await store().getBundle(clusterId, 2);

      expect(missing).toBeUndefined();
    });

    it('putBundle refuses to overwrite an existing version and keeps the original', async () => {
      const clusterId = freshClusterId();
      await store().putBundle(clusterId, 3, sampleBundle('original'));

      const attempt = store().putBundle(clusterId, 3, sampleBundle('replacement'));

      await expect(attempt).rejects.toBeInstanceOf(DuplicateError);
      expect((await store().getBundle(clusterId, 3))?.bundleId).toBe('original');
    });

    it('putBundle refuses an invalid bundle with InvalidBundleError', async () => {
      const clusterId = freshClusterId();
      const invalid = { ...sampleBundle(), schemaVersion: 2 } as unknown as ModelBundle;

      const attempt = store().putBundle(clusterId, 1, invalid);

      await expect(attempt).rejects.toBeInstanceOf(InvalidBundleError);
      expect(await store().listVersions(clusterId)).toEqual([]);
    });

    it('listVersions lists this cluster’s versions ascending, and no other cluster’s', async () => {
      const clusterId = freshClusterId();
      const prefixSibling = `${clusterId}0`;
      for (const version of [10, 2, 1, 33, 7, 5, 4])
        await store().putBundle(clusterId, version, sampleBundle(`v${version}`));
      await store().putBundle(prefixSibling, 99, sampleBundle());

      const versions = await store().listVersions(clusterId);
      const none = await store().listVersions(freshClusterId());

      expect(versions).toEqual([1, 2, 4, 5, 7, 10, 33]);
      expect(none).toEqual([]);
    });

    it('rejects unsafe cluster ids and versions with InvalidInputError', async () => {
      const results = await Promise.allSettled([
        store().getBundle('../escape', 1),
        store().putBundle('a/b', 1, sampleBundle()),
        store().listVersions('a#b'),
        store().getBundle(freshClusterId(), -1),
        store().getBundle(freshClusterId(), 1.5),
      ]);

      for (const result of results) {
        expect(result.status).toBe('rejected');
        expect(result.status === 'rejected' ? result.reason : undefined).toBeInstanceOf(InvalidInputError);
      }
    });
  });
}

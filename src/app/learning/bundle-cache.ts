/**
 * Compiled bundles by cluster and version. Bundles are immutable once written, so a cached
 * compilation can never go stale; the cache only saves an S3 read and a compile per prediction.
 */
import { compileBundle, type CompiledBundle } from '../../core/model/apply-bundle.ts';
import type { ModelBundle } from '../../core/model/bundle.ts';
import { InfrastructureError } from '../errors.ts';
import type { BundleStore } from '../ports/bundle-store.ts';

export interface LoadedBundle {
  readonly bundle: ModelBundle;
  readonly compiled: CompiledBundle;
}

export interface BundleCache {
  load(bundles: BundleStore, clusterId: string, version: number): Promise<LoadedBundle>;
}

const MAX_CACHED_BUNDLES = 256;

export function createBundleCache(): BundleCache {
  const loaded = new Map<string, LoadedBundle>();
  return {
    async load(bundles, clusterId, version) {
      const key = `${clusterId}@${version}`;
      const hit = loaded.get(key);
      if (hit !== undefined) return hit;
      const bundle = await bundles.getBundle(clusterId, version);
      if (bundle === undefined) {
        throw new InfrastructureError(
          `bundle version ${version} of cluster '${clusterId}' is missing from the bundle store`,
        );
      }
      const entry = { bundle, compiled: compileBundle(bundle) };
      if (loaded.size >= MAX_CACHED_BUNDLES) loaded.delete(loaded.keys().next().value as string);
      loaded.set(key, entry);
      return entry;
    },
  };
}

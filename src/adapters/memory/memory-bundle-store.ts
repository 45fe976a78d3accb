/**
 * An in-memory BundleStore FOR OFFLINE EVALUATION AND UNIT TESTS ONLY (see memory-tables.ts): immutable
 * versions, copied in and out as S3 would.
 */
import { DuplicateError } from '../../app/errors.ts';
import type { BundleStore } from '../../app/ports/bundle-store.ts';
import type { ModelBundle } from '../../core/model/bundle.ts';

export class MemoryBundleStore implements BundleStore {
  readonly #bundles = new Map<string, Map<number, ModelBundle>>();

  putBundle(clusterId: string, version: number, bundle: ModelBundle): Promise<void> {
    let versions = this.#bundles.get(clusterId);
    if (versions === undefined) {
      versions = new Map();
      this.#bundles.set(clusterId, versions);
    }
    if (versions.has(version))
      return Promise.reject(new DuplicateError(`bundle version ${version} of cluster '${clusterId}' already exists`));
    versions.set(version, structuredClone(bundle));
    return Promise.resolve();
  }

  getBundle(clusterId: string, version: number): Promise<ModelBundle | undefined> {
    const bundle = this.#bundles.get(clusterId)?.get(version);
    return Promise.resolve(bundle === undefined ? undefined : structuredClone(bundle));
  }

  listVersions(clusterId: string): Promise<number[]> {
    return Promise.resolve([...(this.#bundles.get(clusterId)?.keys() ?? [])].sort((left, right) => left - right));
  }
}

import type { ModelBundle } from '../../core/model/bundle.ts';

/** Immutable, versioned model bundles in S3: `clusters/{id}/calibrators/{version}.json`. */
export interface BundleStore {
  /** Writes a new version; refuses to overwrite an existing one. */
  putBundle(clusterId: string, version: number, bundle: ModelBundle): Promise<void>;
  /** Loads and validates; missing → `undefined`. */
  getBundle(clusterId: string, version: number): Promise<ModelBundle | undefined>;
  listVersions(clusterId: string): Promise<number[]>;
}

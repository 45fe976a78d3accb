/** The S3 BundleStore with its SDK client imported and built on first use (see lazy-aws.ts). */
import type { BundleStore } from '../../app/ports/bundle-store.ts';
import type { ModelBundle } from '../../core/model/bundle.ts';
import { onFirstUse, type Tracer } from './lazy-aws.ts';
import { endpointOverride } from './lambda-observability.ts';

export interface LazyS3BundleStore extends BundleStore {
  /** Closes the S3 client's sockets if it was ever built. */
  destroy(): void;
}

/**
 * The S3 BundleStore, built on first use. With an endpoint (s3rver) it forces path-style
 * addressing and only computes checksums where an operation requires them, like
 * aws-clients.ts does for the local stack.
 */
export function lazyS3BundleStore(options: {
  readonly region: string;
  readonly endpoint: string | undefined;
  readonly bucket: string;
  readonly tracer: Tracer;
}): LazyS3BundleStore {
  const built = onFirstUse(async () => {
    const [{ S3Client }, { S3BundleStore }] = await Promise.all([
      import('@aws-sdk/client-s3'),
      import('../../adapters/s3/s3-bundle-store.ts'),
    ]);
    const client = new S3Client({
      ...endpointOverride(options.region, options.endpoint),
      ...(options.endpoint === undefined
        ? {}
        : {
            forcePathStyle: true,
            requestChecksumCalculation: 'WHEN_REQUIRED' as const,
            responseChecksumValidation: 'WHEN_REQUIRED' as const,
          }),
    });
    options.tracer.captureAWSv3Client(client);
    return { client, store: new S3BundleStore({ client, bucket: options.bucket }) };
  });
  return {
    async putBundle(clusterId: string, version: number, bundle: ModelBundle) {
      return (await built.get()).store.putBundle(clusterId, version, bundle);
    },
    async getBundle(clusterId: string, version: number) {
      return (await built.get()).store.getBundle(clusterId, version);
    },
    async listVersions(clusterId: string) {
      return (await built.get()).store.listVersions(clusterId);
    },
    destroy() {
      built.loaded()?.client.destroy();
    },
  };
}

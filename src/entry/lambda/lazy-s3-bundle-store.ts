/** The S3 BundleStore with its SDK client imported and built on first use (see lazy-aws.ts). */
import type { BundleStore } from '../../app/ports/bundle-store.ts';
import type { ModelBundle } from '../../core/model/bundle.ts';
import type { DependencyGuard } from '../../adapters/shared/dependency-guard.ts';
import type { AwsCallPolicy } from '../aws-call-policy.ts';
import { onFirstUse, type Tracer } from './lazy-aws.ts';
import { lambdaClientSettings } from './lambda-observability.ts';

export interface LazyS3BundleStore extends BundleStore {
  /** `/health`'s probe of the bucket (a HeadBucket on the guarded client; dependency-health.ts). */
  probe(): Promise<unknown>;
  /** Closes the S3 client's sockets if it was ever built. */
  destroy(): void;
}

/**
 * The S3 BundleStore, built on first use, its calls bounded by the call policy and routed through
 * S3's circuit breaker (`guard`) like the local stack's S3 client (aws-clients.ts). With an
 * endpoint (s3rver) it forces path-style addressing and only computes checksums where an
 * operation requires them, as aws-clients.ts does.
 */
export function lazyS3BundleStore(options: {
  readonly region: string;
  readonly endpoint: string | undefined;
  readonly bucket: string;
  readonly tracer: Tracer;
  readonly callPolicy: AwsCallPolicy;
  readonly guard: DependencyGuard;
}): LazyS3BundleStore {
  const built = onFirstUse(async () => {
    const [{ S3Client }, { S3BundleStore }, { s3Probe }] = await Promise.all([
      import('@aws-sdk/client-s3'),
      import('../../adapters/s3/s3-bundle-store.ts'),
      import('../s3-probe.ts'),
    ]);
    const client = new S3Client({
      ...lambdaClientSettings(options.region, options.endpoint, options.callPolicy),
      ...(options.endpoint === undefined
        ? {}
        : {
            forcePathStyle: true,
            requestChecksumCalculation: 'WHEN_REQUIRED' as const,
            responseChecksumValidation: 'WHEN_REQUIRED' as const,
          }),
    });
    options.guard.attach(client.middlewareStack);
    options.tracer.captureAWSv3Client(client);
    return {
      client,
      store: new S3BundleStore({ client, bucket: options.bucket }),
      probe: s3Probe(client, options.bucket),
    };
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
    async probe() {
      return (await built.get()).probe();
    },
    destroy() {
      built.loaded()?.client.destroy();
    },
  };
}

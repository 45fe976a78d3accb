/**
 * `/health`'s probe of S3 (dependency-health.ts): a HeadBucket, the cheapest call that proves the
 * bucket answers. Its own file so that only runtimes that build an S3 client load @aws-sdk/client-s3 here.
 */
import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';

export function s3Probe(client: S3Client, bucket: string): () => Promise<unknown> {
  return () => client.send(new HeadBucketCommand({ Bucket: bucket }));
}

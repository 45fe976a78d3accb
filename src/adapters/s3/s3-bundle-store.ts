/**
 * `BundleStore` on S3: each bundle version is one immutable JSON object at
 * `clusters/{clusterId}/calibrators/{version}.json`. Runs unchanged against AWS and s3rver.
 */
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  PutObjectCommand,
  type BucketLocationConstraint,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { BundleStore } from '../../app/ports/bundle-store.ts';
import { DependencyUnavailableError, DuplicateError, InfrastructureError } from '../../app/errors.ts';
import { isDependencyFailure } from '../shared/dependency-guard.ts';
import { InvalidBundleError, InvalidInputError } from '../../core/errors.ts';
import { ModelBundleSchema, type ModelBundle } from '../../core/model/bundle.ts';

/** Same rule as the table's ids: no `/` or `#`, so a key always splits back into its parts. */
export const SAFE_CLUSTER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Keys per ListObjects page: S3's maximum. */
export const DEFAULT_LIST_PAGE_SIZE = 1000;

export interface S3BundleStoreOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Keys per list page (1–1000); tests set it small to exercise pagination. */
  readonly listPageSize?: number;
}

/** `clusters/{clusterId}/calibrators/{version}.json`; throws `InvalidInputError` for an unsafe id or a version that is not a non-negative integer. */
export function bundleKey(clusterId: string, version: number): string {
  return `${bundlePrefix(clusterId)}${assertVersion(version)}.json`;
}

function bundlePrefix(clusterId: string): string {
  if (!SAFE_CLUSTER_ID_PATTERN.test(clusterId)) {
    throw new InvalidInputError(
      `invalid cluster id '${clusterId.slice(0, 64)}': expected ${SAFE_CLUSTER_ID_PATTERN.source}`,
    );
  }
  return `clusters/${clusterId}/calibrators/`;
}

function assertVersion(version: number): number {
  if (!Number.isSafeInteger(version) || version < 0)
    throw new InvalidInputError(`invalid bundle version ${version}: expected a non-negative integer`);
  return version;
}

export class S3BundleStore implements BundleStore {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #listPageSize: number;

  constructor(options: S3BundleStoreOptions) {
    const pageSize = options.listPageSize ?? DEFAULT_LIST_PAGE_SIZE;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > DEFAULT_LIST_PAGE_SIZE) {
      throw new InvalidInputError(
        `invalid listPageSize ${pageSize}: expected an integer in [1, ${DEFAULT_LIST_PAGE_SIZE}]`,
      );
    }
    this.#client = options.client;
    this.#bucket = options.bucket;
    this.#listPageSize = pageSize;
  }

  /**
   * Writes version `version` of the cluster's bundle; an existing version is never overwritten
   * (`DuplicateError`). The bundle is validated first (`InvalidBundleError`).
   *
   * Two guards: `IfNoneMatch: '*'` makes S3 itself refuse an existing key (AWS honours it;
   * s3rver ignores it), and a HeadObject beforehand catches the common case everywhere. Against
   * s3rver a race remains between the head and the put; it never arises in this system because
   * the learning loop reserves each version number through a DynamoDB conditional update
   * (`latestBundleVersion`) before writing, so two writers never target the same version.
   */
  async putBundle(clusterId: string, version: number, bundle: ModelBundle): Promise<void> {
    const key = bundleKey(clusterId, version);
    const parsed = ModelBundleSchema.safeParse(bundle);
    if (!parsed.success) {
      throw new InvalidBundleError(
        `bundle for '${key}' is invalid at '${parsed.error.issues[0]?.path.map(String).join('.') ?? ''}'`,
        { cause: parsed.error },
      );
    }
    const exists = (): DuplicateError =>
      new DuplicateError(`bundle '${key}' already exists; bundle versions are immutable`);

    if (await this.#exists(key)) throw exists();
    try {
      await this.#client.send(
        new PutObjectCommand({
          Bucket: this.#bucket,
          Key: key,
          Body: JSON.stringify(parsed.data),
          ContentType: 'application/json',
          IfNoneMatch: '*',
        }),
      );
    } catch (error) {
      // 412: the key appeared since the head; 409: a concurrent conditional write is in flight.
      const status = httpStatus(error);
      if (errorName(error) === 'PreconditionFailed' || status === 412 || status === 409) throw exists();
      throw infrastructure('PutObject', key, error);
    }
  }

  /** Loads and validates a version; missing → undefined; not a valid bundle → `InvalidBundleError` naming the key. */
  async getBundle(clusterId: string, version: number): Promise<ModelBundle | undefined> {
    const key = bundleKey(clusterId, version);
    let text: string;
    try {
      const response = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }));
      text = (await response.Body?.transformToString('utf-8')) ?? '';
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw infrastructure('GetObject', key, error);
    }

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new InvalidBundleError(`bundle '${key}' is not valid JSON`, { cause: error });
    }
    const parsed = ModelBundleSchema.safeParse(json);
    if (!parsed.success) {
      throw new InvalidBundleError(
        `bundle '${key}' is invalid at '${parsed.error.issues[0]?.path.map(String).join('.') ?? ''}'`,
        { cause: parsed.error },
      );
    }
    return parsed.data;
  }

  /**
   * Every stored version of the cluster's bundle, ascending. Keys under the prefix that are not
   * `{integer}.json` are ignored.
   *
   * Uses ListObjects (v1) with `Marker` rather than ListObjectsV2: s3rver builds V2 continuation
   * tokens with DES, which Node's OpenSSL 3 no longer provides, so any truncated V2 listing fails
   * there with a 500. V1 paginates the same way on AWS (one page per `listPageSize` keys).
   */
  async listVersions(clusterId: string): Promise<number[]> {
    const prefix = bundlePrefix(clusterId);
    const versions: number[] = [];
    let marker: string | undefined;
    for (;;) {
      let page;
      try {
        page = await this.#client.send(
          new ListObjectsCommand({
            Bucket: this.#bucket,
            Prefix: prefix,
            MaxKeys: this.#listPageSize,
            ...(marker === undefined ? {} : { Marker: marker }),
          }),
        );
      } catch (error) {
        throw infrastructure('ListObjects', prefix, error);
      }
      const keys = (page.Contents ?? []).map((object) => object.Key).filter((key): key is string => key !== undefined);
      for (const key of keys) {
        const match = /^(0|[1-9][0-9]*)\.json$/.exec(key.slice(prefix.length));
        if (match?.[1] !== undefined) versions.push(Number(match[1]));
      }
      const lastKey = keys.at(-1);
      if (page.IsTruncated !== true || lastKey === undefined) break;
      marker = page.NextMarker ?? lastKey;
    }
    return versions.sort((left, right) => left - right);
  }

  async #exists(key: string): Promise<boolean> {
    try {
      await this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: key }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw infrastructure('HeadObject', key, error);
    }
  }
}

/**
 * Creates `bucket` when it does not exist (in the client's region). Idempotent; throws
 * `InfrastructureError` when the bucket cannot be created or belongs to someone else.
 */
export async function ensureBucket(client: S3Client, bucket: string): Promise<void> {
  if (await bucketReachable(client, bucket)) return;
  const region = await client.config.region();
  try {
    await client.send(
      new CreateBucketCommand({
        Bucket: bucket,
        // us-east-1 is the default location and must not be named explicitly.
        ...(region === 'us-east-1'
          ? {}
          : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
      }),
    );
  } catch (error) {
    // Created concurrently by us (AWS: BucketAlreadyOwnedByYou; s3rver: BucketAlreadyExists): fine if we can reach it now.
    const name = errorName(error);
    if (
      (name === 'BucketAlreadyOwnedByYou' || name === 'BucketAlreadyExists') &&
      (await bucketReachable(client, bucket))
    )
      return;
    throw infrastructure('CreateBucket', bucket, error);
  }
}

async function bucketReachable(client: S3Client, bucket: string): Promise<boolean> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw infrastructure('HeadBucket', bucket, error);
  }
}

/** A missing object or bucket. GetObject names a missing bucket `NoSuchBucket`, which is not "not found" for an object: it stays an error. */
function isNotFound(error: unknown): boolean {
  const name = errorName(error);
  if (name === 'NoSuchBucket') return false;
  return name === 'NotFound' || name === 'NoSuchKey' || httpStatus(error) === 404;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

function httpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const metadata = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
  return metadata?.httpStatusCode;
}

function infrastructure(operation: string, target: string, cause: unknown): InfrastructureError {
  if (isDependencyFailure(cause))
    return new DependencyUnavailableError(
      's3',
      `S3 is unavailable: ${operation} on '${target}' failed: ${errorName(cause) || 'unknown error'}`,
      { cause },
    );
  return new InfrastructureError(`S3 ${operation} on '${target}' failed: ${errorName(cause) || 'unknown error'}`, {
    cause,
  });
}

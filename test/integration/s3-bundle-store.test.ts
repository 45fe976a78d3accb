import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadBucketCommand, ListObjectsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { InfrastructureError } from '../../src/app/errors.ts';
import { InvalidBundleError } from '../../src/core/errors.ts';
import { S3BundleStore, bundleKey, ensureBucket } from '../../src/adapters/s3/s3-bundle-store.ts';
import { describeBundleStoreContract } from '../support/bundle-store-contract.ts';
import { loopbackClients, startTestAws, uniqueName, type TestAws } from '../support/embedded-aws.ts';
import { sampleBundle } from '../support/storage-fixtures.ts';

let aws: TestAws;
let bucket: string;
let store: S3BundleStore;

beforeAll(async () => {
  aws = await startTestAws();
  bucket = uniqueName('vgac-it-bucket');
  await ensureBucket(aws.clients.s3, bucket);
  store = new S3BundleStore({ client: aws.clients.s3, bucket });
});

afterAll(async () => {
  await aws?.stop();
});

describeBundleStoreContract('S3BundleStore on s3rver', () => store);

describe('S3BundleStore on s3rver', () => {
  it('stores version N at clusters/{clusterId}/calibrators/{N}.json', async () => {
    const clusterId = uniqueName('layout');

    await store.putBundle(clusterId, 12, sampleBundle());
    const listed = await aws.clients.s3.send(
      new ListObjectsCommand({ Bucket: bucket, Prefix: `clusters/${clusterId}/` }),
    );

    expect(listed.Contents?.map((object) => object.Key)).toEqual([`clusters/${clusterId}/calibrators/12.json`]);
    expect(bundleKey(clusterId, 12)).toBe(`clusters/${clusterId}/calibrators/12.json`);
  });

  it('listVersions follows pages: 7 versions with 2 keys per page', async () => {
    const clusterId = uniqueName('paged');
    let listCalls = 0;
    const countingClients = loopbackClients(aws.dynamoEndpoint, aws.s3Endpoint);
    countingClients.s3.middlewareStack.add(
      (next, context) => (args) => {
        if (context.commandName === 'ListObjectsCommand') listCalls += 1;
        return next(args);
      },
      { step: 'initialize' },
    );
    const paged = new S3BundleStore({ client: countingClients.s3, bucket, listPageSize: 2 });
    for (let version = 1; version <= 7; version += 1)
      await store.putBundle(clusterId, version, sampleBundle(`v${version}`));

    const versions = await paged.listVersions(clusterId);
    countingClients.destroy();

    expect(versions).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // ceil(7 / 2) = 4 pages.
    expect(listCalls).toBe(4);
  });

  it('listVersions ignores keys under the prefix that are not {integer}.json', async () => {
    const clusterId = uniqueName('stray');
    await store.putBundle(clusterId, 2, sampleBundle());
    for (const stray of ['notes.txt', '01.json', '3.json.bak', 'x.json']) {
      await aws.clients.s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: `clusters/${clusterId}/calibrators/${stray}`, Body: '{}' }),
      );
    }

    const versions = await store.listVersions(clusterId);

    expect(versions).toEqual([2]);
  });

  it('getBundle on text that is not JSON throws InvalidBundleError naming the key', async () => {
    const clusterId = uniqueName('corrupt');
    const key = `clusters/${clusterId}/calibrators/1.json`;
    await aws.clients.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: '{"schemaVersion": 1, "bundleId": "trunc' }),
    );

    const attempt = store.getBundle(clusterId, 1);

    await expect(attempt).rejects.toBeInstanceOf(InvalidBundleError);
    await expect(attempt).rejects.toThrow(key);
  });

  it('getBundle on JSON that is not a bundle throws InvalidBundleError naming the key and field', async () => {
    const clusterId = uniqueName('wrong-shape');
    const key = `clusters/${clusterId}/calibrators/4.json`;
    const broken = {
      ...sampleBundle(),
      classifier: { kind: 'logistic', weights: 'not-an-array', intercept: 0, l2: 0 },
    };
    await aws.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(broken) }));

    const attempt = store.getBundle(clusterId, 4);

    await expect(attempt).rejects.toBeInstanceOf(InvalidBundleError);
    await expect(attempt).rejects.toThrow(`bundle '${key}' is invalid at 'classifier.weights'`);
  });

  it('a missing bucket is an InfrastructureError, not a missing bundle', async () => {
    const orphan = new S3BundleStore({ client: aws.clients.s3, bucket: uniqueName('vgac-it-nobucket') });

    const attempt = orphan.getBundle('c1', 1);

    await expect(attempt).rejects.toBeInstanceOf(InfrastructureError);
  });
});

describe('ensureBucket', () => {
  it('creates a missing bucket and is idempotent', async () => {
    const name = uniqueName('vgac-it-ensure');

    await ensureBucket(aws.clients.s3, name);
    await ensureBucket(aws.clients.s3, name);
    const head = await aws.clients.s3.send(new HeadBucketCommand({ Bucket: name }));

    expect(head.$metadata.httpStatusCode).toBe(200);
  });
});

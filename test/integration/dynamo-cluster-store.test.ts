import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DuplicateError, InfrastructureError, UnknownJobError } from '../../src/app/errors.ts';
import { InvalidInputError } from '../../src/core/errors.ts';
import { DynamoClusterStore } from '../../src/adapters/dynamodb/dynamo-cluster-store.ts';
import { ensureTable } from '../../src/adapters/dynamodb/table-definition.ts';
import { describeClusterStoreContract } from '../support/cluster-store-contract.ts';
import { loopbackClients, startTestAws, uniqueName, type TestAws } from '../support/embedded-aws.ts';
import { JAN_1_2025_MS, sampleCalibration, sampleOutcome, samplePrediction } from '../support/storage-fixtures.ts';

let aws: TestAws;
let tableName: string;
let store: DynamoClusterStore;

beforeAll(async () => {
  aws = await startTestAws();
  tableName = uniqueName('vgac-it-table');
  await ensureTable(aws.clients.dynamo, tableName);
  store = new DynamoClusterStore({ client: aws.clients.dynamo, tableName });
});

afterAll(async () => {
  await aws?.stop();
});

describeClusterStoreContract('DynamoClusterStore on dynalite', () => store);

/** Runs `tasks` with at most `concurrency` in flight; resolves with every result in order. */
async function runLimited<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const workers = Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const index = next;
      next += 1;
      results[index] = await task(index);
    }
  });
  await Promise.all(workers);
  return results;
}

describe('ensureTable', () => {
  it('is idempotent and creates the keys, the ClusterIndex GSI and on-demand billing', async () => {
    const name = uniqueName('vgac-it-ensure');

    await ensureTable(aws.clients.dynamo, name);
    await ensureTable(aws.clients.dynamo, name);
    const { Table: table } = await aws.clients.dynamo.send(new DescribeTableCommand({ TableName: name }));

    expect(table?.TableStatus).toBe('ACTIVE');
    expect(table?.KeySchema).toEqual([
      { AttributeName: 'PK', KeyType: 'HASH' },
      { AttributeName: 'SK', KeyType: 'RANGE' },
    ]);
    expect(table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table?.GlobalSecondaryIndexes?.map((index) => [index.IndexName, index.KeySchema, index.Projection?.ProjectionType])).toEqual([
      [
        'ClusterIndex',
        [
          { AttributeName: 'GSI1PK', KeyType: 'HASH' },
          { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
        ],
        'ALL',
      ],
    ]);
  });
});

describe('DynamoClusterStore idempotency under concurrency', () => {
  it('recordOutcome: 200 parallel calls over 50 jobs (4 each) record exactly 50 and count 50', async () => {
    const clusterId = uniqueName('idem');
    await store.putCalibration(sampleCalibration({ clusterId }), undefined);
    const jobIds = Array.from({ length: 50 }, (_, index) => `job-${index}`);
    await runLimited(jobIds.length, 10, (index) =>
      store.recordPrediction(samplePrediction({ clusterId, jobId: jobIds[index] ?? '', predictedAtMs: JAN_1_2025_MS + index * 1000 })),
    );
    // Each job's four calls carry different outcomes: only the first one stored may ever be seen.
    const calls = jobIds.flatMap((jobId) => [0, 1, 2, 3].map((copy) => ({ jobId, outcome: sampleOutcome({ waitSeconds: 100 + copy }) })));

    const results = await Promise.all(calls.map((call) => store.recordOutcome(clusterId, call.jobId, call.outcome)));

    const recorded = results.filter((result) => result.status === 'recorded');
    expect(recorded).toHaveLength(50);
    expect(new Set(recorded.map((result) => result.prediction.jobId)).size).toBe(50);
    expect(recorded.map((result) => (result.status === 'recorded' ? result.outcomeCount : 0)).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, index) => index + 1),
    );
    expect((await store.getCalibration(clusterId))?.outcomeCount).toBe(50);
    const stored = await store.recentOutcomes(clusterId, 1000);
    expect(stored).toHaveLength(50);
    const winnerByJob = new Map(recorded.map((result) => [result.prediction.jobId, result.prediction.outcome?.waitSeconds]));
    for (const result of results) {
      expect(result.prediction.outcome?.waitSeconds).toBe(winnerByJob.get(result.prediction.jobId));
    }
  });

  it('putCalibration: 10 parallel writers on the same expected version → exactly one written', async () => {
    const clusterId = uniqueName('occ');
    await store.putCalibration(sampleCalibration({ clusterId, version: 3 }), undefined);

    const results = await Promise.all(
      Array.from({ length: 10 }, (_, writer) => store.putCalibration(sampleCalibration({ clusterId, version: 4, sampleCount: writer }), 3)),
    );

    const winners = results.flatMap((result, writer) => (result.status === 'written' ? [writer] : []));
    expect(winners).toHaveLength(1);
    expect((await store.getCalibration(clusterId))?.sampleCount).toBe(winners[0]);
  });

  it('putCalibration: 10 parallel creators → exactly one written', async () => {
    const clusterId = uniqueName('occ-create');

    const results = await Promise.all(
      Array.from({ length: 10 }, (_, writer) => store.putCalibration(sampleCalibration({ clusterId, sampleCount: writer }), undefined)),
    );

    expect(results.filter((result) => result.status === 'written')).toHaveLength(1);
    expect(results.filter((result) => result.status === 'conflict')).toHaveLength(9);
  });

  it('recordPrediction: 10 parallel predictions for one job → one stored, nine DuplicateError', async () => {
    const clusterId = uniqueName('dup');

    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, writer) =>
        store.recordPrediction(samplePrediction({ clusterId, jobId: 'same-job', predictedAtMs: JAN_1_2025_MS + writer * 1000 })),
      ),
    );

    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    expect(rejected).toHaveLength(9);
    for (const reason of rejected) expect(reason).toBeInstanceOf(DuplicateError);
    expect(await store.recentPredictions(clusterId, 100)).toHaveLength(1);
  });
});

describe('DynamoClusterStore item layout', () => {
  it('stores predictions under PREDICTION#{iso-ts}#{jobId} with expiresAt 30 days after predictedAt', async () => {
    const clusterId = uniqueName('ttl');
    const predictedAtMs = JAN_1_2025_MS + 123;

    await store.recordPrediction(samplePrediction({ clusterId, jobId: 'job-ttl', predictedAtMs }));
    const prediction = await aws.clients.dynamo.send(
      new GetCommand({ TableName: tableName, Key: { PK: `CLUSTER#${clusterId}`, SK: 'PREDICTION#2025-01-01T00:00:00.123Z#job-ttl' } }),
    );
    const pointer = await aws.clients.dynamo.send(new GetCommand({ TableName: tableName, Key: { PK: `CLUSTER#${clusterId}`, SK: 'JOB#job-ttl' } }));

    // 2025-01-01T00:00:00Z = 1,735,689,600 s; + 30 × 86,400 s = 1,738,281,600 s (2025-01-31T00:00:00Z).
    expect(prediction.Item?.expiresAt).toBe(1_738_281_600);
    expect(pointer.Item?.expiresAt).toBe(1_738_281_600);
    expect(pointer.Item?.predictionSk).toBe('PREDICTION#2025-01-01T00:00:00.123Z#job-ttl');
  });

  it('puts the calibration item in the ClusterIndex listing and the counter in its own item', async () => {
    const clusterId = uniqueName('layout');
    await store.putCalibration(sampleCalibration({ clusterId }), undefined);
    await store.recordPrediction(samplePrediction({ clusterId, jobId: 'j' }));
    await store.recordOutcome(clusterId, 'j', sampleOutcome());

    const calibration = await aws.clients.dynamo.send(new GetCommand({ TableName: tableName, Key: { PK: `CLUSTER#${clusterId}`, SK: 'CALIBRATION' } }));
    const counters = await aws.clients.dynamo.send(new GetCommand({ TableName: tableName, Key: { PK: `CLUSTER#${clusterId}`, SK: 'COUNTERS' } }));

    expect(calibration.Item?.GSI1PK).toBe('CLUSTERS');
    expect(calibration.Item?.GSI1SK).toBe(clusterId);
    expect(calibration.Item).not.toHaveProperty('outcomeCount');
    expect(counters.Item?.outcomeCount).toBe(1);
  });

  it('a prediction that already carries an outcome counts it', async () => {
    const clusterId = uniqueName('pre-outcome');
    await store.putCalibration(sampleCalibration({ clusterId }), undefined);
    const outcome = sampleOutcome();

    await store.recordPrediction(samplePrediction({ clusterId, jobId: 'done', outcome }));
    const again = await store.recordOutcome(clusterId, 'done', sampleOutcome({ waitSeconds: 5 }));

    expect((await store.getCalibration(clusterId))?.outcomeCount).toBe(1);
    expect(again).toMatchObject({ status: 'duplicate', prediction: { outcome } });
  });
});

describe('DynamoClusterStore conformal item (issue 7)', () => {
  const conformal = (clusterId: string, overrides: Record<string, unknown> = {}) => ({
    clusterId, alpha: 0.2, scoredOutcomes: 0, misses: 0, probabilities: [0.5], bins: [2], waitsSeconds: [60], scores: [], version: 1, updatedAtMs: JAN_1_2025_MS, ...overrides,
  });

  it('stores the windows under SK CONFORMAL as float32 little-endian binaries (bins as bytes)', async () => {
    const clusterId = uniqueName('conformal');

    await store.putConformal(conformal(clusterId, { probabilities: [0.5, 1], waitsSeconds: [60, 2] }), undefined);
    const item = await aws.clients.dynamo.send(new GetCommand({ TableName: tableName, Key: { PK: `CLUSTER#${clusterId}`, SK: 'CONFORMAL' } }));

    // 0.5 = 0x3F000000, 1 = 0x3F800000 as float32, little-endian.
    expect(Array.from(item.Item?.probabilities as Uint8Array)).toEqual([0, 0, 0, 0x3f, 0, 0, 0x80, 0x3f]);
    expect(Array.from(item.Item?.bins as Uint8Array)).toEqual([2]);
    expect(item.Item?.alpha).toBe(0.2);
  });

  it('refuses a window value float32 cannot hold exactly instead of rounding it', async () => {
    const clusterId = uniqueName('conformal-bad');

    const attempt = store.putConformal(conformal(clusterId, { waitsSeconds: [0.1] }), undefined);

    await expect(attempt).rejects.toBeInstanceOf(InvalidInputError);
    expect(await store.getConformal(clusterId)).toBeUndefined();
  });

  it('a corrupt stored window is an InfrastructureError', async () => {
    const clusterId = uniqueName('conformal-corrupt');
    await aws.clients.dynamo.send(new PutCommand({ TableName: tableName, Item: { PK: `CLUSTER#${clusterId}`, SK: 'CONFORMAL', ...conformal(clusterId), probabilities: new Uint8Array(3), bins: new Uint8Array(0), waitsSeconds: new Uint8Array(0), scores: new Uint8Array(0) } }));

    await expect(store.getConformal(clusterId)).rejects.toBeInstanceOf(InfrastructureError);
  });
});

describe('DynamoClusterStore crash recovery', () => {
  it('a job pointer left without its prediction: outcome → UnknownJobError; retrying the prediction completes it', async () => {
    const clusterId = uniqueName('torn');
    const prediction = samplePrediction({ clusterId, jobId: 'torn-job' });
    // What a crash between the pointer write and the prediction write leaves behind.
    await aws.clients.dynamo.send(
      new PutCommand({
        TableName: tableName,
        Item: { PK: `CLUSTER#${clusterId}`, SK: 'JOB#torn-job', predictionSk: 'PREDICTION#2025-01-01T00:00:00.000Z#torn-job', expiresAt: 1_738_281_600 },
      }),
    );

    const outcomeBefore = store.recordOutcome(clusterId, 'torn-job', sampleOutcome());
    await expect(outcomeBefore).rejects.toBeInstanceOf(UnknownJobError);

    await store.recordPrediction(prediction);
    const outcomeAfter = await store.recordOutcome(clusterId, 'torn-job', sampleOutcome());

    expect(outcomeAfter.status).toBe('recorded');
    expect(await store.recentPredictions(clusterId, 10)).toEqual([{ ...prediction, outcome: sampleOutcome() }]);
  });

  it('a job pointer left by a different prediction time still refuses the new prediction', async () => {
    const clusterId = uniqueName('torn-other');
    await aws.clients.dynamo.send(
      new PutCommand({
        TableName: tableName,
        Item: { PK: `CLUSTER#${clusterId}`, SK: 'JOB#job', predictionSk: 'PREDICTION#2024-12-31T00:00:00.000Z#job', expiresAt: 1 },
      }),
    );

    const attempt = store.recordPrediction(samplePrediction({ clusterId, jobId: 'job' }));

    await expect(attempt).rejects.toBeInstanceOf(DuplicateError);
  });
});

describe('DynamoClusterStore pagination', () => {
  it('recentPredictions(1,500) over > 1 MB of predictions returns all, newest first, across several pages', async () => {
    const clusterId = uniqueName('big');
    const count = 1500;
    // ~1 KB of features per item: 1,500 items ≈ 1.5 MB, beyond DynamoDB's 1 MB query page.
    const padding = 'x'.repeat(1000);
    await runLimited(count, 32, (index) =>
      store.recordPrediction(
        samplePrediction({ clusterId, jobId: `job-${String(index).padStart(4, '0')}`, predictedAtMs: JAN_1_2025_MS + index * 1000, features: { padding, index } }),
      ),
    );
    let queries = 0;
    const countingClients = loopbackClients(aws.dynamoEndpoint, aws.s3Endpoint);
    const counting = countingClients.dynamo;
    counting.middlewareStack.add(
      (next, context) => (args) => {
        if (context.commandName === 'QueryCommand') queries += 1;
        return next(args);
      },
      { step: 'initialize' },
    );
    const countingStore = new DynamoClusterStore({ client: counting, tableName });

    const recent = await countingStore.recentPredictions(clusterId, count);
    countingClients.destroy();

    expect(recent).toHaveLength(count);
    expect(recent.map((prediction) => prediction.features.index)).toEqual(Array.from({ length: count }, (_, index) => count - 1 - index));
    expect(queries).toBeGreaterThanOrEqual(2);
  });

  it('recentOutcomes pages past newer predictions without outcomes', async () => {
    const clusterId = uniqueName('sparse');
    const pagedStore = new DynamoClusterStore({ client: aws.clients.dynamo, tableName, pageSize: 3 });
    await runLimited(40, 8, (index) =>
      store.recordPrediction(samplePrediction({ clusterId, jobId: `job-${index}`, predictedAtMs: JAN_1_2025_MS + index * 1000 })),
    );
    // Only the 5 oldest jobs have outcomes; 35 newer predictions sit above them.
    for (const index of [0, 1, 2, 3, 4]) await store.recordOutcome(clusterId, `job-${index}`, sampleOutcome());

    const outcomes = await pagedStore.recentOutcomes(clusterId, 4);

    expect(outcomes.map((prediction) => prediction.jobId)).toEqual(['job-4', 'job-3', 'job-2', 'job-1']);
  });

  it('listClusters pages through many clusters', async () => {
    const name = uniqueName('vgac-it-list');
    await ensureTable(aws.clients.dynamo, name);
    const pagedStore = new DynamoClusterStore({ client: aws.clients.dynamo, tableName: name, pageSize: 7 });
    const clusterIds = Array.from({ length: 60 }, (_, index) => `cluster-${String(index).padStart(2, '0')}`);
    await runLimited(clusterIds.length, 10, (index) => pagedStore.putCalibration(sampleCalibration({ clusterId: clusterIds[index] ?? '' }), undefined));

    const listed = await pagedStore.listClusters();

    expect(listed).toEqual(clusterIds);
  });
});

describe('DynamoClusterStore boundary checks', () => {
  it('refuses an item over 400 KB before calling DynamoDB, naming the job and size', async () => {
    const clusterId = uniqueName('oversize');
    const huge = 'y'.repeat(512 * 1024);

    const attempt = store.recordPrediction(samplePrediction({ clusterId, jobId: 'big-1', features: { huge } }));

    await expect(attempt).rejects.toBeInstanceOf(InvalidInputError);
    // 524,288 bytes of feature text alone is 512 KB; keys and other fields push it just past.
    await expect(attempt).rejects.toThrow(/^prediction for job 'big-1' is 51[23] KB; the limit is 400 KB$/);
    await expect(store.recordOutcome(clusterId, 'big-1', sampleOutcome())).rejects.toBeInstanceOf(UnknownJobError);
  });

  it('accepts an item just under 400 KB (boundary is not over-strict)', async () => {
    const clusterId = uniqueName('nearly');
    const text = 'z'.repeat(390 * 1024);

    await store.recordPrediction(samplePrediction({ clusterId, jobId: 'near', features: { text } }));
    const result = await store.recordOutcome(clusterId, 'near', sampleOutcome());

    expect(result.status).toBe('recorded');
  });

  it('stores magnitudes DynamoDB cannot represent (< 1e-130) as 0', async () => {
    const clusterId = uniqueName('tiny');

    await store.recordPrediction(samplePrediction({ clusterId, jobId: 'tiny', probability: 1e-200, features: { small: -1e-300, ok: 1e-100 } }));
    const [stored] = await store.recentPredictions(clusterId, 1);

    expect(stored?.probability).toBe(0);
    expect(stored?.features).toEqual({ small: 0, ok: 1e-100 });
  });

  it('putCalibration refuses a record whose version does not move past the expected one', async () => {
    const clusterId = uniqueName('version');
    await store.putCalibration(sampleCalibration({ clusterId, version: 1 }), undefined);

    const attempt = store.putCalibration(sampleCalibration({ clusterId, version: 1 }), 1);

    await expect(attempt).rejects.toThrow(/version 1; it must be greater than the expected version 1/);
  });

  it('translates a missing table into InfrastructureError with the SDK error as cause', async () => {
    const missing = new DynamoClusterStore({ client: aws.clients.dynamo, tableName: uniqueName('vgac-it-missing') });

    const attempt = missing.getCalibration('c1');

    await expect(attempt).rejects.toBeInstanceOf(InfrastructureError);
    await expect(attempt).rejects.toSatisfy((error: InfrastructureError) => (error.cause as Error).name === 'ResourceNotFoundException');
  });
});

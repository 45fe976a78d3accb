/**
 * The learning loop's DynamoDB adapters on dynalite: the port contracts, the table layout, and
 * the two properties the serving path depends on — an outcome reaches the learning state exactly
 * once, even under 200 concurrent deliveries, and no crash between writes can wedge a job id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { foldedJobKey } from '../../src/app/learning/fold-pending-outcomes.ts';
import { createLearningDeps, sha256Hex, type LearningDeps } from '../../src/app/learning/learning-deps.ts';
import { predictJob } from '../../src/app/learning/predict-job.ts';
import { recordJobOutcome } from '../../src/app/learning/record-outcome.ts';
import { DynamoClusterRegistry } from '../../src/adapters/dynamodb/dynamo-cluster-registry.ts';
import { DynamoLearningStateStore } from '../../src/adapters/dynamodb/dynamo-learning-state-store.ts';
import { DynamoOnceGuard } from '../../src/adapters/dynamodb/dynamo-once-guard.ts';
import { DynamoPredictionLog } from '../../src/adapters/dynamodb/dynamo-prediction-log.ts';
import { MemoryBundleStore } from '../../src/adapters/memory/memory-bundle-store.ts';
import { ensureTable } from '../../src/adapters/dynamodb/table-definition.ts';
import { DEFAULT_GATE_CONFIG } from '../../src/core/gating/gate-config.ts';
import { describeLearningStoreContracts, type LearningStores } from '../support/learning-store-contracts.ts';
import { startTestAws, uniqueName, type TestAws } from '../support/embedded-aws.ts';
import { registerSyntheticCluster } from '../support/learning-fixtures.ts';
import { JAN_1_2025_MS, sampleLearningRecord, sampleOutcome, samplePrediction } from '../support/storage-fixtures.ts';
import { calibrationOf } from '../../src/app/learning/calibration-of.ts';
import type { PredictionRecord } from '../../src/app/records/prediction-record.ts';
import { InvalidInputError } from '../../src/core/errors.ts';

let aws: TestAws;
let tableName: string;
let stores: LearningStores;

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

beforeAll(async () => {
  aws = await startTestAws();
  tableName = uniqueName('vgac-it-learning');
  await ensureTable(aws.clients.dynamo, tableName);
  const options = { client: aws.clients.dynamo, tableName };
  stores = {
    predictions: new DynamoPredictionLog(options),
    learning: new DynamoLearningStateStore(options),
    registry: new DynamoClusterRegistry(options),
  };
});

afterAll(async () => {
  await aws?.stop();
});

describeLearningStoreContracts('DynamoDB on dynalite', () => stores);

function learningDeps(): LearningDeps {
  return createLearningDeps({
    ...stores,
    calibration: stores.learning,
    foldLease: new DynamoOnceGuard({ client: aws.clients.dynamo, tableName }),
    bundles: new MemoryBundleStore(),
    gate: DEFAULT_GATE_CONFIG,
    logger: silent,
  });
}

function registered(deps: LearningDeps, prefix: string): Promise<string> {
  return registerSyntheticCluster(deps, uniqueName(prefix), JAN_1_2025_MS);
}

describe('ensureTable', () => {
  it('is idempotent and creates the keys, the ClusterIndex GSI and on-demand billing', async () => {
    const name = uniqueName('vgac-it-ensure');

    await ensureTable(aws.clients.dynamo, name);
    await ensureTable(aws.clients.dynamo, name);
    const { Table: table } = await aws.clients.dynamo.send(new DescribeTableCommand({ TableName: name }));

    expect(table?.TableStatus).toBe('ACTIVE');
    expect(table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table?.GlobalSecondaryIndexes?.map((index) => [index.IndexName, index.Projection?.ProjectionType])).toEqual([
      ['ClusterIndex', 'ALL'],
    ]);
  });
});

describe('input checks at the storage boundary', () => {
  /** The rejection reason of a settled promise; fails the test when it was fulfilled. */
  function rejectionOf(result: PromiseSettledResult<unknown>): unknown {
    if (result.status === 'fulfilled') throw new Error('expected a rejection, got a value');
    return result.reason;
  }
  const freshClusterId = (): string => uniqueName('checks');

  it('rejects unsafe ids, non-finite numbers and out-of-range probabilities with InvalidInputError naming the value', async () => {
    const clusterId = freshClusterId();
    const bad: PredictionRecord[] = [
      samplePrediction({ clusterId, jobId: 'a#b' }),
      samplePrediction({ clusterId, jobId: 'has space' }),
      samplePrediction({ clusterId, jobId: 'nan', features: { load: Number.NaN } }),
      samplePrediction({ clusterId, jobId: 'p', probability: 1.5 }),
    ];

    const attempts = await Promise.allSettled(bad.map((prediction) => stores.predictions.record(prediction)));

    for (const attempt of attempts) expect(rejectionOf(attempt)).toBeInstanceOf(InvalidInputError);
    expect(String(rejectionOf(attempts[0] as PromiseSettledResult<unknown>))).toContain('a#b');
  });
  it('commit refuses a window value that single precision cannot hold, and a version that does not advance', async () => {
    const clusterId = freshClusterId();
    const base = sampleLearningRecord({ clusterId });
    const imprecise = {
      ...base,
      state: {
        ...base.state,
        evidence: { ...base.state.evidence, probabilities: [0.1], labels: [1], observedAtMs: [JAN_1_2025_MS] },
      },
    };

    const [notFloat32, notAdvancing] = await Promise.allSettled([
      stores.learning.commit(imprecise, undefined, calibrationOf(imprecise)),
      stores.learning.commit(base, 1, calibrationOf(base)),
    ]);

    expect(rejectionOf(notFloat32)).toBeInstanceOf(InvalidInputError);
    expect(rejectionOf(notAdvancing)).toBeInstanceOf(InvalidInputError);
  });
});

describe('item layout', () => {
  it('a prediction is one item keyed by its job, listed in the index by PREDICTION#{iso-ts}#{jobId}, expiring 30 days after', async () => {
    const clusterId = uniqueName('layout');
    await stores.predictions.record(samplePrediction({ clusterId, jobId: 'job-7', predictedAtMs: JAN_1_2025_MS }));

    const { Items: items = [] } = await aws.clients.dynamo.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': `CLUSTER#${clusterId}` },
      }),
    );

    expect(items.map((item) => String(item.SK))).toEqual(['JOB#job-7']);
    expect(items[0]?.GSI1PK).toBe(`PREDICTIONS#${clusterId}`);
    expect(items[0]?.GSI1SK).toBe('PREDICTION#2025-01-01T00:00:00.000Z#job-7');
    expect(items[0]?.expiresAt).toBe(1_735_689_600 + 30 * 86_400);
  });
});

describe('exactly once', () => {
  it('200 concurrent outcomes of 200 jobs all reach the learning state, each once', async () => {
    const deps = learningDeps();
    const clusterId = await registered(deps, 'burst');
    const jobIds = Array.from({ length: 200 }, (_, index) => `job-${index}`);
    for (const [index, jobId] of jobIds.entries()) {
      await predictJob(deps, { clusterId, jobId, features: { x: (index % 7) - 3 }, nowMs: JAN_1_2025_MS + index });
    }
    // Every wait is different, so the learning state's wait window shows each outcome, once.
    const waits = jobIds.map((_, index) => 30 + index * 5);

    const responses = await Promise.all(
      jobIds.map((jobId, index) =>
        recordJobOutcome(deps, {
          clusterId,
          jobId,
          waitSeconds: waits[index] as number,
          nowMs: JAN_1_2025_MS + 10_000 + index,
        }),
      ),
    );
    const record = await stores.learning.load(clusterId);

    expect(responses.every((response) => response.result.status === 'recorded')).toBe(true);
    expect(record?.totalOutcomes).toBe(200);
    expect(record?.state.outcomes).toBe(200);
    expect([...(record?.foldedJobKeys ?? [])].sort()).toEqual(
      jobIds.map((jobId) => foldedJobKey(jobId, sha256Hex)).sort(),
    );
    expect([...(record?.wait.waitsSeconds ?? [])].sort((left, right) => left - right)).toEqual(waits);
    expect(await stores.learning.pending(clusterId, 10)).toEqual([]);
  });

  it('200 concurrent deliveries of 50 outcomes (4 each) fold each outcome once', async () => {
    const deps = learningDeps();
    const clusterId = await registered(deps, 'dupes');
    const jobIds = Array.from({ length: 50 }, (_, index) => `job-${index}`);
    for (const [index, jobId] of jobIds.entries())
      await predictJob(deps, { clusterId, jobId, features: { x: 0 }, nowMs: JAN_1_2025_MS + index });

    const responses = await Promise.all(
      jobIds.flatMap((jobId) =>
        [0, 1, 2, 3].map((copy) =>
          recordJobOutcome(deps, { clusterId, jobId, waitSeconds: 100 + copy, nowMs: JAN_1_2025_MS + 10_000 }),
        ),
      ),
    );
    const record = await stores.learning.load(clusterId);

    expect(responses.filter((response) => response.result.status === 'recorded')).toHaveLength(50);
    expect(record?.totalOutcomes).toBe(50);
    expect(record?.wait.waitsSeconds).toHaveLength(50);
  });
});

describe('no wedged job ids', () => {
  it('an outcome whose queueing was lost after it was stored is completed by its retry, once', async () => {
    const deps = learningDeps();
    const clusterId = await registered(deps, 'crash');
    await predictJob(deps, { clusterId, jobId: 'job-1', features: { x: 1 }, nowMs: JAN_1_2025_MS });
    await stores.predictions.recordOutcome(
      clusterId,
      'job-1',
      sampleOutcome({ waitSeconds: 900, observedAtMs: JAN_1_2025_MS + 900_000 }),
    );
    // The fault: the pending outcome never reached the table (a crash between the two writes).
    const [pending] = await stores.learning.pending(clusterId, 1);
    await aws.clients.dynamo.send(
      new DeleteCommand({
        TableName: tableName,
        Key: {
          PK: `CLUSTER#${clusterId}`,
          SK: `INBOX#${new Date(pending?.outcome.observedAtMs ?? 0).toISOString()}#job-1`,
        },
      }),
    );

    const retry = await recordJobOutcome(deps, {
      clusterId,
      jobId: 'job-1',
      waitSeconds: 900,
      nowMs: JAN_1_2025_MS + 950_000,
    });
    const again = await recordJobOutcome(deps, {
      clusterId,
      jobId: 'job-1',
      waitSeconds: 900,
      nowMs: JAN_1_2025_MS + 990_000,
    });

    expect(retry.result.status).toBe('duplicate');
    expect(retry.fold?.folded).toBe(1);
    expect(again.fold?.folded).toBe(0);
    expect((await stores.learning.load(clusterId))?.totalOutcomes).toBe(1);
  });

  it('a prediction is one write: after a failed attempt nothing is stored, and the retry stores it', async () => {
    const deps = learningDeps();
    const clusterId = await registered(deps, 'single');
    const broken = {
      ...deps,
      predictions: { ...stores.predictions, record: () => Promise.reject(new Error('network down')) },
    };

    await expect(
      predictJob(broken, { clusterId, jobId: 'job-1', features: { x: 1 }, nowMs: JAN_1_2025_MS }),
    ).rejects.toThrow('network down');
    const stored = await predictJob(deps, { clusterId, jobId: 'job-1', features: { x: 1 }, nowMs: JAN_1_2025_MS + 5 });
    const outcome = await recordJobOutcome(deps, {
      clusterId,
      jobId: 'job-1',
      waitSeconds: 30,
      nowMs: JAN_1_2025_MS + 30_000,
    });

    expect(stored.prediction.jobId).toBe('job-1');
    expect(outcome.result.status).toBe('recorded');
    const marker = await aws.clients.dynamo.send(
      new GetCommand({ TableName: tableName, Key: { PK: `CLUSTER#${clusterId}`, SK: 'FOLDED#job-1' } }),
    );
    expect(marker.Item?.foldedAtMs).toBe(JAN_1_2025_MS + 30_000);
  });
});

/**
 * Conditional writes whose first response is lost: a loopback proxy in front of dynalite lets the
 * first attempt be applied, then resets the connection; the SDK client (default retries, three
 * attempts) sends the identical request again, which fails its own condition. Every adapter must
 * still report the single write as a success and apply it once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { EscalationStatus, type Escalation } from '../../src/app/records/escalation.ts';
import { DynamoBudgetLedger } from '../../src/adapters/dynamodb/dynamo-budget-ledger.ts';
import { DynamoCalibrationHistory } from '../../src/adapters/dynamodb/dynamo-calibration-history.ts';
import { DynamoLearningStateStore } from '../../src/adapters/dynamodb/dynamo-learning-state-store.ts';
import { DynamoPredictionLog } from '../../src/adapters/dynamodb/dynamo-prediction-log.ts';
import { DynamoEscalationStore } from '../../src/adapters/dynamodb/dynamo-escalation-store.ts';
import { DynamoOnceGuard } from '../../src/adapters/dynamodb/dynamo-once-guard.ts';
import { ensureTable } from '../../src/adapters/dynamodb/table-definition.ts';
import type { AwsClients } from '../../src/entry/aws-clients.ts';
import { loopbackClients, startTestAws, uniqueName, type TestAws } from '../support/embedded-aws.ts';
import { startLossyDynamoProxy, type LossyDynamoProxy } from '../support/lossy-dynamo-proxy.ts';
import {
  JAN_1_2025_MS,
  sampleCalibration,
  sampleLearningRecord,
  sampleOutcome,
  samplePrediction,
} from '../support/storage-fixtures.ts';

let aws: TestAws;
let proxy: LossyDynamoProxy;
let lossy: AwsClients;
let tableName: string;

beforeAll(async () => {
  aws = await startTestAws();
  proxy = await startLossyDynamoProxy(aws.dynamoEndpoint);
  lossy = loopbackClients(proxy.endpoint, aws.s3Endpoint);
  tableName = uniqueName('vgac-it-lost');
  await ensureTable(aws.clients.dynamo, tableName);
});

afterAll(async () => {
  lossy?.destroy();
  await proxy?.close();
  await aws?.stop();
});

/** The learning stores through the lossy proxy, and ones straight to dynalite to arrange and to check. */
function learningStores() {
  const on = (client: AwsClients['dynamo']) => ({
    predictions: new DynamoPredictionLog({ client, tableName }),
    learning: new DynamoLearningStateStore({ client, tableName }),
  });
  return { lossy: on(lossy.dynamo), direct: on(aws.clients.dynamo) };
}

/** Asserts the proxy dropped exactly one applied (HTTP 200) response of `operation` since `lostBefore`, and the SDK sent it again. */
function expectOneLostAndRetried(operation: string, lostBefore: number, receivedBefore: number): void {
  expect(proxy.lost.slice(lostBefore)).toEqual([{ operation, statusCode: 200 }]);
  expect(proxy.received.slice(receivedBefore).filter((name) => name === operation).length).toBeGreaterThanOrEqual(2);
}

function marks(): [number, number] {
  return [proxy.lost.length, proxy.received.length];
}

function escalation(clusterId: string, escalationId: string): Escalation {
  return {
    escalationId,
    clusterId,
    jobId: 'job-1',
    action: { kind: 'requeue', clusterId, jobId: 'job-1', reason: 'long wait' },
    probability: 0.9,
    scope: 'advisory',
    reasons: ['test'],
    status: EscalationStatus.pending,
    createdAtMs: JAN_1_2025_MS,
    decidedBy: null,
    decidedAtMs: null,
    result: null,
    history: [],
  };
}

describe('lossy proxy', () => {
  it('a plain conditional put whose response is lost fails its own SDK retry (the hazard the adapters handle)', async () => {
    const [lostBefore, receivedBefore] = marks();
    proxy.loseNextResponse({ operation: 'PutItem', bodyIncludes: 'PLAIN#1' });

    const put = lossy.dynamo.send(
      new PutCommand({
        TableName: tableName,
        Item: { PK: 'PLAIN#1', SK: 'X' },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );

    await expect(put).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    expectOneLostAndRetried('PutItem', lostBefore, receivedBefore);
    const stored = await aws.clients.dynamo.send(
      new GetCommand({ TableName: tableName, Key: { PK: 'PLAIN#1', SK: 'X' }, ConsistentRead: true }),
    );
    expect(stored.Item).toEqual({ PK: 'PLAIN#1', SK: 'X' });
  });
});

describe('the learning stores with a lost response', () => {
  it('recordOutcome: a lost outcome write is recorded, not duplicate, and queued for folding once', async () => {
    const { lossy: lossyStores, direct } = learningStores();
    const clusterId = uniqueName('lost-outcome');
    await direct.predictions.record(samplePrediction({ clusterId, jobId: 'job-1' }));
    const [lostBefore, receivedBefore] = marks();
    proxy.loseNextResponse({ operation: 'UpdateItem', bodyIncludes: 'SET #outcome' });

    const result = await lossyStores.predictions.recordOutcome(clusterId, 'job-1', sampleOutcome({ waitSeconds: 77 }));

    expectOneLostAndRetried('UpdateItem', lostBefore, receivedBefore);
    expect(result.status).toBe('recorded');
    expect(result.prediction.outcome?.waitSeconds).toBe(77);
    expect(
      (await direct.learning.pending(clusterId, 10)).map((pending) => [pending.jobId, pending.outcome.waitSeconds]),
    ).toEqual([['job-1', 77]]);
  });

  it('recordOutcome: a second, different outcome for the job is still a duplicate and keeps the first', async () => {
    const { lossy: lossyStores, direct } = learningStores();
    const clusterId = uniqueName('real-duplicate-outcome');
    await direct.predictions.record(samplePrediction({ clusterId, jobId: 'job-1' }));
    await direct.predictions.recordOutcome(clusterId, 'job-1', sampleOutcome({ waitSeconds: 10 }));

    const again = await lossyStores.predictions.recordOutcome(clusterId, 'job-1', sampleOutcome({ waitSeconds: 99 }));

    expect(again.status).toBe('duplicate');
    expect(again.prediction.outcome?.waitSeconds).toBe(10);
  });

  it('commit: a lost first write and a lost versioned write both report written', async () => {
    const { lossy: lossyStores, direct } = learningStores();
    const clusterId = uniqueName('lost-learning');
    const [lostBefore, receivedBefore] = marks();
    proxy.loseNextResponse({ operation: 'PutItem', bodyIncludes: '"LEARNING"' });

    const first = await lossyStores.learning.commit(
      sampleLearningRecord({ clusterId, version: 1 }),
      undefined,
      sampleCalibration({ clusterId, version: 1 }),
    );
    proxy.loseNextResponse({ operation: 'PutItem', bodyIncludes: '"LEARNING"' });
    const second = await lossyStores.learning.commit(
      sampleLearningRecord({ clusterId, version: 2 }),
      1,
      sampleCalibration({ clusterId, version: 2 }),
    );

    expect(proxy.lost.slice(lostBefore)).toEqual([
      { operation: 'PutItem', statusCode: 200 },
      { operation: 'PutItem', statusCode: 200 },
    ]);
    expect(proxy.received.slice(receivedBefore).filter((name) => name === 'PutItem').length).toBeGreaterThanOrEqual(4);
    expect([first.status, second.status]).toEqual(['written', 'written']);
    expect((await direct.learning.load(clusterId))?.version).toBe(2);
  });

  it('commit: a stale version is still a conflict through the same client', async () => {
    const { lossy: lossyStores, direct } = learningStores();
    const clusterId = uniqueName('real-conflict');
    await direct.learning.commit(
      sampleLearningRecord({ clusterId, version: 1 }),
      undefined,
      sampleCalibration({ clusterId, version: 1 }),
    );
    await direct.learning.commit(
      sampleLearningRecord({ clusterId, version: 2 }),
      1,
      sampleCalibration({ clusterId, version: 2 }),
    );

    const stale = await lossyStores.learning.commit(
      sampleLearningRecord({ clusterId, version: 2 }),
      1,
      sampleCalibration({ clusterId, version: 2 }),
    );

    expect(stale.status).toBe('conflict');
  });

  it('record: a lost prediction write succeeds, stored once', async () => {
    const { lossy: lossyStores, direct } = learningStores();
    const clusterId = uniqueName('lost-prediction');
    const [lostBefore, receivedBefore] = marks();
    proxy.loseNextResponse({ operation: 'PutItem', bodyIncludes: 'JOB#job-1' });

    await lossyStores.predictions.record(samplePrediction({ clusterId, jobId: 'job-1' }));

    expectOneLostAndRetried('PutItem', lostBefore, receivedBefore);
    expect((await direct.predictions.recent(clusterId, { limit: 10 })).map((prediction) => prediction.jobId)).toEqual([
      'job-1',
    ]);
  });

  it('record: a second prediction for the job is still a duplicate', async () => {
    const { lossy: lossyStores, direct } = learningStores();
    const clusterId = uniqueName('real-duplicate');
    await direct.predictions.record(samplePrediction({ clusterId, jobId: 'job-1', predictedAtMs: JAN_1_2025_MS }));

    const again = lossyStores.predictions.record(
      samplePrediction({ clusterId, jobId: 'job-1', predictedAtMs: JAN_1_2025_MS + 1 }),
    );

    await expect(again).rejects.toMatchObject({ name: 'DuplicateError' });
  });
});

describe('DynamoOnceGuard with a lost response', () => {
  it('claim: a lost first claim is still true, and a later claim is false', async () => {
    const guard = new DynamoOnceGuard({ client: lossy.dynamo, tableName });
    const key = uniqueName('once');
    const [lostBefore, receivedBefore] = marks();
    proxy.loseNextResponse({ operation: 'PutItem', bodyIncludes: `ONCE#${key}` });

    const first = await guard.claim(key, JAN_1_2025_MS, 300);
    const repeat = await guard.claim(key, JAN_1_2025_MS + 1000, 300);

    expectOneLostAndRetried('PutItem', lostBefore, receivedBefore);
    expect([first, repeat]).toEqual([true, false]);
  });

  it('claim: reads the writeId back, so only the call that wrote the claim owns it', async () => {
    const ids = ['w-1', 'w-2', 'w-1'];
    const guard = new DynamoOnceGuard({
      client: aws.clients.dynamo,
      tableName,
      newWriteId: () => ids.shift() ?? 'none',
    });
    const key = uniqueName('once-ids');

    const results = [
      await guard.claim(key, JAN_1_2025_MS, 300),
      await guard.claim(key, JAN_1_2025_MS, 300),
      await guard.claim(key, JAN_1_2025_MS, 300),
    ];

    // The third call reuses the first call's id, as an SDK retry of the first would.
    expect(results).toEqual([true, false, true]);
  });
});

describe('DynamoBudgetLedger with a lost response', () => {
  // The ledger is one item per table: each test gets its own table.
  async function ledgers(): Promise<{ lossyLedger: DynamoBudgetLedger; directLedger: DynamoBudgetLedger }> {
    const table = uniqueName('vgac-it-ledger');
    await ensureTable(aws.clients.dynamo, table);
    return {
      lossyLedger: new DynamoBudgetLedger({ client: lossy.dynamo, tableName: table }),
      directLedger: new DynamoBudgetLedger({ client: aws.clients.dynamo, tableName: table }),
    };
  }

  it('reserve: a lost reservation that exactly fills the cap is reserved and committed once', async () => {
    const { lossyLedger, directLedger } = await ledgers();
    const [lostBefore, receivedBefore] = marks();
    proxy.loseNextResponse({ operation: 'UpdateItem', bodyIncludes: 'committed_agent' });

    const result = await lossyLedger.reserve('agent', 5000, { componentMicroUsd: 5000, totalMicroUsd: 8000 });

    expectOneLostAndRetried('UpdateItem', lostBefore, receivedBefore);
    expect(result).toEqual({ status: 'reserved' });
    const snapshot = await directLedger.snapshot();
    expect([snapshot.committedTotalMicroUsd, snapshot.components.agent?.committedMicroUsd]).toEqual([5000, 5000]);
  });

  it('reserve: a lost reservation with room for two is committed once, not twice', async () => {
    const { lossyLedger, directLedger } = await ledgers();
    const [lostBefore, receivedBefore] = marks();
    proxy.loseNextResponse({ operation: 'UpdateItem', bodyIncludes: 'committed_agent' });

    const result = await lossyLedger.reserve('agent', 1000, { componentMicroUsd: 10_000, totalMicroUsd: 10_000 });

    expectOneLostAndRetried('UpdateItem', lostBefore, receivedBefore);
    expect(result).toEqual({ status: 'reserved' });
    expect((await directLedger.snapshot()).committedTotalMicroUsd).toBe(1000);
  });

  it('reserve: over the cap is still refused, with the committed amounts', async () => {
    const { lossyLedger } = await ledgers();
    await lossyLedger.reserve('agent', 4000, { componentMicroUsd: 5000, totalMicroUsd: 8000 });

    const result = await lossyLedger.reserve('agent', 2000, { componentMicroUsd: 5000, totalMicroUsd: 8000 });

    expect(result).toEqual({ status: 'refused', committedMicroUsd: 4000, committedTotalMicroUsd: 4000 });
  });

  it('settle: a lost settlement is applied once', async () => {
    const { lossyLedger, directLedger } = await ledgers();
    await lossyLedger.reserve('agent', 3000, { componentMicroUsd: 10_000, totalMicroUsd: 10_000 });
    const [lostBefore, receivedBefore] = marks();
    proxy.loseNextResponse({ operation: 'UpdateItem', bodyIncludes: 'calls_agent' });

    await lossyLedger.settle('agent', -1200, { inputTokens: 40, outputTokens: 7 });

    expectOneLostAndRetried('UpdateItem', lostBefore, receivedBefore);
    expect((await directLedger.snapshot()).components.agent).toEqual({
      committedMicroUsd: 1800,
      calls: 1,
      inputTokens: 40,
      outputTokens: 7,
    });
  });
});

describe('DynamoEscalationStore with a lost response', () => {
  it('create and transition: lost writes report success and append one history entry', async () => {
    const store = new DynamoEscalationStore({ client: lossy.dynamo, tableName });
    const clusterId = uniqueName('lost-escalation');
    const [lostBefore, receivedBefore] = marks();
    proxy.loseNextResponse({ operation: 'PutItem', bodyIncludes: 'esc-1' });
    proxy.loseNextResponse({ operation: 'UpdateItem', bodyIncludes: 'esc-1' });

    await store.create(escalation(clusterId, 'esc-1'));
    const approved = await store.transition(clusterId, 'esc-1', EscalationStatus.pending, EscalationStatus.approved, {
      atMs: JAN_1_2025_MS + 1,
      by: 'alice',
      note: 'ok',
    });
    const late = await store.transition(clusterId, 'esc-1', EscalationStatus.pending, EscalationStatus.rejected, {
      atMs: JAN_1_2025_MS + 2,
      by: 'bob',
      note: 'no',
    });

    expect(proxy.lost.slice(lostBefore)).toEqual([
      { operation: 'PutItem', statusCode: 200 },
      { operation: 'UpdateItem', statusCode: 200 },
    ]);
    expect(proxy.received.slice(receivedBefore).filter((name) => name === 'UpdateItem').length).toBeGreaterThanOrEqual(
      3,
    );
    expect([approved.status, late.status]).toEqual(['written', 'conflict']);
    const stored = await store.get(clusterId, 'esc-1');
    expect([stored?.status, stored?.decidedBy, stored?.history.map((entry) => entry.by)]).toEqual([
      'approved',
      'alice',
      ['alice'],
    ]);
  });

  it('create: an existing id is still a duplicate', async () => {
    const store = new DynamoEscalationStore({ client: lossy.dynamo, tableName });
    const clusterId = uniqueName('dup-escalation');
    await store.create(escalation(clusterId, 'esc-1'));

    const again = store.create(escalation(clusterId, 'esc-1'));

    await expect(again).rejects.toMatchObject({ name: 'DuplicateError' });
  });
});

describe('DynamoCalibrationHistory with a lost response', () => {
  it('append: a lost put is stored once, not again under the next suffix', async () => {
    const history = new DynamoCalibrationHistory({ client: lossy.dynamo, tableName });
    const clusterId = uniqueName('lost-history');
    const point = {
      clusterId,
      atMs: JAN_1_2025_MS,
      ece: 0.02,
      eceLower: 0.01,
      eceUpper: 0.03,
      brier: 0.1,
      auroc: 0.8,
      sampleCount: 100,
      outcomeCount: 100,
      scope: 'notify',
      driftStatus: 'none',
      qualifiedTiers: [],
      action: 'none',
      activeBundleVersion: 1,
    } as const;
    const [lostBefore, receivedBefore] = marks();
    proxy.loseNextResponse({ operation: 'PutItem', bodyIncludes: clusterId });

    await history.append(point);

    expectOneLostAndRetried('PutItem', lostBefore, receivedBefore);
    expect((await history.list(clusterId, 10)).map((stored) => stored.atMs)).toEqual([JAN_1_2025_MS]);
  });
});

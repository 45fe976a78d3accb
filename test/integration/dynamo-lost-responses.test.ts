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
import { DynamoClusterStore } from '../../src/adapters/dynamodb/dynamo-cluster-store.ts';
import { DynamoEscalationStore } from '../../src/adapters/dynamodb/dynamo-escalation-store.ts';
import { DynamoOnceGuard } from '../../src/adapters/dynamodb/dynamo-once-guard.ts';
import { ensureTable } from '../../src/adapters/dynamodb/table-definition.ts';
import { RECENT_WRITE_IDS_ATTRIBUTE, RECENT_WRITE_IDS_KEPT } from '../../src/adapters/dynamodb/write-id.ts';
import type { AwsClients } from '../../src/entry/aws-clients.ts';
import { loopbackClients, startTestAws, uniqueName, type TestAws } from '../support/embedded-aws.ts';
import { startLossyDynamoProxy, type LossyDynamoProxy } from '../support/lossy-dynamo-proxy.ts';
import { JAN_1_2025_MS, sampleCalibration, sampleOutcome, samplePrediction } from '../support/storage-fixtures.ts';

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

/** The store through the lossy proxy, and one straight to dynalite to arrange and to check. */
function clusterStores(): { lossyStore: DynamoClusterStore; directStore: DynamoClusterStore } {
  return {
    lossyStore: new DynamoClusterStore({ client: lossy.dynamo, tableName }),
    directStore: new DynamoClusterStore({ client: aws.clients.dynamo, tableName }),
  };
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
      new PutCommand({ TableName: tableName, Item: { PK: 'PLAIN#1', SK: 'X' }, ConditionExpression: 'attribute_not_exists(PK)' }),
    );

    await expect(put).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    expectOneLostAndRetried('PutItem', lostBefore, receivedBefore);
    const stored = await aws.clients.dynamo.send(new GetCommand({ TableName: tableName, Key: { PK: 'PLAIN#1', SK: 'X' }, ConsistentRead: true }));
    expect(stored.Item).toEqual({ PK: 'PLAIN#1', SK: 'X' });
  });
});

describe('DynamoClusterStore with a lost response', () => {
  it('recordOutcome: a lost outcome write is recorded, not duplicate, and counted once', async () => {
    const { lossyStore, directStore } = clusterStores();
    const clusterId = uniqueName('lost-outcome');
    await directStore.putCalibration(sampleCalibration({ clusterId }), undefined);
    await directStore.recordPrediction(samplePrediction({ clusterId, jobId: 'job-1' }));
    const [lostBefore, receivedBefore] = marks();
    proxy.loseNextResponse({ operation: 'UpdateItem', bodyIncludes: 'SET #outcome' });

    const result = await lossyStore.recordOutcome(clusterId, 'job-1', sampleOutcome({ waitSeconds: 77 }));

    expectOneLostAndRetried('UpdateItem', lostBefore, receivedBefore);
    expect(result.status).toBe('recorded');
    expect(result.status === 'recorded' ? [result.outcomeCount, result.prediction.outcome?.waitSeconds] : null).toEqual([1, 77]);
    expect((await directStore.getCalibration(clusterId))?.outcomeCount).toBe(1);
  });

  it('recordOutcome: a lost counter increment is counted once and reports the count it produced', async () => {
    const { lossyStore, directStore } = clusterStores();
    const clusterId = uniqueName('lost-counter');
    await directStore.putCalibration(sampleCalibration({ clusterId }), undefined);
    for (const [index, jobId] of ['job-1', 'job-2', 'job-3'].entries()) {
      await directStore.recordPrediction(samplePrediction({ clusterId, jobId, predictedAtMs: JAN_1_2025_MS + index }));
    }
    await lossyStore.recordOutcome(clusterId, 'job-1', sampleOutcome());
    const [lostBefore, receivedBefore] = marks();
    proxy.loseNextResponse({ operation: 'UpdateItem', bodyIncludes: 'ADD #outcomeCount' });

    const second = await lossyStore.recordOutcome(clusterId, 'job-2', sampleOutcome());
    const third = await lossyStore.recordOutcome(clusterId, 'job-3', sampleOutcome());

    expectOneLostAndRetried('UpdateItem', lostBefore, receivedBefore);
    expect([second, third].map((result) => (result.status === 'recorded' ? result.outcomeCount : result.status))).toEqual([2, 3]);
    expect((await directStore.getCalibration(clusterId))?.outcomeCount).toBe(3);
  });

  it('putCalibration: a lost first write and a lost versioned write both report written', async () => {
    const { lossyStore, directStore } = clusterStores();
    const clusterId = uniqueName('lost-calibration');
    const [lostBefore, receivedBefore] = marks();
    proxy.loseNextResponse({ operation: 'PutItem', bodyIncludes: clusterId });

    const first = await lossyStore.putCalibration(sampleCalibration({ clusterId, version: 1 }), undefined);
    proxy.loseNextResponse({ operation: 'PutItem', bodyIncludes: clusterId });
    const second = await lossyStore.putCalibration(sampleCalibration({ clusterId, version: 2 }), 1);

    expect(proxy.lost.slice(lostBefore)).toEqual([{ operation: 'PutItem', statusCode: 200 }, { operation: 'PutItem', statusCode: 200 }]);
    expect(proxy.received.slice(receivedBefore).filter((name) => name === 'PutItem').length).toBeGreaterThanOrEqual(4);
    expect([first.status, second.status]).toEqual(['written', 'written']);
    expect((await directStore.getCalibration(clusterId))?.version).toBe(2);
  });

  it('putCalibration: a stale version is still a conflict through the same client', async () => {
    const { lossyStore, directStore } = clusterStores();
    const clusterId = uniqueName('real-conflict');
    await directStore.putCalibration(sampleCalibration({ clusterId, version: 1 }), undefined);
    await directStore.putCalibration(sampleCalibration({ clusterId, version: 2 }), 1);

    const stale = await lossyStore.putCalibration(sampleCalibration({ clusterId, version: 2 }), 1);

    expect(stale.status).toBe('conflict');
  });

  it('recordPrediction: a lost job-pointer claim and a lost prediction write both succeed, stored once', async () => {
    const { lossyStore, directStore } = clusterStores();
    const clusterId = uniqueName('lost-prediction');
    const [lostBefore, receivedBefore] = marks();
    proxy.loseNextResponse({ operation: 'PutItem', bodyIncludes: 'JOB#job-1' });
    proxy.loseNextResponse({ operation: 'PutItem', bodyIncludes: 'rawScore' });

    await lossyStore.recordPrediction(samplePrediction({ clusterId, jobId: 'job-1' }));

    expect(proxy.lost.slice(lostBefore)).toEqual([{ operation: 'PutItem', statusCode: 200 }, { operation: 'PutItem', statusCode: 200 }]);
    expect(proxy.received.slice(receivedBefore).filter((name) => name === 'PutItem').length).toBeGreaterThanOrEqual(4);
    expect((await directStore.recentPredictions(clusterId, 10)).map((prediction) => prediction.jobId)).toEqual(['job-1']);
  });

  it('recordPrediction: a second prediction for the job is still a duplicate', async () => {
    const { lossyStore, directStore } = clusterStores();
    const clusterId = uniqueName('real-duplicate');
    await directStore.recordPrediction(samplePrediction({ clusterId, jobId: 'job-1', predictedAtMs: JAN_1_2025_MS }));

    const again = lossyStore.recordPrediction(samplePrediction({ clusterId, jobId: 'job-1', predictedAtMs: JAN_1_2025_MS + 1 }));

    await expect(again).rejects.toMatchObject({ name: 'DuplicateError' });
  });

  it('recordPrediction: a prediction carrying its outcome, with the counter response lost, counts once', async () => {
    const { lossyStore, directStore } = clusterStores();
    const clusterId = uniqueName('lost-prediction-counter');
    await directStore.putCalibration(sampleCalibration({ clusterId }), undefined);
    const [lostBefore, receivedBefore] = marks();
    proxy.loseNextResponse({ operation: 'UpdateItem', bodyIncludes: 'ADD #outcomeCount' });

    await lossyStore.recordPrediction(samplePrediction({ clusterId, jobId: 'job-1', outcome: sampleOutcome() }));

    expectOneLostAndRetried('UpdateItem', lostBefore, receivedBefore);
    expect((await directStore.getCalibration(clusterId))?.outcomeCount).toBe(1);
  });

  it('keeps the counter\'s writeId list bounded while counting every outcome', async () => {
    const { lossyStore, directStore } = clusterStores();
    const clusterId = uniqueName('bounded');
    const outcomes = 2 * RECENT_WRITE_IDS_KEPT + 3;
    await directStore.putCalibration(sampleCalibration({ clusterId }), undefined);

    for (let index = 0; index < outcomes; index += 1) {
      await lossyStore.recordPrediction(samplePrediction({ clusterId, jobId: `job-${index}`, predictedAtMs: JAN_1_2025_MS + index, outcome: sampleOutcome() }));
    }
    const counters = await aws.clients.dynamo.send(new GetCommand({ TableName: tableName, Key: { PK: `CLUSTER#${clusterId}`, SK: 'COUNTERS' }, ConsistentRead: true }));

    expect((await directStore.getCalibration(clusterId))?.outcomeCount).toBe(outcomes);
    const listed = counters.Item?.[RECENT_WRITE_IDS_ATTRIBUTE] as unknown[];
    expect(listed.length).toBeGreaterThanOrEqual(RECENT_WRITE_IDS_KEPT);
    expect(listed.length).toBeLessThan(2 * RECENT_WRITE_IDS_KEPT);
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
    const guard = new DynamoOnceGuard({ client: aws.clients.dynamo, tableName, newWriteId: () => ids.shift() ?? 'none' });
    const key = uniqueName('once-ids');

    const results = [await guard.claim(key, JAN_1_2025_MS, 300), await guard.claim(key, JAN_1_2025_MS, 300), await guard.claim(key, JAN_1_2025_MS, 300)];

    // The third call reuses the first call's id, as an SDK retry of the first would.
    expect(results).toEqual([true, false, true]);
  });
});

describe('DynamoBudgetLedger with a lost response', () => {
  // The ledger is one item per table: each test gets its own table.
  async function ledgers(): Promise<{ lossyLedger: DynamoBudgetLedger; directLedger: DynamoBudgetLedger }> {
    const table = uniqueName('vgac-it-ledger');
    await ensureTable(aws.clients.dynamo, table);
    return { lossyLedger: new DynamoBudgetLedger({ client: lossy.dynamo, tableName: table }), directLedger: new DynamoBudgetLedger({ client: aws.clients.dynamo, tableName: table }) };
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
    expect((await directLedger.snapshot()).components.agent).toEqual({ committedMicroUsd: 1800, calls: 1, inputTokens: 40, outputTokens: 7 });
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
    const approved = await store.transition(clusterId, 'esc-1', EscalationStatus.pending, EscalationStatus.approved, { atMs: JAN_1_2025_MS + 1, by: 'alice', note: 'ok' });
    const late = await store.transition(clusterId, 'esc-1', EscalationStatus.pending, EscalationStatus.rejected, { atMs: JAN_1_2025_MS + 2, by: 'bob', note: 'no' });

    expect(proxy.lost.slice(lostBefore)).toEqual([{ operation: 'PutItem', statusCode: 200 }, { operation: 'UpdateItem', statusCode: 200 }]);
    expect(proxy.received.slice(receivedBefore).filter((name) => name === 'UpdateItem').length).toBeGreaterThanOrEqual(3);
    expect([approved.status, late.status]).toEqual(['written', 'conflict']);
    const stored = await store.get(clusterId, 'esc-1');
    expect([stored?.status, stored?.decidedBy, stored?.history.map((entry) => entry.by)]).toEqual(['approved', 'alice', ['alice']]);
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

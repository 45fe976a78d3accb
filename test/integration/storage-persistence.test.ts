/**
 * Persistence across a crash: dynalite + s3rver run in a child process, a stream of writes goes
 * through the real adapters, the child is killed with SIGKILL while writes are in flight, and a
 * new child on the same data directory must hold every acknowledged write, intact.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { calibrationOf } from '../../src/app/learning/calibration-of.ts';
import type { LearningRecord } from '../../src/app/records/learning-record.ts';
import type { Outcome, PredictionRecord } from '../../src/app/records/prediction-record.ts';
import { InvalidBundleError } from '../../src/core/errors.ts';
import type { ModelBundle } from '../../src/core/model/bundle.ts';
import { DynamoLearningStateStore } from '../../src/adapters/dynamodb/dynamo-learning-state-store.ts';
import { DynamoPredictionLog } from '../../src/adapters/dynamodb/dynamo-prediction-log.ts';
import { ensureTable } from '../../src/adapters/dynamodb/table-definition.ts';
import { S3BundleStore, ensureBucket } from '../../src/adapters/s3/s3-bundle-store.ts';
import type { AwsClients } from '../../src/entry/aws-clients.ts';
import { SERVERS_FILE, startEmbeddedAws } from '../../src/entry/local/embedded-aws.ts';
import { loopbackClients } from '../support/embedded-aws.ts';
import {
  JAN_1_2025_MS,
  sampleBundle,
  sampleLearningRecord,
  sampleOutcome,
  samplePrediction,
} from '../support/storage-fixtures.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHILD_SCRIPT = fileURLToPath(new URL('../support/embedded-aws-child.ts', import.meta.url));
const TABLE = 'vgac-persistence';
const BUCKET = 'vgac-persistence';
const CLUSTER = 'persist-1';
const WORKERS = 8;
/** Acknowledged predictions before the kill: enough that every kind of write has been acknowledged. */
const KILL_AFTER_ACKED_PREDICTIONS = 150;

interface RunningChild {
  readonly process: ChildProcess;
  readonly clients: AwsClients;
  readonly exited: Promise<void>;
}

const children: ChildProcess[] = [];
const dataDirs: string[] = [];

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
});

async function startChild(dataDir: string): Promise<RunningChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD_SCRIPT, dataDir], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout });
  const firstLine = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) =>
      reject(new Error(`embedded AWS child exited (${code}) before starting: ${stderr.slice(-500)}`)),
    );
  });
  lines.close();
  const endpoints = JSON.parse(firstLine) as { dynamoEndpoint: string; s3Endpoint: string };
  return { process: child, clients: loopbackClients(endpoints.dynamoEndpoint, endpoints.s3Endpoint), exited };
}

// What write number `index` stores: derived from the index alone, so the check after the
// restart knows exactly what every stored item must contain.
function predictionFor(index: number): PredictionRecord {
  return samplePrediction({
    clusterId: CLUSTER,
    jobId: `job-${index}`,
    predictedAtMs: JAN_1_2025_MS + index * 1000,
    probability: (index % 100) / 100,
    rawScore: index / 7,
    features: { index, text: `payload-${index}-`.repeat(20) },
  });
}
function outcomeFor(index: number): Outcome {
  return sampleOutcome({ waitSeconds: index * 3, longWait: index % 3 === 0 });
}
function bundleFor(version: number): ModelBundle {
  return sampleBundle(`bundle-v${version}`);
}
function learningFor(version: number): LearningRecord {
  return sampleLearningRecord({
    clusterId: CLUSTER,
    version,
    totalOutcomes: version * 10,
    updatedAtMs: JAN_1_2025_MS + version,
  });
}

/** The stores a process opens on `clients`. */
function storesOn(clients: AwsClients) {
  return {
    predictions: new DynamoPredictionLog({ client: clients.dynamo, tableName: TABLE }),
    learning: new DynamoLearningStateStore({ client: clients.dynamo, tableName: TABLE }),
  };
}

/** Writes learning record `version` over `version − 1` (none for the first), with its summary. */
function commitLearning(store: DynamoLearningStateStore, version: number) {
  const record = learningFor(version);
  return store.commit(record, version === 1 ? undefined : version - 1, calibrationOf(record));
}

describe('embedded storage persistence', () => {
  it('after kill -9 mid-stream, a restart on the same data dir holds every acknowledged write and no torn item', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vgac-persist-'));
    dataDirs.push(dataDir);
    const first = await startChild(dataDir);
    await ensureTable(first.clients.dynamo, TABLE);
    await ensureBucket(first.clients.s3, BUCKET);
    const store = storesOn(first.clients);
    const bundles = new S3BundleStore({ client: first.clients.s3, bucket: BUCKET });
    await commitLearning(store.learning, 1);

    const attempted = new Set<number>();
    const ackedPredictions = new Set<number>();
    const ackedOutcomes = new Set<number>();
    const ackedBundleVersions = new Set<number>();
    let lastAckedLearningVersion = 1;
    let inFlight = 0;
    let inFlightAtKill = -1;
    let next = 0;
    let stopped = false;
    const track = async <T>(write: Promise<T>): Promise<T> => {
      inFlight += 1;
      try {
        return await write;
      } finally {
        inFlight -= 1;
      }
    };
    const killIfDue = (): void => {
      if (inFlightAtKill === -1 && ackedPredictions.size >= KILL_AFTER_ACKED_PREDICTIONS) {
        inFlightAtKill = inFlight;
        first.process.kill('SIGKILL');
      }
    };
    const writer = async (): Promise<void> => {
      while (!stopped) {
        const index = next;
        next += 1;
        attempted.add(index);
        await track(store.predictions.record(predictionFor(index)));
        ackedPredictions.add(index);
        killIfDue();
        if (index % 2 === 0) {
          const result = await track(store.predictions.recordOutcome(CLUSTER, `job-${index}`, outcomeFor(index)));
          if (result.status === 'recorded') ackedOutcomes.add(index);
        }
        if (index % 5 === 0) {
          const version = index + 1;
          await track(bundles.putBundle(CLUSTER, version, bundleFor(version)));
          ackedBundleVersions.add(version);
        }
      }
    };
    const learningWriter = async (): Promise<void> => {
      for (let version = 2; !stopped; version += 1) {
        const result = await track(commitLearning(store.learning, version));
        if (result.status !== 'written') throw new Error(`unexpected conflict at learning version ${version}`);
        lastAckedLearningVersion = version;
      }
    };

    const outcomes = await Promise.allSettled(
      [...Array.from({ length: WORKERS }, writer), learningWriter()].map((run) =>
        run.finally(() => {
          stopped = true;
        }),
      ),
    );
    await first.exited;
    first.clients.destroy();

    // The stream really was cut by the kill, mid-write.
    expect(first.process.signalCode).toBe('SIGKILL');
    expect(inFlightAtKill).toBeGreaterThan(0);
    expect(outcomes.some((outcome) => outcome.status === 'rejected')).toBe(true);
    expect(ackedOutcomes.size).toBeGreaterThan(0);
    expect(ackedBundleVersions.size).toBeGreaterThan(0);

    const second = await startChild(dataDir);
    const storeAfter = storesOn(second.clients);
    const bundlesAfter = new S3BundleStore({ client: second.clients.s3, bucket: BUCKET });
    const stored = await storeAfter.predictions.recent(CLUSTER, { limit: 100_000 });
    const storedByIndex = new Map(
      stored.map((prediction) => [Number(prediction.jobId.slice('job-'.length)), prediction]),
    );

    // Every acknowledged prediction and outcome is there.
    for (const index of ackedPredictions) expect(storedByIndex.has(index), `prediction ${index}`).toBe(true);
    for (const index of ackedOutcomes)
      expect(storedByIndex.get(index)?.outcome, `outcome ${index}`).toEqual(outcomeFor(index));
    // Nothing torn: every stored prediction is exactly one that was sent, with its own outcome or none.
    for (const [index, prediction] of storedByIndex) {
      expect(attempted.has(index)).toBe(true);
      const { outcome, ...withoutOutcome } = prediction;
      expect(withoutOutcome).toEqual(predictionFor(index));
      if (outcome !== undefined) expect(outcome).toEqual(outcomeFor(index));
    }
    // Every acknowledged outcome waits to be folded exactly once; nothing waits that was not stored.
    const pending = await storeAfter.learning.pending(CLUSTER, 100_000);
    const pendingJobs = pending.map((outcome) => outcome.jobId);
    expect(new Set(pendingJobs).size).toBe(pendingJobs.length);
    for (const index of ackedOutcomes) expect(pendingJobs, `pending outcome ${index}`).toContain(`job-${index}`);
    for (const outcome of pending)
      expect(storedByIndex.get(Number(outcome.jobId.slice('job-'.length)))?.outcome).toEqual(outcome.outcome);
    // The learning record is the last acknowledged version or the one in flight, intact; its summary
    // is the record's or, when the kill fell between the two writes, the one before — intact too.
    const learning = await storeAfter.learning.load(CLUSTER);
    expect(learning?.version).toBeGreaterThanOrEqual(lastAckedLearningVersion);
    expect(learning?.version).toBeLessThanOrEqual(lastAckedLearningVersion + 1);
    expect(learning).toEqual(learningFor(learning?.version ?? -1));
    const summary = await storeAfter.learning.current(CLUSTER);
    expect([learning?.version, (learning?.version ?? 0) - 1]).toContain(summary?.learningVersion);
    expect(summary).toEqual(calibrationOf(learningFor(summary?.learningVersion ?? -1)));
    // Every acknowledged bundle reads back exactly; an unacknowledged one is exact or refused, never wrong.
    const versions = await bundlesAfter.listVersions(CLUSTER);
    for (const version of ackedBundleVersions) {
      expect(versions).toContain(version);
      expect(await bundlesAfter.getBundle(CLUSTER, version)).toEqual(bundleFor(version));
    }
    for (const version of versions.filter((listed) => !ackedBundleVersions.has(listed))) {
      const read = await bundlesAfter.getBundle(CLUSTER, version).catch((error: unknown) => error);
      if (!(read instanceof InvalidBundleError)) expect(read).toEqual(bundleFor(version));
    }
    // And the restarted store keeps working.
    const fresh = predictionFor(next + 1);
    await storeAfter.predictions.record(fresh);
    expect((await storeAfter.predictions.recordOutcome(CLUSTER, fresh.jobId, outcomeFor(next + 1))).status).toBe(
      'recorded',
    );

    second.clients.destroy();
    second.process.kill('SIGTERM');
    await second.exited;
  });
});

describe('one data directory, several processes', () => {
  it("a second process shares the running servers (vgac ask beside vgac start), vgac start refuses, and a dead owner's file is ignored", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vgac-shared-'));
    dataDirs.push(dataDir);
    const owner = await startChild(dataDir);
    await ensureTable(owner.clients.dynamo, TABLE);
    const store = storesOn(owner.clients).learning;
    await commitLearning(store, 1);
    const recorded = JSON.parse(await readFile(join(dataDir, SERVERS_FILE), 'utf8')) as {
      pid: number;
      dynamoEndpoint: string;
    };

    const shared = await startEmbeddedAws({ dataDir });
    const sharedStore = storesOn(loopbackClients(shared.dynamoEndpoint, shared.s3Endpoint)).learning;
    const seenThroughShared = await sharedStore.load(CLUSTER);
    await shared.stop();
    const stillServed = await store.load(CLUSTER);
    const refused = startEmbeddedAws({ dataDir, whenInUse: 'refuse' });
    await expect(refused).rejects.toThrow(`data directory '${dataDir}' is in use by process ${owner.process.pid}`);
    owner.process.kill('SIGKILL');
    await owner.exited;
    const afterOwnerDied = await startEmbeddedAws({ dataDir, whenInUse: 'refuse' });
    const reopened = storesOn(loopbackClients(afterOwnerDied.dynamoEndpoint, afterOwnerDied.s3Endpoint)).learning;
    const survived = await reopened.load(CLUSTER);
    await afterOwnerDied.stop();

    expect(recorded).toMatchObject({ pid: owner.process.pid, dynamoEndpoint: shared.dynamoEndpoint });
    expect(shared.sharedWithPid).toBe(owner.process.pid);
    expect(seenThroughShared?.version).toBe(learningFor(1).version);
    expect(stillServed?.version).toBe(learningFor(1).version);
    expect(afterOwnerDied.sharedWithPid).toBeUndefined();
    expect(survived?.version).toBe(learningFor(1).version);
    await expect(readFile(join(dataDir, SERVERS_FILE), 'utf8')).rejects.toThrow(/ENOENT/);
  }, 60_000);
});

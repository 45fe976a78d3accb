/**
 * In-memory stand-ins for the single table's cluster items, FOR OFFLINE EVALUATION AND UNIT TESTS
 * ONLY (`vgac replay --store memory`, tests of app use cases). Replaying a year of a real
 * scheduler log through dynalite over loopback takes minutes, while an evaluation only needs the
 * loop's decisions, not durability. They are never wired into `npm start`, the HTTP app or the
 * Lambdas: the product path always runs the DynamoDB adapters (against dynalite locally).
 *
 * They mirror the DynamoDB adapters' observable semantics: one prediction per job, idempotent
 * outcomes queued for folding (re-queued on a duplicate only while not folded), pending outcomes
 * oldest first, the learning record written on its version, a summary never overwritten by an
 * older one, newest-first listings. Small records are copied on the way in and out
 * (structuredClone), as a network store would; the learning record and its summary are kept by
 * reference (tens of thousands of numbers, folded once per outcome) — the app never mutates a
 * record it has read or written, every change makes a new one.
 */
import { DuplicateError, UnknownJobError } from '../../app/errors.ts';
import type { CalibrationSource } from '../../app/ports/calibration-source.ts';
import type { ClusterRegistry } from '../../app/ports/cluster-registry.ts';
import type { ConditionalWriteResult } from '../../app/ports/conditional-write.ts';
import type { LearningStateStore } from '../../app/ports/learning-state-store.ts';
import type { PredictionLog, RecordOutcomeResult } from '../../app/ports/prediction-log.ts';
import type { CalibrationRecord } from '../../app/records/calibration-record.ts';
import type { ClusterProfile } from '../../app/records/cluster-profile.ts';
import type { LearningRecord } from '../../app/records/learning-record.ts';
import type { Outcome, PendingOutcome, PredictionRecord } from '../../app/records/prediction-record.ts';
import { InvalidInputError } from '../../core/errors.ts';

interface Partition {
  learning: LearningRecord | undefined;
  calibration: CalibrationRecord | undefined;
  profile: ClusterProfile | undefined;
  byJob: Map<string, { prediction: PredictionRecord; folded: boolean }>;
  /** Predictions in prediction-time order (predictedAtMs, then job id). */
  byTime: PredictionRecord[];
  /** Pending outcomes by `observedAtMs#jobId`. */
  inbox: Map<string, PendingOutcome>;
}

function compareJobIds(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

function inboxKey(pending: PendingOutcome): string {
  return `${String(pending.outcome.observedAtMs).padStart(16, '0')}#${pending.jobId}`;
}

/** The shared state the memory adapters read and write: one instance per simulated table. */
export class MemoryTables {
  readonly #clusters = new Map<string, Partition>();

  partition(clusterId: string): Partition {
    let partition = this.#clusters.get(clusterId);
    if (partition === undefined) {
      partition = {
        learning: undefined,
        calibration: undefined,
        profile: undefined,
        byJob: new Map(),
        byTime: [],
        inbox: new Map(),
      };
      this.#clusters.set(clusterId, partition);
    }
    return partition;
  }

  existing(clusterId: string): Partition | undefined {
    return this.#clusters.get(clusterId);
  }

  clusterIds(): string[] {
    return [...this.#clusters.entries()]
      .filter(([, partition]) => partition.calibration !== undefined)
      .map(([id]) => id)
      .sort();
  }
}

export class MemoryPredictionLog implements PredictionLog {
  readonly #tables: MemoryTables;

  constructor(tables: MemoryTables) {
    this.#tables = tables;
  }

  record(prediction: PredictionRecord): Promise<void> {
    const partition = this.#tables.partition(prediction.clusterId);
    if (partition.byJob.has(prediction.jobId)) {
      return Promise.reject(
        new DuplicateError(`job '${prediction.jobId}' on cluster '${prediction.clusterId}' already has a prediction`),
      );
    }
    const stored = structuredClone(prediction);
    partition.byJob.set(prediction.jobId, { prediction: stored, folded: false });
    // Appends are in time order in a replay; insert in place otherwise.
    const list = partition.byTime;
    let index = list.length;
    while (
      index > 0 &&
      ((list[index - 1] as PredictionRecord).predictedAtMs > stored.predictedAtMs ||
        ((list[index - 1] as PredictionRecord).predictedAtMs === stored.predictedAtMs &&
          compareJobIds((list[index - 1] as PredictionRecord).jobId, stored.jobId) > 0))
    )
      index -= 1;
    list.splice(index, 0, stored);
    return Promise.resolve();
  }

  recordOutcome(clusterId: string, jobId: string, outcome: Outcome): Promise<RecordOutcomeResult> {
    const entry = this.#tables.existing(clusterId)?.byJob.get(jobId);
    if (entry === undefined) return Promise.reject(new UnknownJobError(clusterId, jobId));
    const partition = this.#tables.partition(clusterId);
    const duplicate = entry.prediction.outcome !== undefined;
    // The stored prediction is this table's own copy, shared by both indexes: set its outcome in place.
    if (!duplicate) (entry.prediction as { outcome?: Outcome }).outcome = structuredClone(outcome);
    const stored = entry.prediction;
    if (!duplicate || !entry.folded) {
      const pending: PendingOutcome = {
        clusterId,
        jobId,
        epoch: stored.epoch,
        bundleVersion: stored.bundleVersion,
        classifierProbability: stored.classifierProbability,
        probability: stored.probability,
        predictedAtMs: stored.predictedAtMs,
        outcome: stored.outcome as Outcome,
        waitEstimate: stored.waitEstimate,
        ...(stored.waitDistribution === undefined ? {} : { waitDistribution: stored.waitDistribution }),
      };
      partition.inbox.set(inboxKey(pending), pending);
    }
    return Promise.resolve({ status: duplicate ? 'duplicate' : 'recorded', prediction: structuredClone(stored) });
  }

  find(clusterId: string, jobId: string): Promise<PredictionRecord | undefined> {
    const entry = this.#tables.existing(clusterId)?.byJob.get(jobId);
    return Promise.resolve(entry === undefined ? undefined : structuredClone(entry.prediction));
  }

  recent(
    clusterId: string,
    options: { readonly limit: number; readonly withOutcome?: boolean },
  ): Promise<PredictionRecord[]> {
    if (!Number.isInteger(options.limit) || options.limit < 0)
      return Promise.reject(new InvalidInputError(`invalid limit ${options.limit}: expected a non-negative integer`));
    const list = this.#tables.existing(clusterId)?.byTime ?? [];
    const found: PredictionRecord[] = [];
    for (let index = list.length - 1; index >= 0 && found.length < options.limit; index -= 1) {
      const prediction = list[index] as PredictionRecord;
      if (options.withOutcome === true && prediction.outcome === undefined) continue;
      found.push(structuredClone(prediction));
    }
    return Promise.resolve(found);
  }
}

export class MemoryLearningStateStore implements LearningStateStore, CalibrationSource {
  readonly #tables: MemoryTables;

  constructor(tables: MemoryTables) {
    this.#tables = tables;
  }

  load(clusterId: string): Promise<LearningRecord | undefined> {
    return Promise.resolve(this.#tables.existing(clusterId)?.learning);
  }

  current(clusterId: string): Promise<CalibrationRecord | undefined> {
    return Promise.resolve(this.#tables.existing(clusterId)?.calibration);
  }

  pending(clusterId: string, limit: number): Promise<PendingOutcome[]> {
    const inbox = this.#tables.existing(clusterId)?.inbox;
    if (inbox === undefined) return Promise.resolve([]);
    const keys = [...inbox.keys()].sort().slice(0, limit);
    return Promise.resolve(keys.map((key) => inbox.get(key) as PendingOutcome));
  }

  commit(
    record: LearningRecord,
    expectedVersion: number | undefined,
    calibration: CalibrationRecord,
  ): Promise<ConditionalWriteResult> {
    if (expectedVersion !== undefined && !(record.version > expectedVersion)) {
      return Promise.reject(
        new InvalidInputError(
          `learning state of cluster '${record.clusterId}' has version ${record.version}; it must be greater than the expected version ${expectedVersion}`,
        ),
      );
    }
    const partition = this.#tables.partition(record.clusterId);
    const stored = partition.learning;
    if (expectedVersion === undefined ? stored !== undefined : stored?.version !== expectedVersion)
      return Promise.resolve({ status: 'conflict' });
    partition.learning = record;
    if (partition.calibration === undefined || partition.calibration.learningVersion < calibration.learningVersion)
      partition.calibration = calibration;
    return Promise.resolve({ status: 'written' });
  }

  acknowledge(outcomes: readonly PendingOutcome[]): Promise<void> {
    for (const pending of outcomes) {
      const partition = this.#tables.existing(pending.clusterId);
      partition?.inbox.delete(inboxKey(pending));
      const entry = partition?.byJob.get(pending.jobId);
      if (entry !== undefined) entry.folded = true;
    }
    return Promise.resolve();
  }
}

export class MemoryClusterRegistry implements ClusterRegistry {
  readonly #tables: MemoryTables;
  readonly #learning: MemoryLearningStateStore;

  constructor(tables: MemoryTables) {
    this.#tables = tables;
    this.#learning = new MemoryLearningStateStore(tables);
  }

  async register(
    learning: LearningRecord,
    calibration: CalibrationRecord,
    profile: ClusterProfile,
  ): Promise<'registered' | 'exists'> {
    const written = await this.#learning.commit(learning, undefined, calibration);
    if (written.status === 'conflict') return 'exists';
    const partition = this.#tables.partition(learning.clusterId);
    partition.profile ??= structuredClone(profile);
    return 'registered';
  }

  profile(clusterId: string): Promise<ClusterProfile | undefined> {
    const profile = this.#tables.existing(clusterId)?.profile;
    return Promise.resolve(profile === undefined ? undefined : structuredClone(profile));
  }

  putProfile(profile: ClusterProfile): Promise<void> {
    this.#tables.partition(profile.clusterId).profile = structuredClone(profile);
    return Promise.resolve();
  }

  list(): Promise<string[]> {
    return Promise.resolve(this.#tables.clusterIds());
  }
}

/** The learning loop's stores on one set of in-memory tables (the replay's and unit tests' wiring). */
export function memoryLearningStores(tables: MemoryTables = new MemoryTables()): {
  readonly predictions: MemoryPredictionLog;
  readonly learning: MemoryLearningStateStore;
  readonly calibration: MemoryLearningStateStore;
  readonly registry: MemoryClusterRegistry;
} {
  const learning = new MemoryLearningStateStore(tables);
  return {
    predictions: new MemoryPredictionLog(tables),
    learning,
    calibration: learning,
    registry: new MemoryClusterRegistry(tables),
  };
}

/**
 * In-memory ClusterStore and BundleStore FOR OFFLINE EVALUATION ONLY (`vgac replay --store memory`).
 *
 * They exist because replaying a year of a real scheduler log (28K jobs, ~5 storage calls each)
 * through dynalite over loopback takes minutes, while the evaluation only needs the learning
 * loop's decisions, not durability. They are never wired into `npm start`, the HTTP app or the
 * Lambdas: the product path always runs the DynamoDB/S3 adapters (against dynalite/s3rver
 * locally). They mirror the real adapters' observable semantics — conditional calibration writes
 * on `version`, the outcome counter kept apart from the calibration item, one prediction per job,
 * idempotent outcomes, newest-first order by the `PREDICTION#{iso-ts}#{jobId}` sort key,
 * immutable bundle versions — so the loop behaves exactly as it does against the real stores.
 * Values are deep-copied on the way in and out (structuredClone), as a network store would.
 */
import { DuplicateError, UnknownJobError } from '../errors.ts';
import type { ModelBundle } from '../../core/model/bundle.ts';
import type { BundleStore } from '../ports/bundle-store.ts';
import type { CalibrationRecord } from '../records/calibration-record.ts';
import type { ClusterProfile } from '../records/cluster-profile.ts';
import type { ClusterStore, RecordOutcomeResult } from '../ports/cluster-store.ts';
import type { ConditionalWriteResult } from '../ports/conditional-write.ts';
import type { ConformalRecord } from '../records/conformal-record.ts';
import type { Outcome, PredictionRecord } from '../records/prediction-record.ts';

interface ClusterPartition {
  calibration: CalibrationRecord | undefined;
  conformal: ConformalRecord | undefined;
  outcomeCount: number;
  profile: ClusterProfile | undefined;
  /** Sorted ascending by sort key (predictedAtMs, then jobId as a string). */
  predictions: PredictionRecord[];
  byJob: Map<string, PredictionRecord>;
}

function sortKeyCompare(left: PredictionRecord, right: PredictionRecord): number {
  if (left.predictedAtMs !== right.predictedAtMs) return left.predictedAtMs - right.predictedAtMs;
  return left.jobId < right.jobId ? -1 : left.jobId > right.jobId ? 1 : 0;
}

/** A ClusterStore held in one process's memory (offline evaluation only; see the file comment). */
export class MemoryClusterStore implements ClusterStore {
  readonly #clusters = new Map<string, ClusterPartition>();

  #partition(clusterId: string): ClusterPartition {
    let partition = this.#clusters.get(clusterId);
    if (partition === undefined) {
      partition = { calibration: undefined, conformal: undefined, outcomeCount: 0, profile: undefined, predictions: [], byJob: new Map() };
      this.#clusters.set(clusterId, partition);
    }
    return partition;
  }

  getCalibration(clusterId: string): Promise<CalibrationRecord | undefined> {
    const partition = this.#clusters.get(clusterId);
    const stored = partition?.calibration;
    if (partition === undefined || stored === undefined) return Promise.resolve(undefined);
    return Promise.resolve({ ...structuredClone(stored), outcomeCount: partition.outcomeCount });
  }

  putCalibration(record: CalibrationRecord, expectedVersion: number | undefined): Promise<ConditionalWriteResult> {
    const partition = this.#partition(record.clusterId);
    const current = partition.calibration;
    const allowed = expectedVersion === undefined ? current === undefined : current?.version === expectedVersion;
    if (!allowed) return Promise.resolve({ status: 'conflict' });
    // The outcome counter is its own attribute (an atomic counter in DynamoDB): a calibration write never moves it.
    partition.calibration = structuredClone(record);
    return Promise.resolve({ status: 'written' });
  }

  getProfile(clusterId: string): Promise<ClusterProfile | undefined> {
    const profile = this.#clusters.get(clusterId)?.profile;
    return Promise.resolve(profile === undefined ? undefined : structuredClone(profile));
  }

  putProfile(profile: ClusterProfile): Promise<void> {
    this.#partition(profile.clusterId).profile = structuredClone(profile);
    return Promise.resolve();
  }

  recordPrediction(prediction: PredictionRecord): Promise<void> {
    const partition = this.#partition(prediction.clusterId);
    if (partition.byJob.has(prediction.jobId)) {
      return Promise.reject(new DuplicateError(`job '${prediction.jobId}' on cluster '${prediction.clusterId}' already has a prediction`));
    }
    const stored = structuredClone(prediction);
    partition.byJob.set(prediction.jobId, stored);
    const list = partition.predictions;
    // Replays append in time order: the common case is O(1); otherwise binary-search the slot.
    if (list.length === 0 || sortKeyCompare(list[list.length - 1] as PredictionRecord, stored) <= 0) {
      list.push(stored);
    } else {
      let low = 0;
      let high = list.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (sortKeyCompare(list[middle] as PredictionRecord, stored) <= 0) low = middle + 1;
        else high = middle;
      }
      list.splice(low, 0, stored);
    }
    if (stored.outcome !== undefined) partition.outcomeCount += 1;
    return Promise.resolve();
  }

  recordOutcome(clusterId: string, jobId: string, outcome: Outcome): Promise<RecordOutcomeResult> {
    const partition = this.#clusters.get(clusterId);
    const stored = partition?.byJob.get(jobId);
    if (partition === undefined || stored === undefined) return Promise.reject(new UnknownJobError(clusterId, jobId));
    if (stored.outcome !== undefined) return Promise.resolve({ status: 'duplicate', prediction: structuredClone(stored) });
    const updated: PredictionRecord = { ...stored, outcome: { ...outcome } };
    partition.byJob.set(jobId, updated);
    const list = partition.predictions;
    const index = this.#indexOf(list, stored);
    list[index] = updated;
    partition.outcomeCount += 1;
    return Promise.resolve({ status: 'recorded', prediction: structuredClone(updated), outcomeCount: partition.outcomeCount });
  }

  #indexOf(list: readonly PredictionRecord[], record: PredictionRecord): number {
    let low = 0;
    let high = list.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (sortKeyCompare(list[middle] as PredictionRecord, record) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  recentOutcomes(clusterId: string, limit: number): Promise<PredictionRecord[]> {
    return Promise.resolve(this.#recent(clusterId, limit, true));
  }

  recentPredictions(clusterId: string, limit: number): Promise<PredictionRecord[]> {
    return Promise.resolve(this.#recent(clusterId, limit, false));
  }

  #recent(clusterId: string, limit: number, withOutcomeOnly: boolean): PredictionRecord[] {
    const list = this.#clusters.get(clusterId)?.predictions ?? [];
    const found: PredictionRecord[] = [];
    for (let index = list.length - 1; index >= 0 && found.length < limit; index -= 1) {
      const record = list[index] as PredictionRecord;
      if (!withOutcomeOnly || record.outcome !== undefined) found.push(record);
    }
    // Records are replaced, never mutated, so handing out the stored objects is as safe as a copy; cloning
    // a 1,000-outcome window on every recompute is what made this store slow.
    return found;
  }

  getConformal(clusterId: string): Promise<ConformalRecord | undefined> {
    // Stored records are copies, replaced on every write and never mutated (the core returns new state), so handing out
    // the stored object is as safe as a copy; cloning the windows on every prediction would dominate a replay.
    return Promise.resolve(this.#clusters.get(clusterId)?.conformal);
  }

  putConformal(record: ConformalRecord, expectedVersion: number | undefined): Promise<ConditionalWriteResult> {
    const partition = this.#partition(record.clusterId);
    const current = partition.conformal;
    const allowed = expectedVersion === undefined ? current === undefined : current?.version === expectedVersion;
    if (!allowed) return Promise.resolve({ status: 'conflict' });
    // Kept as given, not copied: the record's windows are readonly and the core builds new arrays on
    // every update instead of mutating (copying three windows per outcome was a sixth of a replay).
    partition.conformal = record;
    return Promise.resolve({ status: 'written' });
  }

  listClusters(): Promise<string[]> {
    const ids = [...this.#clusters.entries()].filter(([, partition]) => partition.calibration !== undefined).map(([id]) => id);
    return Promise.resolve(ids.sort());
  }
}

/** A BundleStore held in one process's memory (offline evaluation only; see the file comment). */
export class MemoryBundleStore implements BundleStore {
  readonly #bundles = new Map<string, Map<number, ModelBundle>>();

  putBundle(clusterId: string, version: number, bundle: ModelBundle): Promise<void> {
    let versions = this.#bundles.get(clusterId);
    if (versions === undefined) {
      versions = new Map();
      this.#bundles.set(clusterId, versions);
    }
    if (versions.has(version)) return Promise.reject(new DuplicateError(`bundle version ${version} of cluster '${clusterId}' already exists`));
    versions.set(version, structuredClone(bundle));
    return Promise.resolve();
  }

  getBundle(clusterId: string, version: number): Promise<ModelBundle | undefined> {
    const bundle = this.#bundles.get(clusterId)?.get(version);
    return Promise.resolve(bundle === undefined ? undefined : structuredClone(bundle));
  }

  listVersions(clusterId: string): Promise<number[]> {
    return Promise.resolve([...(this.#bundles.get(clusterId)?.keys() ?? [])].sort((left, right) => left - right));
  }
}

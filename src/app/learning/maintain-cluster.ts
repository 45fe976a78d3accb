/**
 * A cluster's maintenance: the slow part of the learning loop, run where the scheduler puts it
 * (in the background, another Lambda, or inline in tests and the replay), never inside a client's
 * request. In order:
 *
 * 1. fold whatever outcomes are pending (the state must be current);
 * 2. retrain when the loop's decision says the classifier lost discrimination: a new bundle
 *    trained on the cluster's recent outcomes of this epoch, published as the next version; the
 *    online calibrator starts over on the new classifier, the evidence and standing carry on;
 * 3. checkpoint the online calibrator as a bundle version in S3 (the same classifier, the
 *    calibrator's parameters at that moment) every `checkpointEveryOutcomes` outcomes and after
 *    every drift response; with it, measure feature shifts (PSI of the non-calendar key features
 *    against the classifier's training reference, each against its own sampling noise) — reported,
 *    never acted on: residual drift decides.
 *
 * Publishing never leaves a torn state: a version number is claimed by a conditional write of the
 * learning record before S3 is touched (two publishers never share a key), the S3 object is
 * immutable, and the pointer moves by another conditional write, re-applied on a fresher record
 * when a fold got there first.
 */
import { CALENDAR_FEATURES, featureShifts } from '../../core/model/feature-reference.ts';
import { checkpointDue, markCheckpointed, withNewClassifier } from '../../core/learning/learning-state.ts';
import { withBundleId } from '../../core/model/bundle-id.ts';
import type { ModelBundle } from '../../core/model/bundle.ts';
import { trainBundle } from '../../core/model/train-bundle.ts';
import { seededRandom } from '../../core/random.ts';
import { InfrastructureError, UnknownClusterError } from '../errors.ts';
import type { LearningRecord } from '../records/learning-record.ts';
import { calibrationOf } from './calibration-of.ts';
import { foldPendingOutcomes } from './fold-pending-outcomes.ts';
import { numericFeatureColumns } from './feature-columns.ts';
import type { LearningDeps } from './learning-deps.ts';
import { windowTable } from './window-table.ts';

/** PSI is measured on at most this many recent predictions (a window of the cluster's current jobs). */
export const FEATURE_SHIFT_SAMPLE = 1000;
/** Fewest recent predictions a feature-shift check needs (fewer: it is skipped). */
export const FEATURE_SHIFT_MIN_ROWS = 100;
/** Confidence of the PSI noise level a shift must exceed. */
export const FEATURE_SHIFT_LEVEL = 0.95;
const MAX_ATTEMPTS = 5;

export type MaintenanceStep = 'retrained' | 'checkpointed' | 'feature_shifts';

export interface MaintenanceResult {
  readonly clusterId: string;
  /** What this run did, in order (empty: nothing was due). */
  readonly steps: readonly MaintenanceStep[];
  /** Short sentences: what was done and why, or why something due was not done. */
  readonly notes: readonly string[];
}

type MaintainDeps = Pick<
  LearningDeps,
  | 'learning'
  | 'predictions'
  | 'bundles'
  | 'cache'
  | 'gate'
  | 'policy'
  | 'settings'
  | 'logger'
  | 'history'
  | 'hash'
  | 'maintenance'
>;

/**
 * Applies `change` to the freshest learning record with a conditional write, re-reading on a
 * conflict (a fold moved the version), at most MAX_ATTEMPTS times; null when the change no longer
 * applies (`change` returned null) or every attempt lost.
 */
async function commitChange(
  deps: MaintainDeps,
  clusterId: string,
  nowMs: number,
  change: (record: LearningRecord) => LearningRecord | null,
): Promise<LearningRecord | null> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const record = await deps.learning.load(clusterId);
    if (record === undefined) throw new UnknownClusterError(clusterId);
    const changed = change(record);
    if (changed === null) return null;
    const next = { ...changed, version: record.version + 1, updatedAtMs: nowMs };
    const written = await deps.learning.commit(next, record.version, calibrationOf(next, deps.gate));
    if (written.status === 'written') return next;
  }
  return null;
}

/** Claims the next bundle version, writes `bundle` under it; the claimed version, or null when the claim lost. */
async function claimAndWrite(
  deps: MaintainDeps,
  clusterId: string,
  nowMs: number,
  bundle: ModelBundle,
): Promise<number | null> {
  let claimed: number | null = null;
  const record = await commitChange(deps, clusterId, nowMs, (current) => {
    claimed = current.latestBundleVersion + 1;
    return { ...current, latestBundleVersion: claimed };
  });
  if (record === null || claimed === null) return null;
  await deps.bundles.putBundle(clusterId, claimed, bundle);
  return claimed;
}

async function retrain(deps: MaintainDeps, record: LearningRecord, nowMs: number): Promise<string> {
  const { state } = record;
  const recent = await deps.predictions.recent(record.clusterId, {
    limit: deps.settings.retrainWindow,
    withOutcome: true,
  });
  const window = recent.filter((prediction) => prediction.epoch === state.epoch);
  const threshold = state.longWaitThresholdSeconds;
  const table = { ...windowTable(record.clusterId, window), labelThresholdSeconds: threshold };
  const labels = Uint8Array.from(window, (prediction) => ((prediction.outcome?.waitSeconds ?? 0) > threshold ? 1 : 0));
  const positives = labels.reduce((sum, label) => sum + label, 0);
  if (
    positives < deps.gate.minOutcomesPerClass ||
    window.length - positives < deps.gate.minOutcomesPerClass ||
    window.length < deps.policy.minOutcomesToRetrain
  ) {
    return `retrain due but not run: ${window.length} outcomes of this epoch with ${positives} long waits in the log (needs ${deps.policy.minOutcomesToRetrain}, and ${deps.gate.minOutcomesPerClass} of each class)`;
  }
  const bundle = trainBundle(
    { ...table, labels },
    {
      random: seededRandom(deps.settings.seed),
      source: table.source,
      dataHash: deps.hash(JSON.stringify(table.rows)),
      hash: deps.hash,
    },
  );
  const version = await claimAndWrite(deps, record.clusterId, nowMs, bundle);
  if (version === null) return 'retrain lost its version claim to another writer';
  const switched = await commitChange(deps, record.clusterId, nowMs, (current) =>
    current.activeBundleVersion >= version
      ? null
      : {
          ...current,
          activeBundleVersion: version,
          retrains: current.retrains + 1,
          state: withNewClassifier(current.state, version, deps.policy),
        },
  );
  if (switched === null)
    return `retrained bundle version ${version} was written but not activated (a newer one is active or the writes kept conflicting)`;
  deps.logger.info('bundle.published', {
    clusterId: record.clusterId,
    kind: 'retrain',
    bundleVersion: version,
    bundleId: bundle.bundleId,
    outcomes: window.length,
    longWaits: positives,
  });
  return `retrained on ${window.length} outcomes (${positives} long waits): bundle version ${version} is active`;
}

async function checkpoint(deps: MaintainDeps, record: LearningRecord, nowMs: number): Promise<string> {
  const { bundle } = await deps.cache.load(deps.bundles, record.clusterId, record.activeBundleVersion);
  const { state } = record;
  const { bundleId: _previousId, ...unsigned } = bundle;
  const saved = withBundleId(
    {
      ...unsigned,
      onlineCalibration: {
        slope: state.calibrator.platt.slope,
        intercept: state.calibrator.platt.intercept,
        calibeating: {
          weights: [...state.calibrator.calibeating.weights],
          longWaits: [...state.calibrator.calibeating.longWaits],
        },
        epoch: state.epoch,
        outcomes: state.outcomes,
        learningVersion: record.version,
        savedAtMs: nowMs,
      },
    },
    deps.hash,
  );
  const version = await claimAndWrite(deps, record.clusterId, nowMs, saved);
  if (version === null) return 'checkpoint lost its version claim to another writer';
  const marked = await commitChange(deps, record.clusterId, nowMs, (current) => ({
    ...current,
    checkpointVersions: [...current.checkpointVersions, version],
    state: markCheckpointed(current.state),
  }));
  if (marked === null) return `checkpoint version ${version} was written but not recorded`;
  return `online calibrator checkpointed as bundle version ${version} (${state.outcomes} outcomes in epoch ${state.epoch})`;
}

async function measureFeatureShifts(deps: MaintainDeps, record: LearningRecord, nowMs: number): Promise<string | null> {
  const { bundle } = await deps.cache.load(deps.bundles, record.clusterId, record.activeBundleVersion);
  const reference = bundle.featureReference;
  if (reference === null || reference === undefined) return null;
  const recent = await deps.predictions.recent(record.clusterId, { limit: FEATURE_SHIFT_SAMPLE });
  if (recent.length < FEATURE_SHIFT_MIN_ROWS) return null;
  const names = reference.features.map((bins) => bins.feature).filter((name) => !CALENDAR_FEATURES.has(name));
  const shifts = featureShifts(
    reference,
    numericFeatureColumns(recent, names),
    deps.gate.psiShift,
    FEATURE_SHIFT_LEVEL,
  );
  const stored = await commitChange(deps, record.clusterId, nowMs, (current) => ({
    ...current,
    featureShifts: shifts,
  }));
  if (stored === null) return null;
  const significant = shifts.filter((shift) => shift.significant);
  return significant.length === 0
    ? `no key feature shifted beyond its sampling noise over the last ${recent.length} jobs`
    : `shifted beyond noise: ${significant.map((shift) => `${shift.feature} (PSI ${shift.psi.toFixed(2)} > noise ${shift.noisePsi.toFixed(2)})`).join(', ')}`;
}

/**
 * Runs what is due for `clusterId` (see the file comment). Throws UnknownClusterError for an
 * unregistered cluster; store failures propagate.
 */
export async function maintainCluster(
  deps: MaintainDeps,
  request: { readonly clusterId: string; readonly nowMs: number },
): Promise<MaintenanceResult> {
  const { clusterId, nowMs } = request;
  // Fold without scheduling more maintenance: this run is the maintenance.
  await foldPendingOutcomes({ ...deps, maintenance: undefined }, { clusterId, nowMs });
  const steps: MaintenanceStep[] = [];
  const notes: string[] = [];
  let record = await deps.learning.load(clusterId);
  if (record === undefined) throw new UnknownClusterError(clusterId);
  if (record.state.retrainDue) {
    const note = await retrain(deps, record, nowMs);
    notes.push(note);
    if (note.startsWith('retrained')) steps.push('retrained');
    record = await deps.learning.load(clusterId);
    if (record === undefined)
      throw new InfrastructureError(`learning record of '${clusterId}' disappeared during maintenance`);
  }
  if (checkpointDue(record.state, deps.policy) || steps.includes('retrained')) {
    const note = await checkpoint(deps, record, nowMs);
    notes.push(note);
    if (note.startsWith('online calibrator checkpointed')) steps.push('checkpointed');
    const shifts = await measureFeatureShifts(deps, record, nowMs);
    if (shifts !== null) {
      notes.push(shifts);
      steps.push('feature_shifts');
    }
  }
  if (steps.length > 0) deps.logger.info('learning.maintained', { clusterId, steps, notes });
  return { clusterId, steps, notes };
}

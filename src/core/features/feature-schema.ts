/**
 * Which columns of a job table may be used as model features, and which never may.
 *
 * Only information known when a job is submitted is a feature: the queue state captured at
 * submit time, the DCGM telemetry summaries where they were captured before submit, and the job
 * class the user declares (`job_type`). Outcomes, identifiers and another model's score are
 * refused by name, always, so that no flag or feature list can leak the label into training.
 *
 * Column provenance (see /work/shared/data/README.md):
 * - `slurm_training_dataset.csv` is a join of a scheduler job log (left, suffix `_x`) with the
 *   queue-state snapshot table (right, suffix `_y`). Both sides are submit-time: `total_pending`
 *   and `pending_gpus` agree on every row, `running_gpus` differs by one on 15 of 555 rows
 *   (`running_gpus_x` equals the log's `total_running` count). The canonical features are read
 *   from the `_y` columns, because they come from the same snapshot as `pending_ratio`,
 *   `queue_depth_norm`, `fragmentation_score` and `congestion_score` (and as the other files'
 *   unsuffixed columns). The `_x` duplicates are refused with a pointer to the canonical name.
 * - That file's DCGM columns were computed over each job's whole run: post-submit. They are
 *   refused there; in `slurm_sample.csv` they are submit-time summaries and may be used.
 */
import { InvalidInputError } from '../errors.ts';
import { SNAPSHOT_FEATURES } from '../traces/queue-state.ts';

/** The nine queue-state columns captured at submit time, in canonical order. */
export const QUEUE_STATE_FEATURES = [
  'pending_ratio',
  'queue_depth_norm',
  'fragmentation_score',
  'congestion_score',
  'pending_gpus',
  'total_pending',
  'running_gpus',
  'gpu_nodes_alloc',
  'gpu_nodes_total',
] as const;

/** DCGM telemetry summaries (Slurm only); submit-time only where the dataset says so. */
export const DCGM_FEATURES = ['util_gpu_mean', 'util_gpu_std', 'util_mem_mean', 'temp_c_max', 'power_w_mean'] as const;

/** Categorical columns declared by the user at submit; encoded one-hot. */
export const CATEGORICAL_FEATURES = ['job_type'] as const;

/** A VGAC platform's own P(long wait) as log-odds, at submit (core/model/platform-bundle.ts). */
export const PLATFORM_FEATURES = ['platformLogit'] as const;

/** The binary label column: 1 when the observed wait exceeded the environment's P90 wait. */
export const LABEL_COLUMN = 'label_long_wait';
/** Observed wait in seconds, when the dataset records it (an outcome, never a feature). */
export const WAIT_SECONDS_COLUMN = 'wait_seconds';
/** The wait threshold (seconds) that defined the label, when the dataset records it. */
export const LABEL_THRESHOLD_COLUMN = 'wait_threshold_p90';

/** Columns that are never features, with the reason given to whoever asks for one. */
export const FORBIDDEN_FEATURES: Readonly<Record<string, string>> = Object.freeze({
  raw_score: "another model's output that reproduces the label (leakage)",
  start_epoch_ms: 'an outcome',
  wait_ms: 'an outcome',
  wait_seconds: 'an outcome',
  wait_minutes: 'an outcome',
  label_long_wait: 'the label',
  wait_threshold_p90: 'derived from outcomes',
  job_id: 'an identifier',
  submit_epoch_ms: 'an identifier',
  job_type_encoded: "a duplicate of job_type; request 'job_type'",
});

export const FeatureSetName = {
  queueState: 'queue-state',
  queueStateDcgm: 'queue-state+dcgm',
  queueStateJobType: 'queue-state+job-type',
} as const;
export type FeatureSetName = (typeof FeatureSetName)[keyof typeof FeatureSetName];

export interface FeatureSelection {
  /** Canonical numeric feature names, in model order. */
  readonly numericFeatures: readonly string[];
  /** Categorical columns, one-hot encoded after the numeric features. */
  readonly categoricalFeatures: readonly string[];
}

export const FEATURE_SETS: Readonly<Record<FeatureSetName, FeatureSelection>> = Object.freeze({
  'queue-state': { numericFeatures: QUEUE_STATE_FEATURES, categoricalFeatures: [] },
  'queue-state+dcgm': { numericFeatures: [...QUEUE_STATE_FEATURES, ...DCGM_FEATURES], categoricalFeatures: [] },
  'queue-state+job-type': { numericFeatures: QUEUE_STATE_FEATURES, categoricalFeatures: CATEGORICAL_FEATURES },
});

/** The reference datasets this schema knows about, recognised by their header. */
export const DatasetKind = {
  /** Kubernetes sample: queue state only. */
  eks: 'eks',
  /** Slurm sample: queue state + submit-time DCGM summaries. */
  slurmSample: 'slurm-sample',
  /** Full Slurm job log: `_x`/`_y` joined columns, outcomes, `job_type`, post-submit DCGM. */
  slurmTraining: 'slurm-training',
  /** Anything else with the canonical column names. */
  generic: 'generic',
} as const;
export type DatasetKind = (typeof DatasetKind)[keyof typeof DatasetKind];

const QUEUE_STATE_SET: ReadonlySet<string> = new Set(QUEUE_STATE_FEATURES);
const DCGM_SET: ReadonlySet<string> = new Set(DCGM_FEATURES);
const CATEGORICAL_SET: ReadonlySet<string> = new Set(CATEGORICAL_FEATURES);
// Added for `vgac replay --trace`: the submit-time queue state reconstructed from a scheduler log
// (src/core/traces/queue-state.ts) is a feature set of its own; every name there is submit-time by construction.
const SNAPSHOT_SET: ReadonlySet<string> = new Set(SNAPSHOT_FEATURES);
const PLATFORM_SET: ReadonlySet<string> = new Set(PLATFORM_FEATURES);
const JOIN_SUFFIXES = ['_x', '_y'] as const;

/** True for `name` in a {@link FeatureSetName}. */
export function isFeatureSetName(name: string): name is FeatureSetName {
  return Object.values(FeatureSetName).includes(name as FeatureSetName);
}

/**
 * Recognises which reference dataset a header belongs to. A header with job-log outcomes
 * (`start_epoch_ms`) and the joined `_y` snapshot columns is the full Slurm dataset, whose DCGM
 * columns are post-submit; a header with DCGM columns otherwise is the Slurm sample.
 */
export function detectDatasetKind(header: readonly string[]): DatasetKind {
  const columns = new Set(header);
  if (columns.has('start_epoch_ms') && columns.has('total_pending_y')) return DatasetKind.slurmTraining;
  if (DCGM_FEATURES.every((name) => columns.has(name))) return DatasetKind.slurmSample;
  if (QUEUE_STATE_FEATURES.every((name) => columns.has(name))) return DatasetKind.eks;
  return DatasetKind.generic;
}

/**
 * The feature set used when none is asked for: queue state for the EKS and Slurm samples (the
 * README's reference protocol), queue state + `job_type` for the full Slurm dataset (its wait is
 * set by the declared job class, and its DCGM columns are post-submit).
 */
export function defaultFeatureSet(header: readonly string[]): FeatureSetName {
  return detectDatasetKind(header) === DatasetKind.slurmTraining
    ? FeatureSetName.queueStateJobType
    : FeatureSetName.queueState;
}

function refuseFeature(name: string, kind: DatasetKind): void {
  const forbiddenReason = FORBIDDEN_FEATURES[name];
  if (forbiddenReason !== undefined)
    throw new InvalidInputError(`feature '${name}' is not allowed: ${forbiddenReason}`);
  for (const suffix of JOIN_SUFFIXES) {
    const base = name.slice(0, -suffix.length);
    if (name.endsWith(suffix) && QUEUE_STATE_SET.has(base)) {
      throw new InvalidInputError(`feature '${name}' is a join duplicate; request '${base}'`);
    }
  }
  if (DCGM_SET.has(name) && kind === DatasetKind.slurmTraining) {
    throw new InvalidInputError(
      `feature '${name}' is not allowed here: this file's DCGM columns cover the whole run (post-submit)`,
    );
  }
  if (
    !QUEUE_STATE_SET.has(name) &&
    !DCGM_SET.has(name) &&
    !CATEGORICAL_SET.has(name) &&
    !SNAPSHOT_SET.has(name) &&
    !PLATFORM_SET.has(name)
  ) {
    const known = [
      ...QUEUE_STATE_FEATURES,
      ...DCGM_FEATURES,
      ...CATEGORICAL_FEATURES,
      ...SNAPSHOT_FEATURES,
      ...PLATFORM_FEATURES,
    ].join(', ');
    throw new InvalidInputError(`unknown feature '${name}'; expected one of ${known}`);
  }
}

/**
 * Turns a feature-set name or an explicit list of feature names into a validated selection.
 * `header` identifies the dataset, so that post-submit columns of that file are refused.
 *
 * @throws InvalidInputError naming the first forbidden, duplicated, post-submit or unknown feature,
 *   or an empty list.
 */
export function resolveFeatures(
  request: FeatureSetName | readonly string[],
  header: readonly string[] = [],
): FeatureSelection {
  const kind = detectDatasetKind(header);
  const names = typeof request === 'string' ? listFeatureSet(request) : request;
  if (names.length === 0) throw new InvalidInputError('no features requested');
  const seen = new Set<string>();
  const numericFeatures: string[] = [];
  const categoricalFeatures: string[] = [];
  for (const name of names) {
    refuseFeature(name, kind);
    if (seen.has(name)) throw new InvalidInputError(`feature '${name}' is listed twice`);
    seen.add(name);
    (CATEGORICAL_SET.has(name) ? categoricalFeatures : numericFeatures).push(name);
  }
  return { numericFeatures, categoricalFeatures };
}

function listFeatureSet(name: string): readonly string[] {
  if (!isFeatureSetName(name)) {
    throw new InvalidInputError(
      `unknown feature set '${name}'; expected one of ${Object.values(FeatureSetName).join(', ')}`,
    );
  }
  const selection = FEATURE_SETS[name];
  return [...selection.numericFeatures, ...selection.categoricalFeatures];
}

/**
 * The header column that holds a canonical feature: the column of that name, else its `_y`
 * (snapshot) join column; `undefined` when neither exists.
 */
export function featureColumn(feature: string, header: readonly string[]): string | undefined {
  if (header.includes(feature)) return feature;
  const snapshotColumn = `${feature}_y`;
  return header.includes(snapshotColumn) ? snapshotColumn : undefined;
}

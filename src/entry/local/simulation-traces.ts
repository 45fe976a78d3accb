/**
 * The two live clusters of `npm start`, read from the reference data (/work/shared/data, i.e.
 * `../shared/data` from the repository root, or `VGAC_SHARED_DATA`):
 * - `eks-prod`: the EKS December sample (500 jobs, 9 queue-state features, real labels). The file
 *   has no timestamps and no waits: jobs are submitted every EKS_SUBMIT_INTERVAL_MS of trace time,
 *   and each wait is drawn (seeded) on the right side of EKS_LONG_WAIT_SECONDS for its real label,
 *   so the label the calibration is measured on is always the file's own.
 * - `slurm-hpc`: the full Slurm job log (555 jobs) in submit order with real submit times, real
 *   waits and real labels (P90 = 133 s); features are the canonical queue-state columns plus the
 *   declared `job_type`.
 * Both start from the EKS prior, trained here on the EKS sample; on Slurm it is miscalibrated,
 * which is the point of the demo.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SimulatedClusterTrace, SimulatedJob } from '../../app/simulation/simulated-job.ts';
import { InvalidInputError } from '../../core/errors.ts';
import type { FeatureTable } from '../../core/features/feature-table.ts';
import type { ModelBundle } from '../../core/model/bundle.ts';
import { trainBundle } from '../../core/model/train-bundle.ts';
import { seededRandom } from '../../core/random.ts';
import { loadFeatureTable, parseCsv, readUserFile, sha256Hex } from '../cli/load-feature-table.ts';
import { sharedDataDir } from '../shared-data-dir.ts';

export const EKS_CLUSTER_ID = 'eks-prod';
export const SLURM_CLUSTER_ID = 'slurm-hpc';
export const EKS_FILE = 'eks_dec_sample.csv';
export const SLURM_FILE = 'slurm_training_dataset.csv';
/** Trace time between two EKS submits (the sample has no timestamps). */
export const EKS_SUBMIT_INTERVAL_MS = 40_000;
/** The EKS sample's long-wait threshold for drawn waits (it records labels, not waits). */
export const EKS_LONG_WAIT_SECONDS = 600;
/** GPUs of each simulated cluster (utilisation in the Observer's summary). */
export const SIMULATED_TOTAL_GPUS = 64;
/** Seed of the drawn EKS waits and of the prior's fold shuffles. */
export const SIMULATION_SEED = 42;

/** `explicit` (VGAC_SHARED_DATA) or `../shared/data` from the repository root ({@link sharedDataDir}); throws a clear error when the simulation's files are missing. */
export function resolveSharedDataDir(explicit: string | undefined): string {
  const dir = sharedDataDir(explicit);
  for (const file of [EKS_FILE, SLURM_FILE]) {
    if (!existsSync(join(dir, file))) {
      throw new InvalidInputError(
        `the simulation needs ${file} in ${dir} (set VGAC_SHARED_DATA to the folder holding the reference data, or run with --no-sim)`,
      );
    }
  }
  return dir;
}

export interface SimulationData {
  readonly traces: readonly SimulatedClusterTrace[];
  /** Trains the shared prior (the EKS model); called only when a cluster still needs registering. */
  trainPrior(): ModelBundle;
}

function featureRecord(table: FeatureTable, row: number): Record<string, number | string> {
  const record: Record<string, number | string> = {};
  table.numericFeatures.forEach((name, column) => {
    record[name] = table.rows[row]?.[column] ?? 0;
  });
  table.categoricalFeatures.forEach((name, column) => {
    const value = table.categorical[row]?.[column] ?? '';
    if (value !== '') record[name] = value;
  });
  return record;
}

/** Loads both traces; the prior is trained lazily (first start only). */
export async function loadSimulationData(dataDir: string): Promise<SimulationData> {
  const eksPath = join(dataDir, EKS_FILE);
  const eks = await loadFeatureTable(eksPath, { features: 'queue-state', requireLabel: true });
  const random = seededRandom(SIMULATION_SEED);
  const eksLabels = eks.table.labels ?? new Uint8Array(0);
  const eksWaits = Float64Array.from(eksLabels, (label) =>
    Math.round(
      label === 1 ? EKS_LONG_WAIT_SECONDS * (1.05 + 2 * random()) : EKS_LONG_WAIT_SECONDS * (0.02 + 0.9 * random()),
    ),
  );
  const eksTable: FeatureTable = {
    ...eks.table,
    source: EKS_FILE,
    waitsSeconds: eksWaits,
    labelThresholdSeconds: EKS_LONG_WAIT_SECONDS,
  };
  const eksJobs: SimulatedJob[] = eks.table.rows.map((_, row) => ({
    traceJobId: `row${row + 1}`,
    submitAtMs: row * EKS_SUBMIT_INTERVAL_MS,
    features: featureRecord(eksTable, row),
    job: { gpus: 1, queue: 'gpu', namespace: 'research' },
    waitSeconds: eksWaits[row] ?? 0,
    longWait: eksLabels[row] === 1,
  }));

  const slurmPath = join(dataDir, SLURM_FILE);
  const slurm = await loadFeatureTable(slurmPath, { features: 'queue-state+job-type', requireLabel: true });
  const [header = [], ...records] = parseCsv((await readUserFile(slurmPath, 'data file')).toString('utf8'), slurmPath);
  const idColumn = header.indexOf('job_id');
  const submitColumn = header.indexOf('submit_epoch_ms');
  if (idColumn < 0 || submitColumn < 0)
    throw new InvalidInputError(`${slurmPath}: needs job_id and submit_epoch_ms columns`);
  const slurmLabels = slurm.table.labels ?? new Uint8Array(0);
  const slurmJobs: SimulatedJob[] = records.map((record, row) => {
    const features = featureRecord(slurm.table, row);
    const jobType = features['job_type'];
    return {
      traceJobId: record[idColumn] ?? String(row + 1),
      submitAtMs: Number(record[submitColumn]),
      features,
      job: { gpus: 1, queue: 'gpu', ...(typeof jobType === 'string' ? { jobType } : {}) },
      waitSeconds: slurm.table.waitsSeconds?.[row] ?? 0,
      longWait: slurmLabels[row] === 1,
    };
  });
  // Submit order, ties by trace id: the order a live cluster would have seen.
  slurmJobs.sort(
    (left, right) =>
      left.submitAtMs - right.submitAtMs || left.traceJobId.localeCompare(right.traceJobId, 'en', { numeric: true }),
  );

  return {
    traces: [
      {
        clusterId: EKS_CLUSTER_ID,
        platform: 'kubernetes',
        jobs: eksJobs,
        totalGpus: SIMULATED_TOTAL_GPUS,
        longWaitThresholdSeconds: EKS_LONG_WAIT_SECONDS,
      },
      {
        clusterId: SLURM_CLUSTER_ID,
        platform: 'slurm',
        jobs: slurmJobs,
        totalGpus: SIMULATED_TOTAL_GPUS,
        longWaitThresholdSeconds: SLURM_LONG_WAIT_SECONDS,
      },
    ],
    trainPrior: () =>
      trainBundle(eksTable, {
        random: seededRandom(SIMULATION_SEED),
        source: EKS_FILE,
        dataHash: sha256Hex(JSON.stringify(eksTable.rows) + Array.from(eksWaits).join(',')),
        hash: sha256Hex,
      }),
  };
}

/** The Slurm trace's own long-wait threshold (seconds), recorded in the file. */
export const SLURM_LONG_WAIT_SECONDS = 133;

import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import {
  defaultFeatureSet,
  detectDatasetKind,
  featureColumn,
  FORBIDDEN_FEATURES,
  isFeatureSetName,
  resolveFeatures,
} from './feature-schema.ts';

// Headers copied from the first line of each file in /work/shared/data.
const EKS_HEADER =
  'pending_ratio,queue_depth_norm,fragmentation_score,congestion_score,pending_gpus,total_pending,running_gpus,gpu_nodes_alloc,gpu_nodes_total,label_long_wait,raw_score'.split(
    ',',
  );
const SLURM_SAMPLE_HEADER =
  'pending_ratio,queue_depth_norm,fragmentation_score,congestion_score,pending_gpus,total_pending,running_gpus,gpu_nodes_alloc,gpu_nodes_total,util_gpu_mean,util_gpu_std,util_mem_mean,temp_c_max,power_w_mean,label_long_wait,raw_score'.split(
    ',',
  );
const SLURM_TRAINING_HEADER =
  'job_id,submit_epoch_ms,total_pending_x,pending_gpus_x,job_type,start_epoch_ms,total_running,running_gpus_x,wait_ms,wait_seconds,wait_minutes,label_long_wait,wait_threshold_p90,pending_ratio,queue_depth_norm,fragmentation_score,congestion_score,total_pending_y,pending_gpus_y,running_gpus_y,gpu_nodes_alloc,gpu_nodes_total,util_gpu_mean,util_gpu_std,util_gpu_max,util_mem_mean,util_mem_std,util_mem_max,temp_c_mean,temp_c_max,power_w_mean,power_w_max,mem_used_mb_mean,mem_used_mb_max,mem_total_mb_first,power_efficiency,mem_pressure,job_type_encoded'.split(
    ',',
  );

const QUEUE_STATE = [
  'pending_ratio',
  'queue_depth_norm',
  'fragmentation_score',
  'congestion_score',
  'pending_gpus',
  'total_pending',
  'running_gpus',
  'gpu_nodes_alloc',
  'gpu_nodes_total',
];

function messageOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as Error).message;
  }
  throw new Error('expected an InvalidInputError');
}

describe('detectDatasetKind', () => {
  it('recognises each reference file by its header', () => {
    const kinds = [EKS_HEADER, SLURM_SAMPLE_HEADER, SLURM_TRAINING_HEADER, ['a', 'b']].map((header) =>
      detectDatasetKind(header),
    );

    expect(kinds).toEqual(['eks', 'slurm-sample', 'slurm-training', 'generic']);
  });
});

describe('defaultFeatureSet', () => {
  it('uses queue state for the samples and adds job_type for the full Slurm dataset', () => {
    const sets = [EKS_HEADER, SLURM_SAMPLE_HEADER, SLURM_TRAINING_HEADER].map((header) => defaultFeatureSet(header));

    expect(sets).toEqual(['queue-state', 'queue-state', 'queue-state+job-type']);
  });
});

describe('resolveFeatures', () => {
  it('expands a set name into its columns in canonical order', () => {
    const selection = resolveFeatures('queue-state+job-type');

    expect(selection).toEqual({ numericFeatures: QUEUE_STATE, categoricalFeatures: ['job_type'] });
  });

  it('accepts the DCGM set where the DCGM columns are submit-time', () => {
    const selection = resolveFeatures('queue-state+dcgm', SLURM_SAMPLE_HEADER);

    expect(selection.numericFeatures).toEqual([
      ...QUEUE_STATE,
      'util_gpu_mean',
      'util_gpu_std',
      'util_mem_mean',
      'temp_c_max',
      'power_w_mean',
    ]);
  });

  it('refuses the DCGM columns of the full Slurm dataset as post-submit', () => {
    const message = messageOf(() => resolveFeatures('queue-state+dcgm', SLURM_TRAINING_HEADER));

    expect(message).toBe(
      "feature 'util_gpu_mean' is not allowed here: this file's DCGM columns cover the whole run (post-submit)",
    );
  });

  it('refuses every forbidden column by name, whatever else is asked for', () => {
    for (const name of Object.keys(FORBIDDEN_FEATURES)) {
      const message = messageOf(() => resolveFeatures(['pending_ratio', name]));

      expect(message).toContain(`feature '${name}' is not allowed`);
    }
  });

  it('names the leakage when raw_score is asked for', () => {
    const message = messageOf(() => resolveFeatures(['raw_score']));

    expect(message).toBe(
      "feature 'raw_score' is not allowed: another model's output that reproduces the label (leakage)",
    );
  });

  it('points a join duplicate to its canonical name', () => {
    const message = messageOf(() => resolveFeatures(['total_pending_x']));

    expect(message).toBe("feature 'total_pending_x' is a join duplicate; request 'total_pending'");
  });

  it('names an unknown feature and lists the known ones', () => {
    const message = messageOf(() => resolveFeatures(['pending_ratio', 'foo']));

    expect(message).toMatch(/^unknown feature 'foo'; expected one of pending_ratio, queue_depth_norm, /);
    expect(message).toContain('job_type');
  });

  it('names an unknown set', () => {
    const message = messageOf(() => resolveFeatures('queue-stat' as 'queue-state'));

    expect(message).toBe(
      "unknown feature set 'queue-stat'; expected one of queue-state, queue-state+dcgm, queue-state+job-type",
    );
  });

  it('refuses an empty or repeated list', () => {
    const empty = messageOf(() => resolveFeatures([]));
    const repeated = messageOf(() => resolveFeatures(['pending_ratio', 'pending_ratio']));

    expect([empty, repeated]).toEqual(['no features requested', "feature 'pending_ratio' is listed twice"]);
  });

  it('splits an explicit list into numeric and categorical features, keeping the order given', () => {
    const selection = resolveFeatures(['job_type', 'running_gpus', 'pending_ratio']);

    expect(selection).toEqual({
      numericFeatures: ['running_gpus', 'pending_ratio'],
      categoricalFeatures: ['job_type'],
    });
  });
});

describe('featureColumn', () => {
  it('reads the snapshot (_y) column when the canonical one is absent, and nothing when neither exists', () => {
    const columns = ['total_pending', 'running_gpus', 'pending_ratio'].map((name) =>
      featureColumn(name, SLURM_TRAINING_HEADER),
    );
    const missing = featureColumn('pending_ratio', ['a']);

    expect(columns).toEqual(['total_pending_y', 'running_gpus_y', 'pending_ratio']);
    expect(missing).toBeUndefined();
  });
});

describe('isFeatureSetName', () => {
  it('tells set names from feature names', () => {
    expect(['queue-state', 'queue-state+dcgm', 'pending_ratio'].map(isFeatureSetName)).toEqual([true, true, false]);
  });
});

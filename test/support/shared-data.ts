/**
 * The reference data (shared/data) for tests and benches, resolved in one place: VGAC_SHARED_DATA,
 * else `../shared/data` from the repository root (how CI lays it out). A test that needs a file
 * fails with a message naming the file and the folder when it is missing — never skips.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDataDir } from '../../src/entry/shared-data-dir.ts';

/** The folder the tests read the reference data from. */
export const SHARED_DATA_DIR = sharedDataDir(process.env['VGAC_SHARED_DATA']);

/** The reference data files the tests and benches use. */
export const SharedDataFile = {
  kthSwf: 'KTH-SP2-1996-2.1-cln.swf',
  alibabaOpenbPods: 'alibaba-gpu-v2023-openb-pods.csv',
  eksSample: 'eks_dec_sample.csv',
  slurmSample: 'slurm_sample.csv',
  slurmTraining: 'slurm_training_dataset.csv',
} as const;
export type SharedDataFile = (typeof SharedDataFile)[keyof typeof SharedDataFile];

/** Absolute path of a reference data file; throws (failing the test) when it is missing. */
export function sharedDataPath(fileName: string): string {
  const path = join(SHARED_DATA_DIR, fileName);
  if (!existsSync(path)) {
    throw new Error(
      `reference data ${fileName} is missing from ${SHARED_DATA_DIR}: put shared/data beside the repository or set VGAC_SHARED_DATA to its folder`,
    );
  }
  return path;
}

/** The text of a reference data file (UTF-8); throws when it is missing. */
export function readSharedData(fileName: string): string {
  return readFileSync(sharedDataPath(fileName), 'utf8');
}

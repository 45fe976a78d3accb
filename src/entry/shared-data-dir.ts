/**
 * Where the reference data (the traces and datasets in shared/data) lives: `VGAC_SHARED_DATA`
 * (read by config.ts into `Config.sharedDataDir`), else `../shared/data` from the repository root —
 * the layout CI clones into, with shared/ beside the repository.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidInputError } from '../core/errors.ts';

/** The repository root (this file is src/entry/). */
export const REPOSITORY_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** `../shared/data` from the repository root. */
export const DEFAULT_SHARED_DATA_DIR = resolve(REPOSITORY_ROOT, '..', 'shared', 'data');

/** The reference data folder: `explicit` (Config.sharedDataDir, i.e. VGAC_SHARED_DATA) or {@link DEFAULT_SHARED_DATA_DIR}. */
export function sharedDataDir(explicit: string | undefined): string {
  return explicit ?? DEFAULT_SHARED_DATA_DIR;
}

/**
 * The path of `fileName` in the reference data folder ({@link sharedDataDir}). Throws
 * InvalidInputError naming the file, the folder and VGAC_SHARED_DATA when the file is missing.
 */
export function sharedDataFile(explicit: string | undefined, fileName: string): string {
  const dir = sharedDataDir(explicit);
  const path = join(dir, fileName);
  if (!existsSync(path)) {
    throw new InvalidInputError(
      `reference data ${fileName} not found in ${dir} (set VGAC_SHARED_DATA to the folder holding it)`,
    );
  }
  return path;
}

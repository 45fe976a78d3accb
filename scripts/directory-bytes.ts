import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Bytes of every regular file under `dir` (recursively), as `du --apparent-size -b` counts them.
 * A file deleted between listing and `stat` (LevelDB compacting meanwhile) counts as 0.
 */
export async function directoryBytes(dir: string): Promise<number> {
  let totalBytes = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const info = await stat(join(entry.parentPath, entry.name)).catch(() => undefined);
    totalBytes += info?.size ?? 0;
  }
  return totalBytes;
}

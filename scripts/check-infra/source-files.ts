/** Lists the text files under the given roots (skipping dependencies, build output and VCS data). */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

const SKIPPED_DIRECTORIES = new Set(['node_modules', 'dist', '.git', '.aws-sam', 'coverage']);

export interface SourceFile {
  /** Path relative to `rootDirectory`, with `/` separators. */
  readonly path: string;
  readonly text: string;
}

/** Reads every file under `roots` (relative to `rootDirectory`); binary files (containing NUL) are skipped; missing roots are ignored. */
export async function readSourceFiles(rootDirectory: string, roots: readonly string[]): Promise<SourceFile[]> {
  const files: SourceFile[] = [];
  const walk = async (directory: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) await walk(path);
      } else if (entry.isFile()) {
        const text = await readFile(path, 'utf8');
        if (!text.includes('\u0000')) files.push({ path: relative(rootDirectory, path).split('\\').join('/'), text });
      }
    }
  };
  for (const root of roots) await walk(join(rootDirectory, root));
  return files;
}

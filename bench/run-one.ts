/**
 * Runs one `bench/*.bench.ts` module in this process and writes its results as JSON to the file
 * named by the second argument (`{ "results": [...] }`, or `{ "error": "…" }` when it failed):
 * `npm run bench` starts one of these per module, so no module inherits another's heap, JIT state,
 * open handles or half-loaded modules. The module's own output goes where this process's goes.
 *
 * Usage: `node --import tsx bench/run-one.ts FILE.bench.ts RESULTS.json`.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchResult } from './types.ts';

type BenchFunction = () => Promise<BenchResult[]>;

/** The module's bench function: its only exported function, or the exported one named `bench…`. */
export function benchFunctionOf(module: Record<string, unknown>, file: string): BenchFunction {
  const functions = Object.entries(module).filter(
    (entry): entry is [string, BenchFunction] => typeof entry[1] === 'function',
  );
  const named = functions.filter(([name]) => name.startsWith('bench'));
  const chosen = functions.length === 1 ? functions : named;
  if (chosen.length !== 1 || chosen[0] === undefined) {
    throw new Error(
      `${file} must export one async bench function, found ${functions.map(([name]) => name).join(', ') || 'none'}`,
    );
  }
  return chosen[0][1];
}

async function main(file: string, output: string): Promise<number> {
  try {
    const module = (await import(pathToFileURL(resolve(file)).href)) as Record<string, unknown>;
    const results = await benchFunctionOf(module, file)();
    await writeFile(output, JSON.stringify({ results }));
    return 0;
  } catch (error) {
    await writeFile(output, JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
    return 1;
  }
}

const [file, output] = process.argv.slice(2);
if (file !== undefined && output !== undefined) {
  process.exitCode = await main(file, output);
}

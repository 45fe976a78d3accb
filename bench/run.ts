/**
 * `npm run bench`: runs every `bench/*.bench.ts` module — it calls the async function each one
 * exports (named `bench…`) — and prints one table: name | value unit | baseline | ratio, where
 * ratio is how many times better than its baseline the value is (units ending in `/s` are
 * better higher, all others better lower). A module that fails is reported and sets exit code 1.
 */
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchResult } from './types.ts';

const BENCH_DIRECTORY = dirname(fileURLToPath(import.meta.url));
const BENCH_SUFFIX = '.bench.ts';

type BenchFunction = () => Promise<BenchResult[]>;

/** The module's bench function: its only exported function, or the exported one named `bench…`. */
function benchFunctionOf(module: Record<string, unknown>, file: string): BenchFunction {
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

/** value ÷ baseline when higher is better (rates), baseline ÷ value otherwise. */
export function improvementRatio(result: BenchResult): number | null {
  if (result.baseline === undefined || result.value === 0 || result.baseline.value === 0) return null;
  return result.unit.endsWith('/s') ? result.value / result.baseline.value : result.baseline.value / result.value;
}

function formatNumber(value: number): string {
  if (value >= 1e5) return Math.round(value).toLocaleString('en');
  if (value >= 100) return value.toFixed(0);
  if (value >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = (rows[0] ?? []).map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join(' | ')
        .trimEnd(),
    )
    .join('\n');
}

async function main(): Promise<number> {
  const files = (await readdir(BENCH_DIRECTORY)).filter((name) => name.endsWith(BENCH_SUFFIX)).sort();
  const rows: string[][] = [['name', 'value unit', 'baseline', 'ratio']];
  let failures = 0;
  for (const file of files) {
    process.stderr.write(`bench: running ${file}…\n`);
    try {
      const module = (await import(pathToFileURL(join(BENCH_DIRECTORY, file)).href)) as Record<string, unknown>;
      for (const result of await benchFunctionOf(module, file)()) {
        const ratio = improvementRatio(result);
        rows.push([
          result.name,
          `${formatNumber(result.value)} ${result.unit}`,
          result.baseline === undefined
            ? ''
            : `${formatNumber(result.baseline.value)} ${result.unit} (${result.baseline.name})`,
          ratio === null ? '' : `${ratio.toFixed(ratio >= 10 ? 0 : 2)}×`,
        ]);
      }
    } catch (error) {
      failures += 1;
      rows.push([
        `${file} FAILED`,
        error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error),
        '',
        '',
      ]);
    }
  }
  process.stdout.write(
    `${formatTable(rows)}\n\nratio = times better than the baseline (rates: value ÷ baseline; times: baseline ÷ value).\n`,
  );
  return failures === 0 ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await main();
}

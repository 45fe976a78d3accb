/**
 * `npm run bench`: runs every `bench/*.bench.ts` module — it calls the async function each one
 * exports (named `bench…`) — and prints one table: name | value unit | baseline | ratio | rounds,
 * where ratio is how many times better than its baseline the value is (units ending in `/s` are
 * better higher, all others better lower) and rounds lists each round's ratio for rows measured in
 * interleaved rounds (the ratio is then their median). Each module runs in a process of its own
 * (bench/run-one.ts). A module that fails is reported and sets exit code 1.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './median.ts';
import type { BenchResult } from './types.ts';

const BENCH_DIRECTORY = dirname(fileURLToPath(import.meta.url));
const BENCH_SUFFIX = '.bench.ts';

/**
 * Runs one module in a fresh `node` (bench/run-one.ts), its output on this process's stderr so the
 * table stays alone on stdout; resolves with its results, or throws with its error.
 */
async function runModule(file: string, workDirectory: string): Promise<BenchResult[]> {
  const output = join(workDirectory, `${file}.json`);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(BENCH_DIRECTORY, 'run-one.ts'), join(BENCH_DIRECTORY, file), output],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    child.stdout.pipe(process.stderr, { end: false });
    child.on('error', reject);
    child.on('close', resolve);
  });
  const written = await readFile(output, 'utf8').catch(() => undefined);
  const parsed = written === undefined ? {} : (JSON.parse(written) as { results?: BenchResult[]; error?: string });
  if (parsed.results !== undefined && exitCode === 0) return parsed.results;
  throw new Error(parsed.error ?? `exited with ${exitCode ?? 'a signal'} before writing its results`);
}

/** value ÷ baseline when higher is better (rates), baseline ÷ value otherwise; null when either is 0. */
function ratioOf(unit: string, value: number, baseline: number): number | null {
  if (value === 0 || baseline === 0) return null;
  return unit.endsWith('/s') ? value / baseline : baseline / value;
}

/** Each round's ratio to its own baseline, in order (empty when not measured in rounds). */
export function roundRatios(result: BenchResult): number[] {
  return (result.rounds ?? [])
    .map((round) => ratioOf(result.unit, round.value, round.baseline))
    .filter((ratio): ratio is number => ratio !== null);
}

/**
 * How many times better than its baseline the value is: the median of the rounds' ratios when
 * measured in interleaved rounds, value against baseline otherwise.
 */
export function improvementRatio(result: BenchResult): number | null {
  if (result.baseline === undefined) return null;
  const rounds = roundRatios(result);
  if (rounds.length > 0) return median(rounds);
  return ratioOf(result.unit, result.value, result.baseline.value);
}

function formatRatio(ratio: number): string {
  return `${ratio.toFixed(ratio >= 10 ? 0 : 2)}×`;
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
  const rows: string[][] = [['name', 'value unit', 'baseline', 'ratio', 'rounds (ratio each)']];
  let failures = 0;
  const workDirectory = await mkdtemp(join(tmpdir(), 'vgac-bench-run-'));
  for (const file of files) {
    process.stderr.write(`bench: running ${file}…\n`);
    try {
      for (const result of await runModule(file, workDirectory)) {
        const ratio = improvementRatio(result);
        rows.push([
          result.name,
          `${formatNumber(result.value)} ${result.unit}`,
          result.baseline === undefined
            ? ''
            : `${formatNumber(result.baseline.value)} ${result.unit} (${result.baseline.name})`,
          ratio === null ? '' : formatRatio(ratio),
          roundRatios(result).map(formatRatio).join(' '),
        ]);
      }
    } catch (error) {
      failures += 1;
      rows.push([
        `${file} FAILED`,
        error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error),
        '',
        '',
        '',
      ]);
    }
  }
  await rm(workDirectory, { recursive: true, force: true });
  process.stdout.write(
    `${formatTable(rows)}\n\nratio = times better than the baseline (rates: value ÷ baseline; times: baseline ÷ value); for rows measured in interleaved rounds (each round beside its own baseline), the median of the rounds' ratios, and value and baseline are the medians of the rounds.\n`,
  );
  return failures === 0 ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await main();
}

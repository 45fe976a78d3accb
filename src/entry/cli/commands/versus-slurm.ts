/**
 * `vgac versus-slurm`: a head-to-head with Slurm's own start estimate on a live (local) Slurm.
 * Submits a workload drawn from a real trace, and for every job compares — at its submit
 * instant — our wait estimate and interval with `squeue --start`'s, against the realised wait.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { queueFeatures } from '../../../app/collection/queue-features.ts';
import { SlurmCliObserver } from '../../../adapters/collectors/slurm-cli-observer.ts';
import { runCommand } from '../../../adapters/shared/run-command.ts';
import { InvalidInputError } from '../../../core/errors.ts';
import { compileBundle } from '../../../core/model/apply-bundle.ts';
import { trainBundle } from '../../../core/model/train-bundle.ts';
import { seededRandom } from '../../../core/random.ts';
import { importSwf } from '../../../core/traces/swf-importer.ts';
import { buildVersusWorkload, versusTrainingTable, VERSUS_FEATURES, type VersusJob } from '../versus-workload.ts';

export const summary = "Compare our wait estimates with Slurm's `squeue --start` on a live Slurm";

export const DEFAULT_VERSUS_TRACE = '/work/shared/data/KTH-SP2-1996-2.1-cln.swf';
const DEFAULTS = { jobs: 60, durationSeconds: 180, timeScale: 60, maxLimitMinutes: 3, seed: 42, trainRows: 4000, settleSeconds: 900 } as const;
const WITHIN_SHARE = 0.2;
const WITHIN_SECONDS = 60;
const CLIENT_TIMEOUT_MS = 8_000;

const HELP = `usage: vgac versus-slurm [options]

Needs a running Slurm reachable by the client commands (e.g. SLURM_CONF from
test/support/slurm/start-slurm.sh). Submits GPU jobs (sbatch --gres=gpu:N --wrap 'sleep S'),
records at each submit our estimate (a model trained on the trace, replayed at its submit
instants) and squeue --start's, waits until every job has started and prints the comparison.

options:
  --jobs N               jobs to submit (default ${DEFAULTS.jobs})
  --duration SECONDS     spread of the submissions (default ${DEFAULTS.durationSeconds})
  --trace FILE           SWF trace for sizes, limits and run/requested ratios (default ${DEFAULT_VERSUS_TRACE})
  --time-scale K         trace seconds per live second (default ${DEFAULTS.timeScale})
  --max-limit MINUTES    cap on time limits (default ${DEFAULTS.maxLimitMinutes})
  --partition NAME       partition (default: Slurm's default)
  --seed N               workload and training seed (default ${DEFAULTS.seed})
  -h, --help
`;

interface JobRecord {
  readonly jobId: string;
  readonly spec: VersusJob;
  readonly submitMs: number;
  readonly oursSeconds: number;
  readonly oursLower: number;
  readonly oursUpper: number;
  readonly slurmSeconds: number | null;
  realisedSeconds: number | null;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

function integer(value: string | undefined, fallback: number, name: string, min: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) throw new InvalidInputError(`--${name} must be an integer ≥ ${min}, got '${value}'`);
  return parsed;
}

async function slurmCommand(file: string, args: readonly string[]): Promise<string> {
  const result = await runCommand(file, args, { timeoutMs: CLIENT_TIMEOUT_MS }).catch((error: unknown) => {
    throw new InvalidInputError(`${file} could not run (${error instanceof Error ? error.message : String(error)}): is Slurm running and SLURM_CONF set?`);
  });
  if (result.exitCode !== 0) throw new InvalidInputError(`${file} ${args[0] ?? ''} failed: ${result.stderr.trim().split('\n')[0] ?? ''}`);
  return result.stdout;
}

/** Slurm's start estimate for a pending job, seconds after `submitMs`; null while it says N/A; 0 when the job already runs. */
async function slurmEstimateSeconds(jobId: string, submitMs: number): Promise<number | null> {
  for (let attempt = 0; attempt < 15; attempt += 1) {
    const pending = (await slurmCommand('squeue', ['--start', '-h', '-j', jobId, '-o', '%S'])).trim();
    if (pending === '') return 0;
    if (/^\d{4}-\d{2}-\d{2}T/.test(pending)) return Math.max(0, (Date.parse(pending) - submitMs) / 1000);
    await sleep(200);
  }
  return null;
}

export async function run(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      jobs: { type: 'string' }, duration: { type: 'string' }, trace: { type: 'string' }, 'time-scale': { type: 'string' },
      'max-limit': { type: 'string' }, partition: { type: 'string' }, seed: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) {
    process.stdout.write(HELP);
    return 0;
  }
  const count = integer(values.jobs, DEFAULTS.jobs, 'jobs', 1);
  const durationSeconds = integer(values.duration, DEFAULTS.durationSeconds, 'duration', 1);
  const timeScale = integer(values['time-scale'], DEFAULTS.timeScale, 'time-scale', 1);
  const maxLimitMinutes = integer(values['max-limit'], DEFAULTS.maxLimitMinutes, 'max-limit', 1);
  const seed = integer(values.seed, DEFAULTS.seed, 'seed', 0);
  const tracePath = values.trace ?? DEFAULT_VERSUS_TRACE;

  const observer = new SlurmCliObserver({ timeoutMs: CLIENT_TIMEOUT_MS });
  const totalGpus = await observer.totalGpus();
  if (totalGpus < 1) throw new InvalidInputError('the Slurm cluster has no GPUs (gres gpu) on nodes that can run jobs');
  const traceText = await readFile(tracePath, 'utf8').catch(() => {
    throw new InvalidInputError(`cannot read trace '${tracePath}'`);
  });
  const trace = importSwf(traceText).jobs;
  const random = seededRandom(seed);
  const workload = buildVersusWorkload(trace, { count, durationSeconds, timeScale, totalGpus, maxLimitMinutes, minRunSeconds: 2, random });
  const table = versusTrainingTable(trace, { totalGpus, timeScale, rows: DEFAULTS.trainRows, random });
  const hash = (text: string): string => createHash('sha256').update(text).digest('hex');
  const model = compileBundle(trainBundle(table, { random, source: tracePath, dataHash: hash(traceText), hash }));
  process.stdout.write(`versus-slurm: ${count} jobs over ${durationSeconds} s on ${totalGpus} GPUs (trace ${tracePath}, time ÷${timeScale}, long wait > ${table.labelThresholdSeconds?.toFixed(0)} s)\n`);

  const records: JobRecord[] = [];
  const startMs = Date.now();
  for (const job of workload) {
    await sleep(startMs + job.submitOffsetSeconds * 1000 - Date.now());
    const state = await observer.observe('versus');
    const features = queueFeatures({ jobs: state.jobs, totalGpus, atMs: Date.now(), subject: { kind: 'spec', spec: { gpus: job.gpus, estimatedDurationMinutes: job.timeLimitMinutes } } });
    const input = Object.fromEntries(VERSUS_FEATURES.map((name) => [name, features[name] ?? 0]));
    const scored = model.predict(input);
    const sbatchArgs = ['--parsable', `--gres=gpu:${job.gpus}`, `--time=${job.timeLimitMinutes}`, '--output=/dev/null', ...(values.partition === undefined ? [] : [`--partition=${values.partition}`]), '--wrap', `sleep ${job.runSeconds}`];
    const jobId = (await slurmCommand('sbatch', sbatchArgs)).trim().split(';')[0] ?? '';
    const submitLine = await slurmCommand('scontrol', ['show', 'job', '-o', jobId]);
    const submitMs = Date.parse(/SubmitTime=(\S+)/.exec(submitLine)?.[1] ?? '');
    records.push({
      jobId, spec: job, submitMs,
      oursSeconds: scored.wait?.pointSeconds ?? 0, oursLower: scored.wait?.lowerSeconds ?? 0, oursUpper: scored.wait?.upperSeconds ?? 0,
      slurmSeconds: await slurmEstimateSeconds(jobId, submitMs), realisedSeconds: null,
    });
  }
  const deadlineMs = Date.now() + DEFAULTS.settleSeconds * 1000;
  while (records.some((record) => record.realisedSeconds === null) && Date.now() < deadlineMs) {
    const listed = new Map((await observer.listJobs()).map((job) => [job.jobId, job]));
    for (const record of records) {
      const job = listed.get(record.jobId);
      if (record.realisedSeconds === null && job?.startTimeMs != null) record.realisedSeconds = (job.startTimeMs - job.submitTimeMs) / 1000;
    }
    await sleep(2_000);
  }
  process.stdout.write(formatVersusTable(records));
  return 0;
}

/** Side-by-side accuracy on the jobs that started: MAE, share within max(20 %, 60 s), our interval's coverage, Slurm's N/A count. */
export function formatVersusTable(records: readonly JobRecord[]): string {
  const started = records.filter((record) => record.realisedSeconds !== null);
  const withSlurm = started.filter((record) => record.slurmSeconds !== null);
  const realised = (record: JobRecord): number => record.realisedSeconds ?? 0;
  const within = (estimate: number, actual: number): boolean => Math.abs(estimate - actual) <= Math.max(WITHIN_SHARE * actual, WITHIN_SECONDS);
  const mean = (values: readonly number[]): number => (values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length);
  const oursMae = mean(started.map((record) => Math.abs(record.oursSeconds - realised(record))));
  const slurmMae = mean(withSlurm.map((record) => Math.abs((record.slurmSeconds ?? 0) - realised(record))));
  const oursWithin = mean(started.map((record) => (within(record.oursSeconds, realised(record)) ? 1 : 0)));
  const slurmWithin = mean(withSlurm.map((record) => (within(record.slurmSeconds ?? 0, realised(record)) ? 1 : 0)));
  const coverage = mean(started.map((record) => (realised(record) >= record.oursLower && realised(record) <= record.oursUpper ? 1 : 0)));
  const slurmBias = mean(withSlurm.map((record) => (record.slurmSeconds ?? 0) - realised(record)));
  const oursBias = mean(started.map((record) => record.oursSeconds - realised(record)));
  const pct = (value: number): string => (Number.isNaN(value) ? 'n/a' : `${(value * 100).toFixed(0)} %`);
  const sec = (value: number): string => (Number.isNaN(value) ? 'n/a' : `${value.toFixed(1)} s`);
  const waits = started.map(realised).sort((left, right) => left - right);
  const lines = [
    '',
    `jobs started: ${started.length} of ${records.length}; realised wait median ${sec(waits[Math.floor((waits.length - 1) / 2)] ?? Number.NaN)}, max ${sec(waits[waits.length - 1] ?? Number.NaN)}`,
    `| metric | ours (vgac) | slurm (squeue --start) |`,
    `| --- | --- | --- |`,
    `| jobs compared | ${started.length} | ${withSlurm.length} (N/A for ${started.length - withSlurm.length}) |`,
    `| mean absolute error | ${sec(oursMae)} | ${sec(slurmMae)} |`,
    `| mean signed error (bias) | ${sec(oursBias)} | ${sec(slurmBias)} |`,
    `| within 20 % or 60 s | ${pct(oursWithin)} | ${pct(slurmWithin)} |`,
    `| interval coverage (nominal 80 %) | ${pct(coverage)} | — (point only) |`,
    '',
  ];
  return `${lines.join('\n')}\n`;
}

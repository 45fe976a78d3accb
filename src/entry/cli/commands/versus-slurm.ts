/**
 * `vgac versus-slurm`: a head-to-head with Slurm's own start estimate on a live (local) Slurm.
 * Submits a workload drawn from a real trace at an offered load below capacity, and for every job
 * compares — at its submit instant — our wait estimate and interval with `squeue --start`'s,
 * against the realised wait. Our side runs the way the product does: the cluster is registered
 * from a prior (a model trained on the trace), every job is predicted by the learning loop at its
 * submit instant from the queue state captured just before `sbatch`, and every start is recorded
 * as an outcome as soon as it is seen (recompute / recalibrate / retrain by the loop's rules);
 * the wait estimate and interval are learned online from the cluster's own outcomes
 * (versus-online-estimate.ts). The first `--warm-up` jobs seed it and are not compared.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { jobSpecRequest } from '../../../app/collection/job-spec-request.ts';
import { liveQueueFeatures } from '../../../core/features/live-queue-features.ts';
import { predictJob } from '../../../app/learning/predict-job.ts';
import { recordJobOutcome } from '../../../app/learning/record-outcome.ts';
import { registerCluster } from '../../../app/learning/register-cluster.ts';
import { SlurmCliObserver } from '../../../adapters/collectors/slurm-cli-observer.ts';
import { runCommand } from '../../../adapters/shared/run-command.ts';
import { InvalidInputError } from '../../../core/errors.ts';
import { trainBundle } from '../../../core/model/train-bundle.ts';
import { seededRandom } from '../../../core/random.ts';
import { importSwf } from '../../../core/traces/swf-importer.ts';
import { loadConfig } from '../../config.ts';
import { createRuntime } from '../../runtime.ts';
import { sharedDataFile } from '../../shared-data-dir.ts';
import {
  createOnlineWaitEstimate,
  issueWaitEstimate,
  observeWait,
  type IssuedWaitEstimate,
} from '../versus-online-estimate.ts';
import { buildVersusWorkload, offeredLoad, type VersusJob } from '../versus-workload.ts';
import { LIVE_PRIOR_FEATURES, liveFeatureTable } from '../../../core/traces/live-feature-table.ts';
import { DEFAULT_VERSUS_TRACE, options, VERSUS_DEFAULTS } from './versus-slurm-usage.ts';
const WITHIN_SHARE = 0.2;
const WITHIN_SECONDS = 60;
/** Realised waits below this count as "started at once" in the breakdown. */
const AT_ONCE_SECONDS = 5;
const CLIENT_TIMEOUT_MS = 8_000;
const POLL_INTERVAL_MS = 1_000;

export interface VersusRecord {
  /** Submission order (0-based): the first `warmUp` are not compared. */
  readonly index: number;
  readonly jobId: string;
  readonly spec: VersusJob;
  readonly submitMs: number;
  readonly ours: IssuedWaitEstimate;
  /** squeue --start at submit, seconds after submit; null while it said N/A. */
  readonly slurmSeconds: number | null;
  realisedSeconds: number | null;
  /** Never started before the report: it waited at least this long (seconds). */
  censoredAtLeastSeconds: number | null;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

function integer(value: string | undefined, fallback: number, name: string, min: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min)
    throw new InvalidInputError(`--${name} must be an integer ≥ ${min}, got '${value}'`);
  return parsed;
}

function loadValue(value: string | undefined): number {
  if (value === undefined) return VERSUS_DEFAULTS.targetLoad;
  const parsed = Number(value);
  if (!(parsed > 0 && parsed <= 2)) throw new InvalidInputError(`--load must be a number in (0, 2], got '${value}'`);
  return parsed;
}

async function slurmCommand(file: string, args: readonly string[]): Promise<string> {
  const result = await runCommand(file, args, { timeoutMs: CLIENT_TIMEOUT_MS }).catch((error: unknown) => {
    throw new InvalidInputError(
      `${file} could not run (${error instanceof Error ? error.message : String(error)}): is Slurm running and SLURM_CONF set?`,
    );
  });
  if (result.exitCode !== 0)
    throw new InvalidInputError(`${file} ${args[0] ?? ''} failed: ${result.stderr.trim().split('\n')[0] ?? ''}`);
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
    options,
    strict: true,
  });
  const count = values.jobs === undefined ? undefined : integer(values.jobs, 0, 'jobs', 2);
  const durationSeconds = integer(values.duration, VERSUS_DEFAULTS.durationSeconds, 'duration', 1);
  const targetLoad = loadValue(values.load);
  const warmUp = integer(values['warm-up'], VERSUS_DEFAULTS.warmUp, 'warm-up', 0);
  const timeScale = integer(values['time-scale'], VERSUS_DEFAULTS.timeScale, 'time-scale', 1);
  const maxLimitMinutes = integer(values['max-limit'], VERSUS_DEFAULTS.maxLimitMinutes, 'max-limit', 1);
  const seed = integer(values.seed, VERSUS_DEFAULTS.seed, 'seed', 0);
  const tracePath = values.trace ?? sharedDataFile(loadConfig().sharedDataDir, DEFAULT_VERSUS_TRACE);

  const observer = new SlurmCliObserver({ timeoutMs: CLIENT_TIMEOUT_MS });
  const totalGpus = await observer.totalGpus();
  if (totalGpus < 1) throw new InvalidInputError('the Slurm cluster has no GPUs (gres gpu) on nodes that can run jobs');
  const traceText = await readFile(tracePath, 'utf8').catch(() => {
    throw new InvalidInputError(`cannot read trace '${tracePath}'`);
  });
  const trace = importSwf(traceText).jobs;
  const random = seededRandom(seed);
  const workload = buildVersusWorkload(trace, {
    ...(count === undefined ? {} : { count }),
    targetLoad,
    durationSeconds,
    timeScale,
    totalGpus,
    maxLimitMinutes,
    minRunSeconds: 2,
    random,
  });
  if (workload.length <= warmUp)
    throw new InvalidInputError(`--warm-up ${warmUp} leaves none of the ${workload.length} jobs to compare`);
  const load = offeredLoad(workload, totalGpus, durationSeconds);
  const settleSeconds = integer(
    values.settle,
    Math.ceil(workload.reduce((sum, job) => sum + job.gpus * job.timeLimitMinutes * 60, 0) / totalGpus) +
      maxLimitMinutes * 60,
    'settle',
    1,
  );
  const table = liveFeatureTable(trace, {
    totalGpus,
    timeScale,
    rows: VERSUS_DEFAULTS.trainRows,
    random,
    source: 'kth-versus',
  });
  const hash = (text: string): string => createHash('sha256').update(text).digest('hex');
  const prior = trainBundle(table, { random, source: tracePath, dataHash: hash(traceText), hash });

  // The product's stores (embedded dynalite/s3rver unless endpoints are configured), in a scratch folder.
  const dataDir = await mkdtemp(join(tmpdir(), 'vgac-versus-'));
  const runtime = await createRuntime(loadConfig(undefined, { dataDir, logLevel: 'warn' }));
  const learning = runtime.learning;
  const clusterId = `versus-slurm-${Date.now()}`;
  const records: VersusRecord[] = [];
  try {
    await registerCluster(learning, { clusterId, prior, platform: 'slurm', nowMs: Date.now() });
    (values.json === true ? process.stderr : process.stdout).write(
      `versus-slurm: ${workload.length} jobs over ${durationSeconds} s on ${totalGpus} GPUs — offered load ${load.toFixed(2)} ` +
        `(Σ gpus·run / (GPUs · duration)); trace ${tracePath}, limits ÷${timeScale} capped at ${maxLimitMinutes} min; ` +
        `warm-up ${warmUp} jobs; settle limit ${settleSeconds} s; cluster ${clusterId}\n`,
    );
    const estimator = createOnlineWaitEstimate();
    let outcomesRecorded = 0;

    // Outcomes as they happen: each start goes straight into the learning loop and the online estimate.
    const resolveStarts = async (): Promise<void> => {
      const open = records.filter(
        (record) => record.realisedSeconds === null && record.censoredAtLeastSeconds === null,
      );
      if (open.length === 0) return;
      const listed = new Map((await observer.listJobs()).map((job) => [job.jobId, job]));
      for (const record of open) {
        const job = listed.get(record.jobId);
        if (job?.startTimeMs == null) continue;
        const waitSeconds = Math.max(0, (job.startTimeMs - job.submitTimeMs) / 1000);
        record.realisedSeconds = waitSeconds;
        observeWait(estimator, record.ours, waitSeconds);
        await recordJobOutcome(learning, { clusterId, jobId: record.jobId, waitSeconds, nowMs: Date.now() });
        outcomesRecorded += 1;
      }
    };
    let submitting = true;
    let settleDeadlineMs = Number.POSITIVE_INFINITY;
    const poller = (async () => {
      while (
        submitting ||
        records.some((record) => record.realisedSeconds === null && record.censoredAtLeastSeconds === null)
      ) {
        // A failed listing (Slurm briefly busy) is retried on the next poll: no outcome is invented.
        await resolveStarts().catch((error: unknown) =>
          process.stderr.write(
            `versus-slurm: poll failed (${error instanceof Error ? error.message : String(error)}); retrying\n`,
          ),
        );
        if (Date.now() > settleDeadlineMs) break;
        await sleep(POLL_INTERVAL_MS);
      }
    })();

    const startMs = Date.now();
    try {
      for (const [index, job] of workload.entries()) {
        await sleep(startMs + job.submitOffsetSeconds * 1000 - Date.now());
        // The state at the submit instant: captured just before sbatch, the job itself as the subject.
        const state = await observer.observe(clusterId);
        const features: Readonly<Record<string, number>> = liveQueueFeatures({
          jobs: state.jobs,
          totalGpus,
          atMs: Date.now(),
          subject: {
            kind: 'request',
            request: jobSpecRequest({ gpus: job.gpus, estimatedDurationMinutes: job.timeLimitMinutes }),
          },
        });
        const input = Object.fromEntries(LIVE_PRIOR_FEATURES.map((name) => [name, features[name] ?? 0]));
        const sbatchArgs = [
          '--parsable',
          `--gres=gpu:${job.gpus}`,
          `--time=${job.timeLimitMinutes}`,
          '--output=/dev/null',
          ...(values.partition === undefined ? [] : [`--partition=${values.partition}`]),
          '--wrap',
          `sleep ${job.runSeconds}`,
        ];
        const jobId = (await slurmCommand('sbatch', sbatchArgs)).trim().split(';')[0] ?? '';
        const submitLine = await slurmCommand('scontrol', ['show', 'job', '-o', jobId]);
        const submitMs = Date.parse(/SubmitTime=(\S+)/.exec(submitLine)?.[1] ?? '');
        const predicted = await predictJob(learning, { clusterId, jobId, features: input, nowMs: submitMs });
        const priorWait = predicted.prediction.waitEstimate ?? { pointSeconds: 0, lowerSeconds: 0, upperSeconds: 0 };
        const ours = issueWaitEstimate(estimator, predicted.prediction.probability, priorWait);
        const slurmSeconds = await slurmEstimateSeconds(jobId, submitMs);
        records.push({
          index,
          jobId,
          spec: job,
          submitMs,
          ours,
          slurmSeconds,
          realisedSeconds: null,
          censoredAtLeastSeconds: null,
        });
      }
      settleDeadlineMs = Date.now() + settleSeconds * 1000;
    } catch (error) {
      settleDeadlineMs = 0;
      if (records.length > 0)
        await slurmCommand(
          'scancel',
          records.map((record) => record.jobId),
        ).catch(() => '');
      throw error;
    } finally {
      submitting = false;
      await poller;
    }
    await resolveStarts();
    const nowMs = Date.now();
    const leftover = records.filter((record) => record.realisedSeconds === null);
    for (const record of leftover) record.censoredAtLeastSeconds = (nowMs - record.submitMs) / 1000;
    if (leftover.length > 0)
      await slurmCommand(
        'scancel',
        leftover.map((record) => record.jobId),
      ).catch(() => '');

    if (values.details !== undefined)
      await writeFile(values.details, records.map((record) => JSON.stringify(record)).join('\n') + '\n');
    const calibration = await learning.calibration.current(clusterId);
    if (values.json === true) {
      const loop = {
        outcomesRecorded,
        bundleVersion: calibration?.activeBundleVersion ?? null,
        adaptations: calibration?.counters.adaptations ?? 0,
        retrains: calibration?.retrains ?? 0,
        scope: calibration?.scope ?? null,
        ece: calibration?.evidence?.ece ?? null,
      };
      process.stdout.write(
        `${JSON.stringify(versusReportJson(records, { warmUp, offeredLoad: load }, loop), null, 2)}\n`,
      );
      return 0;
    }
    process.stdout.write(formatVersusReport(records, { warmUp, offeredLoad: load }));
    process.stdout.write(
      `learning loop: ${outcomesRecorded} outcomes recorded; bundle v${calibration?.activeBundleVersion ?? '?'}, ` +
        `${calibration?.counters.adaptations ?? 0} calibrator adaptations, ${calibration?.retrains ?? 0} retrains, scope ${calibration?.scope ?? '?'}, ` +
        `ECE ${calibration?.evidence?.ece.toFixed(3) ?? 'n/a (no evidence yet)'}\n`,
    );
  } finally {
    await runtime.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  return 0;
}

interface Accuracy {
  readonly count: number;
  readonly maeSeconds: number;
  readonly biasSeconds: number;
  readonly within: number;
}

const mean = (values: readonly number[]): number =>
  values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;

/** Within max(20 % of the realised wait, 60 s) of it. */
export function withinTolerance(estimateSeconds: number, realisedSeconds: number): boolean {
  return Math.abs(estimateSeconds - realisedSeconds) <= Math.max(WITHIN_SHARE * realisedSeconds, WITHIN_SECONDS);
}

function accuracy(pairs: readonly { estimate: number; actual: number }[]): Accuracy {
  return {
    count: pairs.length,
    maeSeconds: mean(pairs.map(({ estimate, actual }) => Math.abs(estimate - actual))),
    biasSeconds: mean(pairs.map(({ estimate, actual }) => estimate - actual)),
    within: mean(pairs.map(({ estimate, actual }) => (withinTolerance(estimate, actual) ? 1 : 0))),
  };
}

const pct = (value: number): string => (Number.isNaN(value) ? 'n/a' : `${(value * 100).toFixed(0)} %`);
const sec = (value: number): string => (Number.isNaN(value) ? 'n/a' : `${value.toFixed(1)} s`);

/** NaN (an empty group's mean) as null, for JSON. */
const orNull = (value: number): number | null => (Number.isNaN(value) ? null : value);
const accuracyJson = (value: Accuracy) => ({
  count: value.count,
  maeSeconds: orNull(value.maeSeconds),
  biasSeconds: orNull(value.biasSeconds),
  within: orNull(value.within),
});

/**
 * What `vgac versus-slurm --json` prints: the numbers of {@link formatVersusReport} (means of
 * empty groups as null) with every job's record.
 */
export function versusReportJson(
  records: readonly VersusRecord[],
  options: { readonly warmUp: number; readonly offeredLoad: number },
  learning: Record<string, unknown>,
): Record<string, unknown> {
  const compared = records.filter((record) => record.index >= options.warmUp);
  const started = compared.filter(
    (record): record is VersusRecord & { realisedSeconds: number } => record.realisedSeconds !== null,
  );
  const ours = (group: typeof started): Accuracy =>
    accuracy(group.map((record) => ({ estimate: record.ours.pointSeconds, actual: record.realisedSeconds })));
  const slurm = (group: typeof started): Accuracy =>
    accuracy(
      group.flatMap((record) =>
        record.slurmSeconds === null ? [] : [{ estimate: record.slurmSeconds, actual: record.realisedSeconds }],
      ),
    );
  const coverage = (group: typeof started): number | null =>
    orNull(
      mean(
        group.map((record) =>
          record.realisedSeconds >= record.ours.issued.lowerSeconds &&
          record.realisedSeconds <= record.ours.issued.upperSeconds
            ? 1
            : 0,
        ),
      ),
    );
  return {
    warmUp: options.warmUp,
    offeredLoad: options.offeredLoad,
    started: started.length,
    censored: compared.length - started.length,
    ours: { ...accuracyJson(ours(started)), intervalCoverage: coverage(started) },
    slurm: accuracyJson(slurm(started)),
    learning,
    jobs: records,
  };
}

/**
 * The side-by-side report on the jobs after the warm-up that started: MAE, bias, share within
 * max(20 %, 60 s), our interval's coverage, Slurm's N/A count; then the same split by whether the
 * job started at once (< 5 s) or queued; then the censored jobs with their lower-bound waits.
 */
export function formatVersusReport(
  records: readonly VersusRecord[],
  options: { readonly warmUp: number; readonly offeredLoad: number },
): string {
  const compared = records.filter((record) => record.index >= options.warmUp);
  const started = compared.filter(
    (record): record is VersusRecord & { realisedSeconds: number } => record.realisedSeconds !== null,
  );
  const censored = compared.filter((record) => record.censoredAtLeastSeconds !== null);
  const ours = (group: typeof started): Accuracy =>
    accuracy(group.map((record) => ({ estimate: record.ours.pointSeconds, actual: record.realisedSeconds })));
  const slurm = (group: typeof started): Accuracy =>
    accuracy(
      group.flatMap((record) =>
        record.slurmSeconds === null ? [] : [{ estimate: record.slurmSeconds, actual: record.realisedSeconds }],
      ),
    );
  const coverage = (group: typeof started): number =>
    mean(
      group.map((record) =>
        record.realisedSeconds >= record.ours.issued.lowerSeconds &&
        record.realisedSeconds <= record.ours.issued.upperSeconds
          ? 1
          : 0,
      ),
    );
  const waits = started.map((record) => record.realisedSeconds).sort((left, right) => left - right);
  const all = { ours: ours(started), slurm: slurm(started) };
  const lines = [
    '',
    `compared: jobs ${options.warmUp + 1}–${records.length} (after a warm-up of ${options.warmUp}); offered load ${options.offeredLoad.toFixed(2)}; ` +
      `${started.length} started, ${censored.length} censored; realised wait median ${sec(waits[Math.floor((waits.length - 1) / 2)] ?? Number.NaN)}, max ${sec(waits[waits.length - 1] ?? Number.NaN)}`,
    `| metric | ours (vgac, online) | slurm (squeue --start) |`,
    `| --- | --- | --- |`,
    `| jobs compared | ${all.ours.count} | ${all.slurm.count} (N/A for ${started.length - all.slurm.count}) |`,
    `| mean absolute error | ${sec(all.ours.maeSeconds)} | ${sec(all.slurm.maeSeconds)} |`,
    `| mean signed error (bias) | ${sec(all.ours.biasSeconds)} | ${sec(all.slurm.biasSeconds)} |`,
    `| within 20 % or 60 s | ${pct(all.ours.within)} | ${pct(all.slurm.within)} |`,
    `| interval coverage (nominal 80 %) | ${pct(coverage(started))} | — (point only) |`,
    '',
    `| group | jobs | ours MAE | slurm MAE | ours within | slurm within | ours coverage |`,
    `| --- | --- | --- | --- | --- | --- | --- |`,
  ];
  for (const [name, group] of [
    [`started at once (< ${AT_ONCE_SECONDS} s)`, started.filter((record) => record.realisedSeconds < AT_ONCE_SECONDS)],
    ['queued', started.filter((record) => record.realisedSeconds >= AT_ONCE_SECONDS)],
  ] as const) {
    const left = ours(group);
    const right = slurm(group);
    lines.push(
      `| ${name} | ${group.length} | ${sec(left.maeSeconds)} | ${sec(right.maeSeconds)} | ${pct(left.within)} | ${pct(right.within)} | ${pct(coverage(group))} |`,
    );
  }
  lines.push('');
  for (const record of censored)
    lines.push(
      `censored: job ${record.jobId} never started; waited at least ${sec(record.censoredAtLeastSeconds ?? Number.NaN)} (cancelled)`,
    );
  return `${lines.join('\n')}\n`;
}

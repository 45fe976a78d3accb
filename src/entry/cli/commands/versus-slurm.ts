/**
 * `vgac versus-slurm`: a head-to-head with Slurm's own start estimate on a live (local) Slurm.
 * Submits a workload drawn from a real trace (by default bursts above the cluster's capacity, so
 * that jobs really queue), and judges, for every job, the forecast the product issued at its
 * submit instant and Slurm's `squeue --start` estimate against the realised wait, with the
 * replay's metrics (versus-report.ts). Our side runs the way the product does: the cluster is
 * registered from a prior (a model trained on the trace), every job is predicted by the learning
 * loop at its submit instant from the queue state captured just before `sbatch`, and every start
 * is recorded as an outcome as soon as it is seen (the loop learns the wait distribution and
 * recalibrates by its own rules).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobSpecRequest } from '../../../app/collection/job-spec-request.ts';
import { liveQueueFeatures } from '../../../core/features/live-queue-features.ts';
import { predictJob } from '../../../app/learning/predict-job.ts';
import { recordJobOutcome } from '../../../app/learning/record-outcome.ts';
import { registerCluster } from '../../../app/learning/register-cluster.ts';
import { SlurmCliObserver } from '../../../adapters/collectors/slurm-cli-observer.ts';
import { runCommand } from '../../../adapters/shared/run-command.ts';
import { queueDepthOf } from '../../../core/conformal/online-wait-distribution.ts';
import { InvalidInputError } from '../../../core/errors.ts';
import { trainBundle } from '../../../core/model/train-bundle.ts';
import { seededRandom } from '../../../core/random.ts';
import type { TraceJob } from '../../../core/traces/trace-job.ts';
import { importSwf } from '../../../core/traces/swf-importer.ts';
import { loadConfig } from '../../config.ts';
import { createRuntime } from '../../runtime.ts';
import { sharedDataFile } from '../../shared-data-dir.ts';
import { choiceOption, integerOption, parseCommandOptions } from '../parse-command-options.ts';
import { countOf, terminalProgress, type TerminalProgress } from '../terminal-progress.ts';
import { formatVersusReport, versusReport, type VersusRecord } from '../versus-report.ts';
import {
  buildBurstWorkload,
  buildVersusWorkload,
  burstDemandGpus,
  offeredLoad,
  type BurstJob,
  type VersusJob,
} from '../versus-workload.ts';
import { LIVE_PRIOR_FEATURES, liveFeatureTable } from '../../../core/traces/live-feature-table.ts';
import {
  DEFAULT_VERSUS_TRACE,
  options,
  VERSUS_DEFAULTS,
  VERSUS_QUICK,
  VersusWorkloadKind,
} from './versus-slurm-usage.ts';

const CLIENT_TIMEOUT_MS = 8_000;
const POLL_INTERVAL_MS = 1_000;
/**
 * A new job is N/A in squeue --start until the scheduler's next pass has placed it (every second:
 * sched_interval and bf_interval in test/support/slurm/start-slurm.sh): asked again every
 * FIRST_LOOK_RETRY_MS for at most FIRST_LOOK_WINDOW_MS after it was recorded.
 */
const FIRST_LOOK_RETRY_MS = 200;
const FIRST_LOOK_WINDOW_MS = 3_000;
/** Run times below this are raised to it (sleep needs a moment to be seen running). */
const MIN_RUN_SECONDS = 2;

type Values = ReturnType<typeof parseCommandOptions<typeof options>>;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

function numberOption(
  name: string,
  value: string | undefined,
  fallback: number,
  valid: (parsed: number) => boolean,
  rule: string,
): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || !valid(parsed))
    throw new InvalidInputError(`--${name} must be ${rule}, got '${value}'`);
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

interface FirstLook {
  readonly slurmSeconds: number | null;
  readonly pendingAtFirstLook: boolean;
}

/** One `squeue --start` for the given jobs: each pending one's start field (an ISO time, or N/A); a job not listed is not pending. */
async function slurmStarts(jobIds: readonly string[]): Promise<Map<string, string>> {
  const listing = await slurmCommand('squeue', ['--start', '-h', '-j', jobIds.join(','), '-o', '%i %S']);
  return new Map(
    listing
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields.length === 2)
      .map(([jobId, start]) => [jobId as string, start as string]),
  );
}

/**
 * Slurm's first view of a just-submitted job, from its `squeue --start` start field (undefined:
 * not listed). N/A means the scheduler has not placed the job yet (right after `sbatch`, before
 * its next pass): undefined (ask again) until `pastDeadline`, then queued without an estimate.
 * Not listed: it runs, started on the scheduler's first pass (not queued, estimate 0). A start
 * time: queued, estimated to start that many seconds after its submit.
 */
export function firstLook(start: string | undefined, submitMs: number, pastDeadline: boolean): FirstLook | undefined {
  if (start === undefined) return { slurmSeconds: 0, pendingAtFirstLook: false };
  if (/^\d{4}-\d{2}-\d{2}T/.test(start))
    return { slurmSeconds: Math.max(0, (Date.parse(start) - submitMs) / 1000), pendingAtFirstLook: true };
  return pastDeadline ? { slurmSeconds: null, pendingAtFirstLook: true } : undefined;
}

interface BuiltWorkload {
  readonly jobs: readonly (VersusJob & { readonly burst?: number })[];
  /** What the opening line and the JSON say about it. */
  readonly description: Record<string, unknown>;
  readonly text: string;
  readonly maxLimitMinutes: number;
}

/** Reads and checks the workload's options before anything runs; the workload itself needs the trace and the cluster's GPUs. */
function planWorkload(
  values: Values,
  seed: number,
  timeScale: number,
): (trace: readonly TraceJob[], totalGpus: number) => BuiltWorkload {
  const kind = choiceOption('workload', values.workload, Object.values(VersusWorkloadKind)) ?? VERSUS_DEFAULTS.workload;
  const maxRunSeconds =
    values['max-run'] === undefined ? undefined : integerOption('max-run', values['max-run'], 0, MIN_RUN_SECONDS);
  const random = seededRandom(seed);
  if (kind === VersusWorkloadKind.bursts) {
    for (const name of ['jobs', 'duration', 'load'] as const)
      if (values[name] !== undefined) throw new InvalidInputError(`--${name} applies to --workload trace only`);
    const quick = values.quick === true;
    const bursts = integerOption('bursts', values.bursts, quick ? VERSUS_QUICK.bursts : VERSUS_DEFAULTS.bursts, 1);
    const overload = numberOption(
      'overload',
      values.overload,
      quick ? VERSUS_QUICK.overload : VERSUS_DEFAULTS.overload,
      (value) => value > 1,
      'a number > 1',
    );
    const maxLimitMinutes = integerOption(
      'max-limit',
      values['max-limit'],
      quick ? VERSUS_QUICK.maxLimitMinutes : VERSUS_DEFAULTS.burstMaxLimitMinutes,
      1,
    );
    return (trace, totalGpus) => {
      const jobs: BurstJob[] = buildBurstWorkload(trace, {
        totalGpus,
        bursts,
        overload,
        timeScale,
        maxLimitMinutes,
        minRunSeconds: MIN_RUN_SECONDS,
        ...(maxRunSeconds === undefined ? {} : { maxRunSeconds }),
        random,
      });
      const demand = burstDemandGpus(jobs);
      const lastOffset = jobs[jobs.length - 1]?.submitOffsetSeconds ?? 0;
      return {
        jobs,
        maxLimitMinutes,
        description: {
          kind,
          bursts,
          overload,
          demandGpus: demand,
          burstOffsetsSeconds: [...new Set(jobs.map((job) => job.submitOffsetSeconds))],
          maxLimitMinutes,
          maxRunSeconds: maxRunSeconds ?? null,
          timeScale,
        },
        text:
          `${jobs.length} jobs in ${bursts} bursts asking for ${demand.join(', ')} GPUs (≥ ${overload} × ${totalGpus}), ` +
          `the last at ${lastOffset.toFixed(0)} s; limits ÷${timeScale} capped at ${maxLimitMinutes} min` +
          (maxRunSeconds === undefined ? '' : `, runs capped at ${maxRunSeconds} s`),
      };
    };
  }
  if (values.quick === true || values.bursts !== undefined || values.overload !== undefined)
    throw new InvalidInputError('--quick, --bursts and --overload apply to --workload bursts only');
  const count = values.jobs === undefined ? undefined : integerOption('jobs', values.jobs, 0, 2);
  const durationSeconds = integerOption('duration', values.duration, VERSUS_DEFAULTS.durationSeconds, 1);
  const targetLoad = numberOption(
    'load',
    values.load,
    VERSUS_DEFAULTS.targetLoad,
    (value) => value > 0 && value <= 2,
    'a number in (0, 2]',
  );
  const maxLimitMinutes = integerOption('max-limit', values['max-limit'], VERSUS_DEFAULTS.maxLimitMinutes, 1);
  return (trace, totalGpus) => {
    const jobs = buildVersusWorkload(trace, {
      ...(count === undefined ? {} : { count }),
      targetLoad,
      durationSeconds,
      timeScale,
      totalGpus,
      maxLimitMinutes,
      minRunSeconds: MIN_RUN_SECONDS,
      random,
    }).map((job) =>
      maxRunSeconds === undefined ? job : { ...job, runSeconds: Math.min(job.runSeconds, maxRunSeconds) },
    );
    const load = offeredLoad(jobs, totalGpus, durationSeconds);
    return {
      jobs,
      maxLimitMinutes,
      description: {
        kind,
        durationSeconds,
        offeredLoad: load,
        maxLimitMinutes,
        maxRunSeconds: maxRunSeconds ?? null,
        timeScale,
      },
      text:
        `${jobs.length} jobs over ${durationSeconds} s, offered load ${load.toFixed(2)} (Σ gpus·run / (GPUs · duration)); ` +
        `limits ÷${timeScale} capped at ${maxLimitMinutes} min`,
    };
  };
}

export async function run(args: readonly string[]): Promise<number> {
  const progress = terminalProgress();
  try {
    return await versusSlurm(args, progress);
  } finally {
    // Also on a mistake: its one-line message must not land after a progress line.
    progress.done();
  }
}

async function versusSlurm(args: readonly string[], progress: TerminalProgress): Promise<number> {
  const values = parseCommandOptions('versus-slurm', args, options);
  const warmUp = integerOption('warm-up', values['warm-up'], VERSUS_DEFAULTS.warmUp, 0);
  const seed = integerOption('seed', values.seed, VERSUS_DEFAULTS.seed, 0);
  const timeScale = numberOption(
    'time-scale',
    values['time-scale'],
    VERSUS_DEFAULTS.timeScale,
    (value) => value > 0,
    'a number > 0',
  );
  const tracePath = values.trace ?? sharedDataFile(loadConfig().sharedDataDir, DEFAULT_VERSUS_TRACE);
  const buildWorkload = planWorkload(values, seed, timeScale);
  const settleOption = values.settle === undefined ? undefined : integerOption('settle', values.settle, 0, 1);

  const observer = new SlurmCliObserver({ timeoutMs: CLIENT_TIMEOUT_MS });
  const totalGpus = await observer.totalGpus();
  if (totalGpus < 1) throw new InvalidInputError('the Slurm cluster has no GPUs (gres gpu) on nodes that can run jobs');
  const traceText = await readFile(tracePath, 'utf8').catch(() => {
    throw new InvalidInputError(`cannot read trace '${tracePath}'`);
  });
  const trace = importSwf(traceText).jobs;
  const workload = buildWorkload(trace, totalGpus);
  if (workload.jobs.length <= warmUp)
    throw new InvalidInputError(`--warm-up ${warmUp} leaves none of the ${workload.jobs.length} jobs to compare`);
  const settleSeconds =
    settleOption ??
    Math.ceil(workload.jobs.reduce((sum, job) => sum + job.gpus * job.timeLimitMinutes * 60, 0) / totalGpus) +
      workload.maxLimitMinutes * 60;
  progress.update('training the prior on the trace…', true);
  const random = seededRandom(seed + 1);
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
    progress.done();
    (values.json === true ? process.stderr : process.stdout).write(
      `versus-slurm: ${workload.text} on ${totalGpus} GPUs; trace ${tracePath}; warm-up ${warmUp} jobs; ` +
        `settle limit ${settleSeconds} s; cluster ${clusterId}\n`,
    );
    let outcomesRecorded = 0;
    let submittedCount = 0;
    const showProgress = (what: string): void =>
      progress.update(
        `${what}: ${countOf(submittedCount, workload.jobs.length)} submitted, ${outcomesRecorded} started`,
      );

    // Outcomes as they happen: each start goes straight into the learning loop.
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
        showProgress(submitting ? 'submitting' : 'waiting for starts');
        if (Date.now() > settleDeadlineMs) break;
        await sleep(POLL_INTERVAL_MS);
      }
    })();

    // Slurm's first look at each job, beside the submissions (a burst is not held up): one squeue --start for every
    // job still waiting for one, every FIRST_LOOK_RETRY_MS.
    const looking: { record: VersusRecord; deadlineMs: number }[] = [];
    const looker = (async () => {
      while (submitting || looking.length > 0) {
        if (looking.length > 0) {
          const batch = [...looking];
          const starts = await slurmStarts(batch.map(({ record }) => record.jobId)).catch(() => null);
          const nowMs = Date.now();
          for (const entry of starts === null ? [] : batch) {
            const look = firstLook(starts?.get(entry.record.jobId), entry.record.submitMs, nowMs > entry.deadlineMs);
            if (look === undefined) continue;
            entry.record.slurmSeconds = look.slurmSeconds;
            entry.record.pendingAtFirstLook = look.pendingAtFirstLook;
            looking.splice(looking.indexOf(entry), 1);
          }
        }
        await sleep(FIRST_LOOK_RETRY_MS);
      }
    })();

    const startMs = Date.now();
    const submittedIds: string[] = [];
    try {
      // Jobs sharing a submit offset (a burst) go in back to back.
      for (const [index, job] of workload.jobs.entries()) {
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
        submittedIds.push(jobId);
        const submitLine = await slurmCommand('scontrol', ['show', 'job', '-o', jobId]);
        const submitMs = Date.parse(/SubmitTime=(\S+)/.exec(submitLine)?.[1] ?? '');
        const { prediction } = await predictJob(learning, { clusterId, jobId, features: input, nowMs: submitMs });
        const record: VersusRecord = {
          index,
          jobId,
          spec: job,
          submitMs,
          ours: {
            pointSeconds: prediction.waitEstimate?.pointSeconds ?? null,
            lowerSeconds: prediction.waitEstimate?.lowerSeconds ?? null,
            upperSeconds: prediction.waitEstimate?.upperSeconds ?? null,
            quantilesSeconds: prediction.waitDistribution?.quantilesSeconds ?? null,
          },
          queueDepth: prediction.waitDistribution?.queueDepth ?? queueDepthOf(input),
          slurmSeconds: null,
          pendingAtFirstLook: true,
          realisedSeconds: null,
          censoredAtLeastSeconds: null,
        };
        records.push(record);
        looking.push({ record, deadlineMs: Date.now() + FIRST_LOOK_WINDOW_MS });
        submittedCount += 1;
      }
      settleDeadlineMs = Date.now() + settleSeconds * 1000;
    } catch (error) {
      settleDeadlineMs = 0;
      looking.length = 0;
      if (submittedIds.length > 0) await slurmCommand('scancel', submittedIds).catch(() => '');
      throw error;
    } finally {
      submitting = false;
      await Promise.all([poller, looker]);
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
    progress.done();

    if (values.details !== undefined)
      await writeFile(values.details, records.map((record) => JSON.stringify(record)).join('\n') + '\n');
    const calibration = await learning.calibration.current(clusterId);
    const loop = {
      outcomesRecorded,
      bundleVersion: calibration?.activeBundleVersion ?? null,
      adaptations: calibration?.counters.adaptations ?? 0,
      retrains: calibration?.retrains ?? 0,
      scope: calibration?.scope ?? null,
      ece: calibration?.evidence?.ece ?? null,
    };
    const report = versusReport(records, warmUp);
    // Jobs go in one at a time (queue captured, sbatch, prediction stored): how long each burst took to submit.
    const submissionSpansSeconds = [...new Set(workload.jobs.map((job) => job.submitOffsetSeconds))].map((offset) => {
      const times = records
        .filter((record) => record.spec.submitOffsetSeconds === offset)
        .map((record) => record.submitMs);
      return (Math.max(...times) - Math.min(...times)) / 1000;
    });
    const json = `${JSON.stringify({ totalGpus, workload: { ...workload.description, submissionSpansSeconds }, ...report, learning: loop, jobs: records }, null, 2)}\n`;
    if (values.out !== undefined) await writeFile(values.out, json);
    if (values.json === true) {
      process.stdout.write(json);
      return 0;
    }
    if (workload.jobs.some((job) => job.burst !== undefined))
      process.stdout.write(
        `\nbursts submitted over ${submissionSpansSeconds.map((span) => `${span.toFixed(0)} s`).join(', ')} (one job at a time: queue captured, sbatch, prediction stored)\n`,
      );
    process.stdout.write(formatVersusReport(records, report));
    process.stdout.write(
      `learning loop: ${outcomesRecorded} outcomes recorded; bundle v${calibration?.activeBundleVersion ?? '?'}, ` +
        `${loop.adaptations} calibrator adaptations, ${loop.retrains} retrains, scope ${calibration?.scope ?? '?'}, ` +
        `ECE ${calibration?.evidence?.ece.toFixed(3) ?? 'n/a (no evidence yet)'}\n`,
    );
  } finally {
    await runtime.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  return 0;
}

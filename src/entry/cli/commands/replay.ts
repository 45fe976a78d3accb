/**
 * `vgac replay`: real job histories through the whole learning loop, online.
 * - `--data FILE --prior BUNDLE`: a labelled job table (slurm_training_dataset.csv) in submit
 *   order against the embedded store (dynalite + s3rver), printing the calibration timeline.
 * - `--trace FILE`: a scheduler log (SWF, Alibaba GPU, sacct) with reconstructed queue state,
 *   online labels, conformal wait intervals and baselines side by side.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { InvalidInputError } from '../../../core/errors.ts';
import type { ModelBundle } from '../../../core/model/bundle.ts';
import { trainBundle } from '../../../core/model/train-bundle.ts';
import { seededRandom } from '../../../core/random.ts';
import { reconstructQueueState } from '../../../core/traces/queue-state.ts';
import { TRACE_FORMATS } from '../../../core/traces/trace-job.ts';
import { createLearningDeps, type LearningDeps, type LearningSettings } from '../../../app/learning/learning-deps.ts';
import type { Logger } from '../../../app/ports.ts';
import { MemoryBundleStore, MemoryClusterStore } from '../../../app/replay/memory-stores.ts';
import { replayDataset } from '../../../app/replay/replay-dataset.ts';
import { replayTrace } from '../../../app/replay/replay-trace.ts';
import { loadConfig, type Config } from '../../config.ts';
import { createRuntime, sha256Hex } from '../../runtime.ts';
import { sharedDataFile } from '../../shared-data-dir.ts';
import { formatDatasetReplay, formatTimeline, formatTraceReplay, keyTimeline } from '../format-replay-report.ts';
import { loadFeatureTable } from '../load-feature-table.ts';
import { readBundleFile } from '../read-bundle-file.ts';
import { readTraceFile } from '../read-trace-file.ts';
import { loadReplayDataset } from '../load-replay-dataset.ts';
import { choiceOption, integerOption, parseCommandOptions } from '../parse-command-options.ts';

export const summary = 'Replay a job history (labelled CSV or scheduler trace) through the learning loop, online, with baselines';

/** The reference data file the default prior is trained on (in VGAC_SHARED_DATA, else ../shared/data beside the repository). */
export const DEFAULT_PRIOR_DATA = 'eks_dec_sample.csv';
const PRIOR_SEED = 42;

const StoreKind = { embedded: 'embedded', memory: 'memory' } as const;
type StoreKind = (typeof StoreKind)[keyof typeof StoreKind];

const HELP = `usage: vgac replay --data FILE [--prior BUNDLE.json] [options]
       vgac replay --trace FILE [--format swf|alibaba-gpu|sacct] [options]

--data: rows of a labelled job table (submit_epoch_ms, wait_seconds, label_long_wait, queue-state
columns, job_type) in time order: predicted at submit, outcome recorded at submit + wait, calibration
recomputed by the learning loop. Starts from --prior (default: a bundle trained on
${DEFAULT_PRIOR_DATA} from the reference data: VGAC_SHARED_DATA, else ../shared/data beside the
repository). Prints the calibration timeline.

--trace: a scheduler log. Queue state is reconstructed at each submit; the first --warmup jobs are
the onboarding history (the prior is trained on those whose outcome was known then); every later
job is predicted at its submit time; long wait = above the P90 of the waits observed so far.
Reports AUROC/ECE/Brier and 80 % interval coverage/width for the loop and three baselines.

options:
  --data FILE              labelled job table to replay (exactly one of --data and --trace)
  --prior BUNDLE.json      --data: the model bundle the cluster starts from (default above)
  --trace FILE             scheduler log to replay (exactly one of --data and --trace)
  --format swf|alibaba-gpu|sacct
                           --trace: the log's format (default: detected from its first line, or a .swf name)
  --store embedded|memory  embedded: dynalite + s3rver (default for --data); memory: in-process
                           stores for offline evaluation only (default for --trace: speed)
  --data-dir DIR           embedded store directory (default: a fresh temporary directory, removed after)
  --cluster ID             cluster id (default: slurm-replay, or the trace's file name)
  --warmup N               --trace: history jobs before onboarding (default 500)
  --resamples N            bootstrap resamples per calibration recompute (default: the loop's
                           setting, as in production; lower only to trade CI precision for speed)
  --json FILE              also write the full report as JSON
  --timeline full|key      timeline lines to print (default: full for --data, key for --trace)
  -h, --help               show this help
`;

/** Everything `vgac replay` accepts (node:util parseArgs options). */
export const options = {
  data: { type: 'string' },
  prior: { type: 'string' },
  trace: { type: 'string' },
  format: { type: 'string' },
  store: { type: 'string' },
  'data-dir': { type: 'string' },
  cluster: { type: 'string' },
  warmup: { type: 'string' },
  json: { type: 'string' },
  resamples: { type: 'string' },
  timeline: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Counts log events instead of printing them: the replay prints its own timeline. Warnings go to stderr. */
function replayLogger(): Logger {
  return {
    info: () => undefined,
    warn: (event, fields) => process.stderr.write(`warn ${event} ${JSON.stringify(fields ?? {})}\n`),
    error: (event, fields) => process.stderr.write(`error ${event} ${JSON.stringify(fields ?? {})}\n`),
  };
}

async function loadPrior(path: string | undefined, sharedDataDir: string | undefined): Promise<ModelBundle> {
  if (path !== undefined) return readBundleFile(path, 'prior bundle');
  const loaded = await loadFeatureTable(sharedDataFile(sharedDataDir, DEFAULT_PRIOR_DATA), { features: undefined, requireLabel: true });
  return trainBundle(loaded.table, { random: seededRandom(PRIOR_SEED), source: loaded.fileName, dataHash: loaded.sha256, hash: sha256Hex });
}

interface Stores {
  readonly deps: LearningDeps;
  close(): Promise<void>;
}

async function openStores(config: Config, kind: StoreKind, dataDir: string | undefined, settings: Partial<LearningSettings>): Promise<Stores> {
  const logger = replayLogger();
  if (kind === StoreKind.memory) {
    return {
      deps: createLearningDeps({ store: new MemoryClusterStore(), bundles: new MemoryBundleStore(), gate: config.gate, logger, settings }),
      close: () => Promise.resolve(),
    };
  }
  const directory = dataDir ?? (await mkdtemp(join(tmpdir(), 'vgac-replay-')));
  const runtime = await createRuntime({ ...config, dataDir: directory, dynamoEndpoint: undefined, s3Endpoint: undefined }, { logger, settings });
  return {
    deps: runtime.learning,
    async close() {
      await runtime.close();
      if (dataDir === undefined) await rm(directory, { recursive: true, force: true });
    },
  };
}

function printTimeline(mode: string | undefined, fallback: 'full' | 'key', timeline: Parameters<typeof formatTimeline>[0]): string {
  return formatTimeline((mode ?? fallback) === 'full' ? timeline : keyTimeline(timeline));
}

export async function run(args: readonly string[]): Promise<number> {
  const values = parseCommandOptions('replay', args, options);
  if (values.help === true) {
    process.stdout.write(HELP);
    return 0;
  }
  if ((values.data === undefined) === (values.trace === undefined)) {
    throw new InvalidInputError("give exactly one of --data FILE or --trace FILE (try 'vgac replay --help')");
  }
  const config = loadConfig(undefined, { logLevel: 'silent' });
  const store = choiceOption('store', values.store, Object.values(StoreKind));
  const timelineMode = choiceOption('timeline', values.timeline, ['full', 'key']);
  const started = performance.now();
  const settings: Partial<LearningSettings> = values.resamples === undefined ? {} : { bootstrapResamples: integerOption('resamples', values.resamples, 200, 10) };

  if (values.data !== undefined) {
    const jobs = await loadReplayDataset(values.data);
    const prior = await loadPrior(values.prior, config.sharedDataDir);
    const stores = await openStores(config, store ?? StoreKind.embedded, values['data-dir'], settings);
    try {
      const report = await replayDataset(stores.deps, { clusterId: values.cluster ?? 'slurm-replay', platform: 'slurm', prior, jobs });
      const text = formatDatasetReplay(report);
      process.stdout.write(`${timelineMode === 'key' ? text.replace(formatTimeline(report.timeline), printTimeline('key', 'key', report.timeline)) : text}\n`);
      process.stdout.write(`elapsed ${((performance.now() - started) / 1000).toFixed(1)} s (store ${store ?? StoreKind.embedded})\n`);
      if (values.json !== undefined) await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`);
    } finally {
      await stores.close();
    }
    return 0;
  }

  const tracePath = values.trace as string;
  const formatOption = choiceOption('format', values.format, Object.values(TRACE_FORMATS));
  const warmupJobs = integerOption('warmup', values.warmup, 500, 20);
  const { format, imported } = await readTraceFile(tracePath, formatOption);
  const snapshots = reconstructQueueState(imported.jobs, { epochOffsetSeconds: imported.epochOffsetSeconds ?? 0 });
  const kind = store ?? StoreKind.memory;
  const stores = await openStores(config, kind, values['data-dir'], settings);
  try {
    const report = await replayTrace(stores.deps, {
      clusterId: values.cluster ?? basename(tracePath).replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 60),
      platform: format === 'swf' ? 'swf' : format === 'sacct' ? 'slurm' : 'kubernetes',
      jobs: imported.jobs,
      snapshots,
      epochOffsetSeconds: imported.epochOffsetSeconds ?? 0,
      warmupJobs,
      hash: sha256Hex,
    });
    const elapsedMs = performance.now() - started;
    process.stdout.write(`${printTimeline(timelineMode, 'key', report.timeline)}\n\n${formatTraceReplay(report, elapsedMs, kind)}\n`);
    if (values.json !== undefined) await writeFile(values.json, `${JSON.stringify({ ...report, elapsedMs, store: kind, format }, null, 2)}\n`);
  } finally {
    await stores.close();
  }
  return 0;
}


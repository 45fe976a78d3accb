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
import { backfillPlannedStarts } from '../../../core/traces/backfill-planned-starts.ts';
import { resolvePlanCapacity } from '../../../core/traces/plan-capacity.ts';
import { reconstructQueueState } from '../../../core/traces/queue-state.ts';
import { TRACE_FORMATS } from '../../../core/traces/trace-job.ts';
import { createLearningDeps, type LearningDeps, type LearningSettings } from '../../../app/learning/learning-deps.ts';
import type { Logger } from '../../../app/ports/logger.ts';
import { MemoryBundleStore } from '../../../adapters/memory/memory-bundle-store.ts';
import { memoryLearningStores } from '../../../adapters/memory/memory-tables.ts';
import { replayDataset } from '../../../app/replay/replay-dataset.ts';
import { replayTrace } from '../../../app/replay/replay-trace.ts';
import { loadConfig, type Config } from '../../config.ts';
import { createRuntime, sha256Hex } from '../../runtime.ts';
import { sharedDataFile } from '../../shared-data-dir.ts';
import { countOf, terminalProgress, type TerminalProgress } from '../terminal-progress.ts';
import { formatDatasetReplay, formatTimeline, formatTraceReplay, keyTimeline } from '../format-replay-report.ts';
import { loadFeatureTable } from '../load-feature-table.ts';
import { readBundleFile } from '../read-bundle-file.ts';
import { readTraceFile } from '../read-trace-file.ts';
import { loadReplayDataset } from '../load-replay-dataset.ts';
import { choiceOption, integerOption, parseCommandOptions } from '../parse-command-options.ts';
import { DEFAULT_PRIOR_DATA, options } from './replay-usage.ts';

const PRIOR_SEED = 42;

const StoreKind = { embedded: 'embedded', memory: 'memory' } as const;
type StoreKind = (typeof StoreKind)[keyof typeof StoreKind];

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
  const loaded = await loadFeatureTable(sharedDataFile(sharedDataDir, DEFAULT_PRIOR_DATA), {
    features: undefined,
    requireLabel: true,
  });
  return trainBundle(loaded.table, {
    random: seededRandom(PRIOR_SEED),
    source: loaded.fileName,
    dataHash: loaded.sha256,
    hash: sha256Hex,
  });
}

interface Stores {
  readonly deps: LearningDeps;
  close(): Promise<void>;
}

async function openStores(
  config: Config,
  kind: StoreKind,
  dataDir: string | undefined,
  settings: Partial<LearningSettings>,
): Promise<Stores> {
  const logger = replayLogger();
  if (kind === StoreKind.memory) {
    return {
      deps: createLearningDeps({
        ...memoryLearningStores(),
        bundles: new MemoryBundleStore(),
        gate: config.gate,
        logger,
        settings,
      }),
      close: () => Promise.resolve(),
    };
  }
  const directory = dataDir ?? (await mkdtemp(join(tmpdir(), 'vgac-replay-')));
  const runtime = await createRuntime(
    { ...config, dataDir: directory, dynamoEndpoint: undefined, s3Endpoint: undefined },
    { logger, settings },
  );
  return {
    deps: runtime.learning,
    async close() {
      await runtime.close();
      if (dataDir === undefined) await rm(directory, { recursive: true, force: true });
    },
  };
}

function printTimeline(
  mode: string | undefined,
  fallback: 'full' | 'key',
  timeline: Parameters<typeof formatTimeline>[0],
): string {
  return formatTimeline((mode ?? fallback) === 'full' ? timeline : keyTimeline(timeline));
}

export async function run(args: readonly string[]): Promise<number> {
  const progress = terminalProgress();
  try {
    return await replay(args, progress);
  } finally {
    // Also on a mistake: its one-line message must not land after a progress line.
    progress.done();
  }
}

async function replay(args: readonly string[], progress: TerminalProgress): Promise<number> {
  const values = parseCommandOptions('replay', args, options);
  if ((values.data === undefined) === (values.trace === undefined)) {
    throw new InvalidInputError("give exactly one of --data FILE or --trace FILE (try 'vgac replay --help')");
  }
  const config = loadConfig(undefined, { logLevel: 'silent' });
  const store = choiceOption('store', values.store, Object.values(StoreKind));
  const timelineMode = choiceOption('timeline', values.timeline, ['full', 'key']);
  const started = performance.now();
  const settings: Partial<LearningSettings> = {};
  const onProgress = (replayed: number, total: number): void =>
    progress.update(`replayed ${countOf(replayed, total)} jobs`);
  /** Prints `text`, or the report as JSON with --json; writes the JSON to --out as well. */
  const emit = async (text: string, report: unknown): Promise<void> => {
    progress.done();
    const json = `${JSON.stringify(report, null, 2)}\n`;
    process.stdout.write(values.json === true ? json : text);
    if (values.out !== undefined) await writeFile(values.out, json);
  };

  if (values.data !== undefined) {
    progress.update(`reading ${basename(values.data)}…`, true);
    const { jobs, longWaitThresholdSeconds } = await loadReplayDataset(values.data);
    progress.update(
      values.prior === undefined
        ? `training the default prior on ${DEFAULT_PRIOR_DATA}…`
        : `reading ${basename(values.prior)}…`,
      true,
    );
    const prior = await loadPrior(values.prior, config.sharedDataDir);
    progress.update('starting the embedded store…', true);
    const stores = await openStores(config, store ?? StoreKind.embedded, values['data-dir'], settings);
    try {
      const report = await replayDataset(stores.deps, {
        clusterId: values.cluster ?? 'slurm-replay',
        platform: 'slurm',
        prior,
        jobs,
        longWaitThresholdSeconds,
        onProgress,
      });
      const text = formatDatasetReplay(report);
      const elapsed = `elapsed ${((performance.now() - started) / 1000).toFixed(1)} s (store ${store ?? StoreKind.embedded})`;
      await emit(
        `${timelineMode === 'key' ? text.replace(formatTimeline(report.timeline), printTimeline('key', 'key', report.timeline)) : text}\n${elapsed}\n`,
        report,
      );
    } finally {
      progress.done();
      await stores.close();
    }
    return 0;
  }

  const tracePath = values.trace as string;
  const formatOption = choiceOption('format', values.format, Object.values(TRACE_FORMATS));
  const warmupJobs = integerOption('warmup', values.warmup, 500, 20);
  progress.update(`reading ${basename(tracePath)}…`, true);
  const { format, imported } = await readTraceFile(tracePath, formatOption);
  progress.update(
    `reconstructing the queue state at ${imported.jobs.length.toLocaleString('en-US')} submits, then training the prior…`,
    true,
  );
  const snapshots = reconstructQueueState(imported.jobs, { epochOffsetSeconds: imported.epochOffsetSeconds ?? 0 });
  const kind = store ?? StoreKind.memory;
  const stores = await openStores(config, kind, values['data-dir'], settings);
  try {
    const report = await replayTrace(stores.deps, {
      clusterId:
        values.cluster ??
        basename(tracePath)
          .replace(/[^A-Za-z0-9_-]+/g, '-')
          .slice(0, 60),
      platform: format === 'swf' ? 'swf' : format === 'sacct' ? 'slurm' : 'kubernetes',
      jobs: imported.jobs,
      snapshots,
      epochOffsetSeconds: imported.epochOffsetSeconds ?? 0,
      warmupJobs,
      hash: sha256Hex,
      onProgress,
      plannedStartsSeconds: backfillPlannedStarts(imported.jobs, resolvePlanCapacity(imported)),
    });
    const elapsedMs = performance.now() - started;
    await emit(
      `${printTimeline(timelineMode, 'key', report.timeline)}\n\n${formatTraceReplay(report, elapsedMs, kind)}\n`,
      { ...report, elapsedMs, store: kind, format },
    );
  } finally {
    progress.done();
    await stores.close();
  }
  return 0;
}

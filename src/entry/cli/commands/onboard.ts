/**
 * `vgac onboard --cluster ID (--trace FILE | --prior BUNDLE.json)`: brings a cluster under vgac in
 * one command — trains its prior from the cluster's own scheduler history (a Slurm `sacct` export,
 * an SWF log or an Alibaba GPU pod trace, replayed to the queue state at each submit instant, in
 * the live collector's features) or takes a given bundle, and registers it in the configured store
 * (the embedded one, or DynamoDB and S3 with VGAC_MODE=aws): the collector then predicts its jobs
 * and the cluster earns autonomy from its own outcomes, starting in learning mode.
 */
import { basename } from 'node:path';
import { ID_PATTERN } from '../../../app/http/request-schemas.ts';
import { registerCluster } from '../../../app/learning/register-cluster.ts';
import { InvalidInputError } from '../../../core/errors.ts';
import type { ModelBundle } from '../../../core/model/bundle.ts';
import { platformPassthroughBundle } from '../../../core/model/platform-bundle.ts';
import { trainBundle } from '../../../core/model/train-bundle.ts';
import { seededRandom } from '../../../core/random.ts';
import { liveFeatureTable } from '../../../core/traces/live-feature-table.ts';
import { TRACE_FORMATS } from '../../../core/traces/trace-job.ts';
import { loadConfig } from '../../config.ts';
import { createRuntime, sha256Hex } from '../../runtime.ts';
import { choiceOption, integerOption, parseCommandOptions, requireOption } from '../parse-command-options.ts';
import { readBundleFile } from '../read-bundle-file.ts';
import { readTraceFile } from '../read-trace-file.ts';
import { withTerminalProgress, type TerminalProgress } from '../terminal-progress.ts';
import { ONBOARD_DEFAULT_ROWS, options, PLATFORMS } from './onboard-usage.ts';

const ONBOARD_SEED = 42;
/** Long waits the history must hold: the prior's cross-fitted calibration needs a few in every fold. */
const MIN_LONG_WAITS = 10;

export function run(args: readonly string[]): Promise<number> {
  return withTerminalProgress((progress) => onboard(args, progress));
}

async function onboard(args: readonly string[], progress: TerminalProgress): Promise<number> {
  const values = parseCommandOptions('onboard', args, options);
  const clusterId = requireOption('onboard', 'cluster', values.cluster);
  if (!ID_PATTERN.test(clusterId))
    throw new InvalidInputError(`--cluster '${clusterId}' is not a cluster id (letters, digits, . _ : -; at most 128)`);
  const sources = [values.trace, values.prior, values['vgac-platform'] === true ? 'platform' : undefined].filter(
    (source) => source !== undefined,
  );
  if (sources.length !== 1) throw new InvalidInputError('give exactly one of --trace, --prior and --vgac-platform');
  const platform = choiceOption('platform', values.platform, PLATFORMS) ?? 'slurm';
  const prior =
    values.prior !== undefined
      ? await readBundleFile(values.prior, 'prior bundle')
      : values.trace !== undefined
        ? await priorFromTrace(values.trace, values, progress)
        : platformPassthroughBundle(
            integerOption(
              'long-wait-seconds',
              requireOption('onboard', 'long-wait-seconds', values['long-wait-seconds']),
              0,
              1,
            ),
            sha256Hex,
          );

  progress.update('opening the store…', true);
  const runtime = await createRuntime(loadConfig(undefined, { logLevel: 'silent' }));
  try {
    progress.update(`registering '${clusterId}'…`, true);
    const result = await registerCluster(runtime.learning, { clusterId, prior, platform, nowMs: Date.now() });
    progress.done();
    const threshold = prior.training.labelThresholdSeconds;
    if (values.json === true) {
      const registered = result.status !== 'exists';
      process.stdout.write(
        `${JSON.stringify(
          {
            clusterId,
            status: result.status,
            platform,
            store:
              runtime.config.mode === 'aws'
                ? { table: runtime.config.table, bucket: runtime.config.bucket }
                : { dataDir: runtime.config.dataDir },
            scope: result.calibration.scope,
            activeBundleVersion: result.calibration.activeBundleVersion,
            prior: registered
              ? {
                  bundleId: prior.bundleId,
                  source: prior.training.source,
                  rows: prior.training.rows,
                  longWaits: prior.training.positives,
                  longWaitThresholdSeconds: threshold,
                  numericFeatures: prior.numericFeatures,
                }
              : null,
            minOutcomes: runtime.config.gate.minOutcomes,
          },
          null,
          2,
        )}\n`,
      );
      return 0;
    }
    if (result.status === 'exists') {
      process.stdout.write(
        `cluster '${clusterId}' is already registered (bundle v${result.calibration.activeBundleVersion}, ${result.calibration.scope}): nothing changed\n`,
      );
      return 0;
    }
    process.stdout.write(
      [
        `registered cluster '${clusterId}' (${platform}) in ${runtime.config.mode === 'aws' ? `table ${runtime.config.table} and bucket ${runtime.config.bucket}` : `the embedded store under ${runtime.config.dataDir}`}`,
        prior.training.source === 'vgac-platform'
          ? `prior ${prior.bundleId.slice(0, 12)}: the VGAC platform's own P(long wait), passed through (long wait = above ${Math.round(threshold ?? 0)} s)`
          : `prior ${prior.bundleId.slice(0, 12)}: ${prior.training.rows} jobs of ${prior.training.source}, ${prior.training.positives} long waits${threshold === null ? '' : ` (above ${Math.round(threshold)} s)`}; features ${prior.numericFeatures.join(', ')}`,
        `it starts in learning mode: it escalates and never acts until ${runtime.config.gate.minOutcomes} of its own outcomes show how calibrated it is`,
        '',
      ].join('\n'),
    );
    return 0;
  } finally {
    await runtime.close();
  }
}

async function priorFromTrace(
  path: string,
  values: { format?: string; gpus?: string; rows?: string },
  progress: TerminalProgress,
): Promise<ModelBundle> {
  progress.update(`reading ${basename(path)}…`, true);
  const { text, imported } = await readTraceFile(
    path,
    choiceOption('format', values.format, Object.values(TRACE_FORMATS)),
  );
  progress.update(`replaying the queue state at ${imported.jobs.length.toLocaleString('en-US')} submits…`, true);
  const random = seededRandom(ONBOARD_SEED);
  const gpus = values.gpus === undefined ? undefined : integerOption('gpus', values.gpus, 0, 1);
  const table = liveFeatureTable(imported.jobs, {
    ...(gpus === undefined ? {} : { totalGpus: gpus }),
    rows: integerOption('rows', values.rows, ONBOARD_DEFAULT_ROWS, 20),
    random,
    source: basename(path),
  });
  const longWaits = table.labels?.reduce((sum, label) => sum + label, 0) ?? 0;
  if (longWaits < MIN_LONG_WAITS) {
    throw new InvalidInputError(
      `${basename(path)}: ${longWaits} of ${table.rows.length} started jobs waited longer than its P90 wait (${Math.round(table.labelThresholdSeconds ?? 0)} s): too few long waits to train a prior on; give a longer history`,
    );
  }
  progress.update(`training the prior on ${table.rows.length.toLocaleString('en-US')} jobs…`, true);
  return trainBundle(table, { random, source: basename(path), dataHash: sha256Hex(text), hash: sha256Hex });
}

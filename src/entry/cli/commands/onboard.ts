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
import type { ClusterProfile } from '../../../app/ports.ts';
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

export const summary = 'Register a cluster from its own scheduler history (or a bundle), ready for the collector';

/** Rows of history the prior is trained on at most (a random subsample beyond that). */
export const ONBOARD_DEFAULT_ROWS = 20_000;
const ONBOARD_SEED = 42;
/** Long waits the history must hold: the prior's cross-fitted calibration needs a few in every fold. */
const MIN_LONG_WAITS = 10;
const PLATFORMS: readonly ClusterProfile['platform'][] = ['slurm', 'kubernetes', 'batch', 'swf', 'other'];

const HELP = `usage: vgac onboard --cluster ID --trace FILE [--format swf|alibaba-gpu|sacct] [--gpus N] [options]
       vgac onboard --cluster ID --prior BUNDLE.json [options]
       vgac onboard --cluster ID --vgac-platform --long-wait-seconds N [options]

Registers a cluster in the configured store (VGAC_DATA_DIR's embedded one, or DynamoDB and S3
with VGAC_MODE=aws) so the collector predicts its jobs at submit and records their outcomes. Its
prior is trained on the cluster's own history: the log is replayed to the queue state each job
saw at its submit instant, in the features the live collector computes (pending jobs and GPUs
ahead, GPUs in use, the job's GPUs and time limit), labelled "wait above the history's P90".
The cluster starts in learning mode and earns autonomy from its own outcomes. Registering an
existing cluster changes nothing.

For a Slurm cluster, export its history with
  sacct --allusers --parsable2 --starttime now-90days \\
    --format=JobID,Submit,Start,End,State,Partition,ReqCPUS,ReqMem,ReqTRES,Timelimit,User,QOS > history.txt

options:
  --cluster ID          the cluster id (as the collector and API will name it; VGAC_SLURM_CLUSTER_ID for the collector)
  --trace FILE          the scheduler log to train the prior on
  --format F            swf, alibaba-gpu or sacct (default: detected from the file)
  --gpus N              the live cluster's GPUs, to map a log without GPU requests (SWF processors) onto it
  --rows N              train on at most N jobs of the log (default ${ONBOARD_DEFAULT_ROWS})
  --prior BUNDLE.json   register with this bundle instead (from vgac train)
  --vgac-platform       the cluster's predictions wrap a VGAC platform API (VGAC_COLLECTOR=vgac-api,
                        VGAC_PLATFORM_URL, VGAC_PLATFORM_CLUSTERS): its prior passes the platform's
                        P(long wait) through, and the gate measures and recalibrates it on the
                        cluster's own outcomes
  --long-wait-seconds N with --vgac-platform: the cluster's long-wait threshold (its P90 wait)
  --platform P          ${PLATFORMS.join(', ')} (default slurm)
  -h, --help            show this help
`;

export const options = {
  cluster: { type: 'string' },
  trace: { type: 'string' },
  format: { type: 'string' },
  gpus: { type: 'string' },
  rows: { type: 'string' },
  prior: { type: 'string' },
  'vgac-platform': { type: 'boolean' },
  'long-wait-seconds': { type: 'string' },
  platform: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function run(args: readonly string[]): Promise<number> {
  const values = parseCommandOptions('onboard', args, options);
  if (values.help === true) {
    process.stdout.write(HELP);
    return 0;
  }
  const clusterId = requireOption('onboard', 'cluster', values.cluster);
  if (!ID_PATTERN.test(clusterId)) throw new InvalidInputError(`--cluster '${clusterId}' is not a cluster id (letters, digits, . _ : -; at most 128)`);
  const sources = [values.trace, values.prior, values['vgac-platform'] === true ? 'platform' : undefined].filter((source) => source !== undefined);
  if (sources.length !== 1) throw new InvalidInputError('give exactly one of --trace, --prior and --vgac-platform');
  const platform = choiceOption('platform', values.platform, PLATFORMS) ?? 'slurm';
  const prior = values.prior !== undefined
    ? await readBundleFile(values.prior, 'prior bundle')
    : values.trace !== undefined
      ? await priorFromTrace(values.trace, values)
      : platformPassthroughBundle(integerOption('long-wait-seconds', requireOption('onboard', 'long-wait-seconds', values['long-wait-seconds']), 0, 1), sha256Hex);

  const runtime = await createRuntime(loadConfig(undefined, { logLevel: 'silent' }));
  try {
    const result = await registerCluster(runtime.learning, { clusterId, prior, platform, nowMs: Date.now() });
    if (result.status === 'exists') {
      process.stdout.write(`cluster '${clusterId}' is already registered (bundle v${result.calibration.activeBundleVersion}, ${result.calibration.scope}): nothing changed\n`);
      return 0;
    }
    const threshold = prior.training.labelThresholdSeconds;
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

async function priorFromTrace(path: string, values: { format?: string; gpus?: string; rows?: string }): Promise<ModelBundle> {
  const { text, imported } = await readTraceFile(path, choiceOption('format', values.format, Object.values(TRACE_FORMATS)));
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
    throw new InvalidInputError(`${basename(path)}: ${longWaits} of ${table.rows.length} started jobs waited longer than its P90 wait (${Math.round(table.labelThresholdSeconds ?? 0)} s): too few long waits to train a prior on; give a longer history`);
  }
  return trainBundle(table, { random, source: basename(path), dataHash: sha256Hex(text), hash: sha256Hex });
}

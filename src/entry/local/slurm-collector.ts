/**
 * `vgac start --collector slurm` (or VGAC_COLLECTOR=slurmrestd / slurm-cli): submit-time capture
 * from the configured live Slurm, alongside (or instead of) the simulation. Registers the cluster
 * (VGAC_SLURM_CLUSTER_ID) from a prior the first time — a model trained on the KTH SP2 trace
 * replayed in the live collector's units (live-feature-table.ts), real time — and then runs the
 * collector runner every VGAC_COLLECT_INTERVAL_MS: every new job predicted at its submit instant,
 * every start recorded as its outcome.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { registerCluster } from '../../app/learning/register-cluster.ts';
import type { LearningDeps } from '../../app/learning/learning-deps.ts';
import type { ClusterRoute } from '../../app/agents/cluster-routes.ts';
import type { ClusterActions } from '../../app/ports/cluster-actions.ts';
import type { ClusterObserver } from '../../app/ports/cluster-observer.ts';
import type { JobLookup } from '../../app/ports/job-lookup.ts';
import type { Logger } from '../../app/ports/logger.ts';
import type { SecretSource } from '../../app/ports/secret-source.ts';
import type { ClusterState } from '../../app/records/queue.ts';
import { SlurmCliJobLookup } from '../../adapters/collectors/slurm-cli-job-lookup.ts';
import { SlurmCliObserver } from '../../adapters/collectors/slurm-cli-observer.ts';
import { SlurmrestdJobLookup } from '../../adapters/collectors/slurmrestd-job-lookup.ts';
import { SlurmrestdObserver } from '../../adapters/collectors/slurmrestd-observer.ts';
import { SlurmClusterActions } from '../../adapters/slurm/slurm-cluster-actions.ts';
import { SlurmrestdClusterActions } from '../../adapters/slurm/slurmrestd-cluster-actions.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { trainBundle } from '../../core/model/train-bundle.ts';
import { seededRandom } from '../../core/random.ts';
import { importSwf } from '../../core/traces/swf-importer.ts';
import { liveFeatureTable } from '../../core/traces/live-feature-table.ts';
import type { Config } from '../config.ts';
import { sha256Hex } from '../runtime.ts';
import { startCollectorRunner, type CollectorRunner } from './collector-runner.ts';

export const SLURM_PRIOR_TRACE = 'KTH-SP2-1996-2.1-cln.swf';
const PRIOR_ROWS = 4000;
const PRIOR_SEED = 42;

export interface LiveSlurmCollector {
  readonly clusterId: string;
  readonly runner: CollectorRunner;
}

/** The configured live-Slurm observer: slurmrestd (URL, user, JWT) or the client commands. */
export function slurmObserverFor(
  config: Config,
  source: 'slurmrestd' | 'slurm-cli',
): ClusterObserver & { totalGpus(): Promise<number> } {
  if (source === 'slurm-cli') return new SlurmCliObserver({ timeoutMs: config.agents.observeTimeoutMs });
  const { restUrl, user, jwt, apiVersion } = config.slurm;
  if (restUrl === undefined || user === undefined || jwt === undefined) {
    throw new InvalidInputError(
      'the slurmrestd collector needs VGAC_SLURMRESTD_URL, VGAC_SLURM_USER and VGAC_SLURM_JWT',
    );
  }
  return new SlurmrestdObserver({
    baseUrl: restUrl,
    userName: user,
    token: jwt,
    apiVersion,
    timeoutMs: config.agents.observeTimeoutMs,
  });
}

/** The name the local JWT (VGAC_SLURM_JWT) is read under; locally it never rotates. */
const LOCAL_JWT_SECRET = 'VGAC_SLURM_JWT';

/**
 * The configured live-Slurm actions: slurmrestd's job update (the same URL, user and JWT as the
 * observer) or the client commands (SlurmClusterActions: `scontrol` with this process's SLURM_CONF).
 */
export function slurmActionsFor(config: Config, source: 'slurmrestd' | 'slurm-cli', logger: Logger): ClusterActions {
  const clusterId = config.slurm.clusterId;
  if (source === 'slurm-cli') return new SlurmClusterActions({ clusterId, logger });
  const { restUrl, user, jwt } = config.slurm;
  if (restUrl === undefined || user === undefined || jwt === undefined) {
    throw new InvalidInputError(
      'the slurmrestd collector needs VGAC_SLURMRESTD_URL, VGAC_SLURM_USER and VGAC_SLURM_JWT',
    );
  }
  const secrets: SecretSource = { get: () => Promise.resolve(jwt) };
  return new SlurmrestdClusterActions({
    clusterId,
    baseUrl: restUrl,
    userName: user,
    secrets,
    jwtSecretName: LOCAL_JWT_SECRET,
    logger,
  });
}

/**
 * The configured live-Slurm job lookup (questions about one job): slurmrestd's job, jobs and
 * partitions (the same URL, user and JWT as the observer) or the client commands (`scontrol`,
 * `squeue`).
 */
export function slurmJobLookupFor(config: Config, source: 'slurmrestd' | 'slurm-cli'): JobLookup {
  if (source === 'slurm-cli') return new SlurmCliJobLookup({ timeoutMs: config.agents.observeTimeoutMs });
  const { restUrl, user, jwt, apiVersion } = config.slurm;
  if (restUrl === undefined || user === undefined || jwt === undefined) {
    throw new InvalidInputError(
      'the slurmrestd collector needs VGAC_SLURMRESTD_URL, VGAC_SLURM_USER and VGAC_SLURM_JWT',
    );
  }
  return new SlurmrestdJobLookup({
    baseUrl: restUrl,
    userName: user,
    secrets: { get: () => Promise.resolve(jwt) },
    jwtSecretName: LOCAL_JWT_SECRET,
    apiVersion,
    timeoutMs: config.agents.observeTimeoutMs,
  });
}

/**
 * The live Slurm as the agents' route, for VGAC_SLURM_CLUSTER_ID: its observer, actions and job
 * lookup (questions about one job), all through the same source.
 */
export function liveSlurmRoute(
  config: Config,
  source: 'slurmrestd' | 'slurm-cli',
  logger: Logger,
): ClusterRoute & { readonly observer: ClusterObserver & { totalGpus(): Promise<number> } } {
  return {
    clusterId: config.slurm.clusterId,
    observer: slurmObserverFor(config, source),
    actions: slurmActionsFor(config, source, logger),
    jobLookup: slurmJobLookupFor(config, source),
  };
}

/**
 * Registers the Slurm cluster from the KTH prior when it is new (idempotent), then starts polling.
 * @throws InvalidInputError when Slurm has no GPUs or the trace is missing; the observer's errors when Slurm is unreachable at start.
 */
export async function startLiveSlurmCollector(options: {
  readonly config: Config;
  readonly learning: LearningDeps;
  readonly source: 'slurmrestd' | 'slurm-cli';
  readonly sharedDataDir: string;
  /** The observer the agents use for this cluster (liveSlurmRoute), so both see one Slurm; default: a new one. */
  readonly observer?: ClusterObserver & { totalGpus(): Promise<number> };
  /** Runs after each listing (the stack's job notifications). */
  readonly afterTick?: (state: ClusterState) => Promise<void>;
}): Promise<LiveSlurmCollector> {
  const { config, learning } = options;
  const clusterId = config.slurm.clusterId;
  const observer = options.observer ?? slurmObserverFor(config, options.source);
  if ((await learning.calibration.current(clusterId)) === undefined) {
    const totalGpus = await observer.totalGpus();
    if (totalGpus < 1)
      throw new InvalidInputError(`the Slurm cluster '${clusterId}' has no GPUs (gres gpu) on nodes that can run jobs`);
    const tracePath = join(options.sharedDataDir, SLURM_PRIOR_TRACE);
    const text = await readFile(tracePath, 'utf8').catch(() => {
      throw new InvalidInputError(`cannot read the prior's trace '${tracePath}' (set VGAC_SHARED_DATA)`);
    });
    const random = seededRandom(PRIOR_SEED);
    const table = liveFeatureTable(importSwf(text).jobs, {
      totalGpus,
      rows: PRIOR_ROWS,
      random,
      source: SLURM_PRIOR_TRACE,
    });
    const prior = trainBundle(table, { random, source: tracePath, dataHash: sha256Hex(text), hash: sha256Hex });
    await registerCluster(learning, { clusterId, prior, platform: 'slurm', nowMs: Date.now() });
  }
  const runner = startCollectorRunner({
    clusterId,
    observer,
    learning,
    intervalMs: config.slurm.collectIntervalMs,
    ...(options.afterTick === undefined ? {} : { afterTick: options.afterTick }),
  });
  learning.logger.info('slurm.collector_started', {
    clusterId,
    source: options.source,
    intervalMs: config.slurm.collectIntervalMs,
  });
  return { clusterId, runner };
}

/**
 * `vgac agent --push URL`: submit-time capture on a login node, pushed to the deployed API
 * (app/collection/push-agent.ts) through a spool on disk (adapters/spool/file-event-spool.ts)
 * and an HTTP publisher with retries and back-off (adapters/vgac-api/http-queue-event-publisher.ts).
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createPushAgent, DEFAULT_QUEUE_STATE_INTERVAL_MS } from '../../../app/collection/push-agent.ts';
import { DEFAULT_CAPTURE_INTERVAL_MS } from '../../../app/collection/submit-capture.ts';
import { SlurmCliJobLookup } from '../../../adapters/collectors/slurm-cli-job-lookup.ts';
import { SlurmCliObserver, SlurmJobSource } from '../../../adapters/collectors/slurm-cli-observer.ts';
import { createPowertoolsLogger } from '../../../adapters/logging/powertools-logger.ts';
import { FileEventSpool } from '../../../adapters/spool/file-event-spool.ts';
import { HttpQueueEventPublisher } from '../../../adapters/vgac-api/http-queue-event-publisher.ts';
import { HttpQueueStatePublisher } from '../../../adapters/vgac-api/http-queue-state-publisher.ts';
import { VgacApiSender } from '../../../adapters/vgac-api/vgac-api-sender.ts';
import { InvalidInputError } from '../../../core/errors.ts';
import { loadConfig, type Config } from '../../config.ts';
import { startPushAgentRunner } from '../../agent/push-agent-runner.ts';
import { choiceOption, requireOption } from '../parse-command-options.ts';
import { MIN_AGENT_INTERVAL_SECONDS, options } from './agent-usage.ts';

const CLUSTER_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const LOCK_FILE = 'agent.pid';

/** The API's base URL: https anywhere, http only to this machine (the key must not cross a network in clear). */
function pushUrlOf(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidInputError(`--push must be the API's base URL (https://…), got '${text.slice(0, 200)}'`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && (LOOPBACK_HOSTS.has(url.hostname) || url.hostname.startsWith('127.'))) return url;
  throw new InvalidInputError(
    `--push must use https (http only to a loopback address), got '${url.protocol}//${url.host}'`,
  );
}

function intervalMsOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_CAPTURE_INTERVAL_MS;
  const seconds = Number(text);
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds < MIN_AGENT_INTERVAL_SECONDS || seconds > 3600) {
    throw new InvalidInputError(
      `--interval must be a number of seconds from ${MIN_AGENT_INTERVAL_SECONDS} to 3600, got '${text}'`,
    );
  }
  return Math.round(seconds * 1000);
}

async function apiKeyOf(file: string | undefined, config: Config): Promise<string | undefined> {
  if (file === undefined) return config.apiKey;
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new InvalidInputError(`cannot read --api-key-file '${file}' (${errorCode(error)})`);
  });
  const key = text.split('\n')[0]?.trim() ?? '';
  if (key.length < 16)
    throw new InvalidInputError(
      `--api-key-file '${file}' does not start with an API key (at least 16 characters on its first line)`,
    );
  return key;
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'error';
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === 'EPERM';
  }
}

/** One agent per spool: two would append to the same files and acknowledge each other's events. */
async function lockSpool(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, LOCK_FILE);
  const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
  if (Number.isSafeInteger(holder) && holder > 0 && holder !== process.pid && pidAlive(holder)) {
    throw new InvalidInputError(
      `the spool '${dir}' is in use by another vgac agent (pid ${holder}); give each agent its own --spool`,
    );
  }
  await writeFile(path, `${process.pid}\n`, { mode: 0o600 });
  return () => rm(path, { force: true });
}

export async function run(args: readonly string[]): Promise<number> {
  // main checked the options against agent-usage.ts before loading this module.
  const { values } = parseArgs({ args: [...args], options });
  const config = loadConfig();
  const pushUrl = pushUrlOf(requireOption('agent', 'push', values.push));
  const clusterId = values.cluster ?? config.slurm.clusterId;
  if (!CLUSTER_ID.test(clusterId))
    throw new InvalidInputError(
      `--cluster must be a cluster id (letters, digits, . _ : -), got '${clusterId.slice(0, 130)}'`,
    );
  const intervalMs = intervalMsOf(values.interval);
  const jobSource =
    choiceOption('job-source', values['job-source'], [SlurmJobSource.squeueJson, SlurmJobSource.scontrol]) ??
    SlurmJobSource.squeueJson;
  const apiKey = await apiKeyOf(values['api-key-file'], config);
  const spoolDir =
    values.spool ?? join(config.stateHome ?? join(homedir(), '.local', 'state'), 'vgac', 'agent', clusterId);

  const logger = createPowertoolsLogger({ serviceName: config.lambda.serviceName, level: config.logLevel });
  await mkdir(spoolDir, { recursive: true, mode: 0o700 }).catch((error: unknown) => {
    throw new InvalidInputError(`cannot create the spool directory '${spoolDir}' (${errorCode(error)})`);
  });
  const unlock = await lockSpool(spoolDir);
  const spool = await FileEventSpool.open(spoolDir);
  // Events and the queue state share one sender: one circuit breaker pauses both while the API is down.
  const sender = new VgacApiSender({ baseUrl: pushUrl.href, ...(apiKey === undefined ? {} : { apiKey }) });
  const publisher = new HttpQueueEventPublisher({ sender });
  const observer = new SlurmCliObserver({ timeoutMs: config.agents.observeTimeoutMs, jobSource });
  const lookup = new SlurmCliJobLookup({ timeoutMs: config.agents.observeTimeoutMs });
  const agent = createPushAgent(
    {
      observer,
      spool,
      publisher,
      logger,
      queueState: {
        publisher: new HttpQueueStatePublisher({ sender }),
        partitions: () => lookup.partitions(),
        intervalMs: Math.max(intervalMs, DEFAULT_QUEUE_STATE_INTERVAL_MS),
        clock: () => Date.now(),
      },
    },
    { clusterId, startedAtMs: Date.now() },
  );
  const runner = startPushAgentRunner({ agent, intervalMs, logger, clusterId });
  await runner.ready;
  logger.info('agent.started', {
    clusterId,
    push: pushUrl.origin,
    apiKey: apiKey === undefined ? 'off' : 'set',
    spool: spoolDir,
    replaying: spool.recovery.pending,
    skippedSpoolLines: spool.recovery.skippedLines,
    intervalMs,
    jobSource,
  });

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  // A second signal while stopping ends at once; the spool is safe on disk either way.
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
  await runner.stop();
  await spool.close();
  await unlock();
  logger.info('agent.stopped', { clusterId, signal, pending: spool.size() });
  return 0;
}

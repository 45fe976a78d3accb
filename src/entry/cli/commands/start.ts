/**
 * `vgac start [--speed N] [--port P] [--data-dir D] [--no-sim] [--verbose]` (`npm start`): the
 * whole system on one machine with embedded defaults — dynalite and s3rver under the data
 * directory, the API, the Slack route, the AgentCore endpoint and the dashboard on one port, and
 * two simulated clusters replaying the reference traces at an accelerated clock. Prints the URLs
 * and what to try; Ctrl-C stops cleanly; a second start continues from the stored state.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createJsonLinesFileLogger } from '../../../adapters/logging/json-lines-file-logger.ts';
import type { Logger } from '../../../app/ports/logger.ts';
import { InvalidInputError } from '../../../core/errors.ts';
import { describeConfig, loadConfig, type Config } from '../../config.ts';
import { liveSlurmRoute, startLiveSlurmCollector } from '../../local/slurm-collector.ts';
import { platformRoutes } from '../../platform-routes.ts';
import { sharedDataDir } from '../../shared-data-dir.ts';
import { SERVICE_NAME } from '../../runtime.ts';
import { formatStartBanner, formatProgressLine } from '../../local/start-banner.ts';
import { nodeVersionNotice } from '../../node-version.ts';
import { startStack } from '../../local/start-stack.ts';
import { DEFAULT_SIMULATION_SPEED } from '../../local/simulation-speed.ts';
import { integerOption, parseCommandOptions } from '../parse-command-options.ts';
import { LOG_FILE, options } from './start-usage.ts';

/** Seconds between two progress lines on the terminal. */
export const PROGRESS_EVERY_MS = 10_000;

/**
 * The live Slurm to capture from, if any: `--collector slurm` (slurmrestd when VGAC_SLURMRESTD_URL
 * is set, else the client commands) or VGAC_COLLECTOR=slurmrestd / slurm-cli; `--collector sim`
 * (the default) keeps only the simulation.
 */
export function liveSlurmSource(flag: string | undefined, config: Config): 'slurmrestd' | 'slurm-cli' | undefined {
  if (flag !== undefined && flag !== 'slurm' && flag !== 'sim')
    throw new InvalidInputError(`--collector must be 'sim' or 'slurm', got '${flag}'`);
  if (flag === 'sim') return undefined;
  const configured = config.lambda.collector;
  if (configured === 'slurmrestd' || configured === 'slurm-cli') return configured;
  if (flag === 'slurm') return config.slurm.restUrl === undefined ? 'slurm-cli' : 'slurmrestd';
  return undefined;
}

function speedOption(value: string | undefined): number {
  if (value === undefined) return DEFAULT_SIMULATION_SPEED;
  const speed = Number(value);
  if (value.trim() === '' || !Number.isFinite(speed) || speed <= 0 || speed > 100_000)
    throw new InvalidInputError(`--speed must be a number in (0, 100000], got '${value}'`);
  return speed;
}

export async function run(args: readonly string[]): Promise<number> {
  const values = parseCommandOptions('start', args, options);
  const speed = speedOption(values.speed);
  const overrides = {
    ...(values['data-dir'] === undefined ? {} : { dataDir: values['data-dir'] }),
    ...(values.port === undefined ? {} : { httpPort: integerOption('port', values.port, 0, 0) }),
  };
  const config = loadConfig(undefined, overrides);
  if (config.httpPort > 65_535) throw new InvalidInputError(`--port must be ≤ 65535, got ${config.httpPort}`);
  const simulate = values['no-sim'] !== true;

  await mkdir(config.dataDir, { recursive: true });
  const fileLogger =
    values.verbose === true
      ? undefined
      : createJsonLinesFileLogger({
          path: join(config.dataDir, LOG_FILE),
          serviceName: SERVICE_NAME,
          echo: process.stderr,
        });
  process.stdout.write(
    `vgac: starting (data in ${config.dataDir}${simulate ? `, simulation at ${speed}×` : ', no simulation'})…\n`,
  );
  const nodeNotice = nodeVersionNotice(process.versions.node);
  if (nodeNotice !== undefined) process.stderr.write(`${nodeNotice}\n`);
  const slurmSource = liveSlurmSource(values.collector, config);
  let slurmRoute: ReturnType<typeof liveSlurmRoute> | undefined;
  const stack = await startStack({
    config,
    simulate,
    speed,
    // The live Slurm's jobs are observed and changed (as the gate allows) through Slurm itself.
    // A VGAC platform's clusters (VGAC_COLLECTOR=vgac-api) are predicted through it.
    liveClusters: (logger: Logger) => [
      ...(slurmSource === undefined ? [] : [(slurmRoute = liveSlurmRoute(config, slurmSource, logger))]),
      ...platformRoutes(config),
    ],
    ...(config.sharedDataDir === undefined ? {} : { sharedDataDir: config.sharedDataDir }),
    ...(fileLogger === undefined ? {} : { logger: fileLogger }),
  }).catch(async (error: unknown) => {
    await fileLogger?.close();
    throw error;
  });
  stack.runtime.logger.info('config', describeConfig(config));
  const live =
    slurmSource === undefined
      ? undefined
      : await startLiveSlurmCollector({
          config,
          learning: stack.learning,
          source: slurmSource,
          sharedDataDir: sharedDataDir(config.sharedDataDir),
          ...(slurmRoute === undefined ? {} : { observer: slurmRoute.observer }),
          afterTick: (state) => stack.notifyJobSubscribers(state),
        }).catch(async (error: unknown) => {
          await stack.close();
          await fileLogger?.close();
          throw error;
        });
  if (live !== undefined)
    process.stdout.write(
      `vgac: capturing live Slurm cluster '${live.clusterId}' through ${slurmSource} every ${config.slurm.collectIntervalMs} ms\n`,
    );
  process.stdout.write(
    formatStartBanner({
      url: stack.url,
      portFallback: stack.portFallback,
      clusterIds: stack.clusterIds,
      simulate: stack.simulator !== null,
      speed,
      slackEnabled: stack.slackEnabled,
      slackSecret: stack.slackSecret,
      slackResponseUrl: stack.slackResponseUrl,
      apiKey: config.apiKey,
      logFile: fileLogger === undefined ? null : join(config.dataDir, LOG_FILE),
    }),
  );

  const progress = setInterval(() => {
    if (stack.simulator !== null) process.stdout.write(`${formatProgressLine(stack.simulator.progress())}\n`);
  }, PROGRESS_EVERY_MS);
  progress.unref();

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  clearInterval(progress);
  process.stdout.write(`\nvgac: ${signal} received, stopping (simulation, HTTP server, storage)…\n`);
  // A second Ctrl-C while stopping forces the exit.
  process.once('SIGINT', () => process.exit(130));
  await live?.runner.stop();
  await stack.close();
  await fileLogger?.close();
  process.stdout.write('vgac: stopped cleanly; `npm start` again continues from the stored state.\n');
  return 0;
}

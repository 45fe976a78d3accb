/**
 * Everything `vgac start` runs, wired in one function so the CLI, the start-up smoke test and the
 * browser test start the same stack: embedded dynalite/s3rver (through `createRuntime`), the two
 * simulated clusters (priors trained and clusters registered at first start), the agents, the ONE
 * HTTP server (API, Slack route, AgentCore contract, dashboard) and the accelerated replay.
 * Maintenance that outcomes make due runs in the background (background-maintenance-scheduler.ts).
 * Outcomes posted to the API are folded in the background too (background-folds.ts).
 * `close()` stops in the safe order: replay (in-flight event finishes), HTTP server (in-flight
 * requests finish), background folds, background maintenance (drained), storage. A live collector (start.ts) is stopped before `close()`.
 */
import { resolve } from 'node:path';
import type { Hono } from 'hono';
import { DynamoCalibrationHistory } from '../../adapters/dynamodb/dynamo-calibration-history.ts';
import { ExpiredItemSweeper } from '../../adapters/dynamodb/expired-item-sweeper.ts';
import { DynamoPushedQueueStateStore } from '../../adapters/dynamodb/dynamo-pushed-queue-state-store.ts';
import { DynamoJobSubscriptionStore } from '../../adapters/dynamodb/dynamo-job-subscription-store.ts';
import { FetchSlackChatReplies } from '../../adapters/slack/fetch-slack-chat-replies.ts';
import { decideEscalation } from '../../app/agents/decide-escalation.ts';
import { observePredictDecide } from '../../app/agents/observe-predict-decide.ts';
import { InfrastructureError } from '../../app/errors.ts';
import { inProcessAgentRuntime } from '../../app/agents/in-process-agent-runtime.ts';
import type { DecideEscalation } from '../../app/http/http-deps.ts';
import { createCopilot } from '../../app/agents/ask-copilot.ts';
import type { PsiReference } from '../../app/http/dashboard-routes.ts';
import type { LearningDeps } from '../../app/learning/learning-deps.ts';
import { maintainCluster } from '../../app/learning/maintain-cluster.ts';
import { BackgroundFolds } from '../../app/learning/background-folds.ts';
import { foldPendingOutcomes } from '../../app/learning/fold-pending-outcomes.ts';
import { registerCluster } from '../../app/learning/register-cluster.ts';
import { routeClusters, type ClusterRoute } from '../../app/agents/cluster-routes.ts';
import type { Logger } from '../../app/ports/logger.ts';
import type { JobLookup } from '../../app/ports/job-lookup.ts';
import { notifyJobSubscribers, subscriberForecastThrottle } from '../../app/jobs/notify-job-subscribers.ts';
import type { ClusterState } from '../../app/records/queue.ts';
import { createSimulatedClusters, type SimulatedClusters } from '../../app/simulation/simulated-cluster.ts';
import type { SimulatedClusterTrace } from '../../app/simulation/simulated-job.ts';
import type { ModelBundle } from '../../core/model/bundle.ts';
import type { Config } from '../config.ts';
import { readDashboardAssets } from '../dashboard-assets.ts';
import { composeHttpApp, systemClock } from '../http-wiring.ts';
import { jobQuestionParts } from '../job-questions.ts';
import { createSlackApp, slackChannelNotifier } from '../slack-wiring.ts';
import type { SlackSecretSource } from './start-banner.ts';
import { createAgentWiring } from '../agent-wiring.ts';
import { createRuntime, type Runtime } from '../runtime.ts';
import { BackgroundMaintenanceScheduler } from './background-maintenance-scheduler.ts';
import { acceptedHostsFor, startHttpServer, type AcceptedHosts, type HttpServer } from './http-server.ts';
import { createLocalSlackResponses, newResponseToken } from './local-slack-responses.ts';
import { loadOrCreateLocalSecrets, SECRETS_FILE } from './local-secrets.ts';
import { loadSimulationData, resolveSharedDataDir, type SimulationData } from './simulation-traces.ts';
import { createSimulator, type Simulator } from './simulator.ts';
import { startExpirySweeps } from './expiry-sweeps.ts';

export interface StackOptions {
  readonly config: Config;
  /** Overrides `config.httpPort`; 0 picks a free port. */
  readonly port?: number;
  /** Trace ms per wall ms. */
  readonly speed?: number;
  /** false: no replay (the clusters are still registered when the data is there). */
  readonly simulate: boolean;
  /** Folder of the reference data (VGAC_SHARED_DATA); default `../shared/data` from the repository root. */
  readonly sharedDataDir?: string;
  readonly logger?: Logger;
  /** When the requested port is taken, listen on a free one instead of failing. Default true. */
  readonly fallbackPort?: boolean;
  /**
   * Live clusters (e.g. the Slurm of `--collector slurm`), built with the stack's logger: the
   * agents, the API and escalation decisions observe and act on each through its own observer
   * and actions; every other cluster is a simulated one.
   */
  readonly liveClusters?: (logger: Logger) => readonly ClusterRoute[];
  /** Where the Slack answers posted to the local response_url are printed; default: stdout. */
  readonly writeSlackAnswer?: (text: string) => void;
  /** The shortest dashboard refresh interval the server announces, ms; default {@link LOCAL_DASHBOARD_REFRESH_MS}. */
  readonly dashboardRefreshMs?: number;
}

/**
 * The shortest dashboard refresh interval a local server announces, ms: one aggregate request
 * per refresh costs nothing on a laptop, so the page stays lively (a deployed API announces
 * DEPLOYED_DASHBOARD_REFRESH_SECONDS instead).
 */
export const LOCAL_DASHBOARD_REFRESH_MS = 2_000;

export interface Stack {
  readonly url: string;
  /** The one HTTP app the server serves (composeHttpApp). */
  readonly app: Hono;
  /** Set when the requested port was taken and another one was used. */
  readonly portFallback: { readonly requested: number; readonly used: number } | null;
  readonly runtime: Runtime;
  readonly learning: LearningDeps;
  /** Where due maintenance runs; `drain()` waits for it (tests). */
  readonly maintenance: BackgroundMaintenanceScheduler;
  /** Where the API's outcomes are folded; `drain()` waits for the folds (tests). */
  readonly folds: BackgroundFolds;
  readonly simulator: Simulator | null;
  readonly clusters: SimulatedClusters;
  readonly clusterIds: readonly string[];
  /** Where the Slack signing secret in use can be read (the environment or `.vgac/secrets.json`), never the secret. */
  readonly slackSecret: SlackSecretSource | undefined;
  /** Whether the Slack routes are served. */
  readonly slackEnabled: boolean;
  /** The local stand-in for Slack's response_url, with this start's token: answers posted there are printed. */
  readonly slackResponseUrl: string;
  /**
   * Tells a cluster's job subscribers what changed in a listing (the collector loop runs it after
   * each poll): Slack direct messages through VGAC_SLACK_BOT_TOKEN; without a token subscriptions
   * are kept but nothing is sent (logged once).
   */
  notifyJobSubscribers(state: ClusterState): Promise<void>;
  close(): Promise<void>;
}

const DASHBOARD_DIR = new URL('./dashboard/', import.meta.url);

/** Registers each simulated cluster that is not registered yet, training the shared prior at most once. */
async function registerSimulatedClusters(learning: LearningDeps, data: SimulationData, logger: Logger): Promise<void> {
  let prior: ModelBundle | undefined;
  for (const trace of data.traces) {
    if ((await learning.calibration.current(trace.clusterId)) !== undefined) continue;
    if (prior === undefined) {
      const startedMs = Date.now();
      prior = data.trainPrior();
      logger.info('simulation.prior_trained', {
        bundleId: prior.bundleId,
        source: prior.training.source,
        rows: prior.training.rows,
        trainingMs: Date.now() - startedMs,
      });
    }
    const nowMs = Date.now();
    // Every cluster starts from the EKS model, with its own long-wait threshold: its trace's P90.
    await registerCluster(learning, {
      clusterId: trace.clusterId,
      prior,
      platform: trace.platform,
      nowMs,
      longWaitThresholdSeconds: trace.longWaitThresholdSeconds,
    });
  }
}

/** PSI reference: every simulated cluster starts from the EKS prior, so its training columns are the reference. */
function psiReferenceOf(traces: readonly SimulatedClusterTrace[]): PsiReference {
  const eks = traces.find((trace) => trace.platform === 'kubernetes');
  const columns: Record<string, Float64Array> = {};
  if (eks !== undefined) {
    for (const name of [
      'pending_ratio',
      'queue_depth_norm',
      'fragmentation_score',
      'congestion_score',
      'total_pending',
      'running_gpus',
    ]) {
      columns[name] = Float64Array.from(eks.jobs, (job) => Number(job.features[name] ?? 0));
    }
  }
  const ids = new Set(traces.map((trace) => trace.clusterId));
  return (clusterId) => (ids.has(clusterId) && eks !== undefined ? columns : undefined);
}

async function listen(
  app: Hono,
  host: string,
  port: number,
  fallback: boolean,
  acceptedHosts: AcceptedHosts,
): Promise<{ server: HttpServer; portFallback: Stack['portFallback'] }> {
  try {
    return { server: await startHttpServer(app, { host, port, acceptedHosts }), portFallback: null };
  } catch (error) {
    const code =
      error instanceof InfrastructureError && error.cause instanceof Error
        ? (error.cause as NodeJS.ErrnoException).code
        : undefined;
    if (!fallback || port === 0 || code !== 'EADDRINUSE') throw error;
    const server = await startHttpServer(app, { host, port: 0, acceptedHosts });
    return { server, portFallback: { requested: port, used: server.port } };
  }
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const { config } = options;
  const secrets = config.mode === 'embedded' ? await loadOrCreateLocalSecrets(config.dataDir) : undefined;
  const slackSigningSecret = config.slack.signingSecret ?? secrets?.slackSigningSecret;
  const slackSecret: SlackSecretSource | undefined =
    config.slack.signingSecret !== undefined
      ? { kind: 'environment', variable: 'VGAC_SLACK_SIGNING_SECRET' }
      : secrets === undefined
        ? undefined
        : { kind: 'file', path: resolve(config.dataDir, SECRETS_FILE) };
  // Resolve the data before starting anything, so a missing folder fails fast with nothing to clean up.
  const data = options.simulate
    ? await loadSimulationData(resolveSharedDataDir(options.sharedDataDir))
    : await loadSimulationData(resolveSharedDataDir(options.sharedDataDir)).catch(() => undefined);

  // One `vgac start` per data directory; other commands (`vgac ask`, `vgac budget`) share its servers.
  const runtime = await createRuntime(config, {
    whenDataDirInUse: 'refuse',
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  const cleanups: (() => Promise<void>)[] = [() => runtime.close()];
  const cleanup = async (): Promise<void> => {
    for (const step of cleanups.reverse()) await step();
  };
  try {
    const { logger } = runtime;
    const tableClient = { client: runtime.clients.dynamo, tableName: config.table };
    if (config.mode === 'embedded') {
      // dynalite keeps expired items for good; on AWS the table's TTL deletes them.
      const sweeps = startExpirySweeps(new ExpiredItemSweeper(tableClient), {
        nowMs: () => systemClock.nowMs(),
        logger,
      });
      cleanups.push(() => sweeps.stop());
    }
    const history = new DynamoCalibrationHistory(tableClient);
    let simulator: Simulator | null = null;
    const maintenance = new BackgroundMaintenanceScheduler({
      // `learning` is read when maintenance runs, after it is built below.
      run: (clusterId) => maintainCluster(learning, { clusterId, nowMs: systemClock.nowMs() }),
      logger,
      onResult: (clusterId, result) => simulator?.countMaintenance(clusterId, result),
    });
    // Drained after everything that records outcomes has stopped, before the stores close.
    cleanups.push(() => maintenance.close());
    const learning: LearningDeps = { ...runtime.learning, history, maintenance };
    // Outcomes posted to the API are answered once durably queued and folded moments later, many
    // per write of the learning record; closed before maintenance (a fold may schedule one).
    const folds = new BackgroundFolds({
      fold: (clusterId) => foldPendingOutcomes(learning, { clusterId, nowMs: systemClock.nowMs() }),
      logger,
    });
    cleanups.push(() => folds.close());
    const served: LearningDeps = { ...learning, folds };
    const traces = data?.traces ?? [];
    if (data !== undefined) await registerSimulatedClusters(learning, data, logger);

    const clusters = createSimulatedClusters(traces);
    // Escalations and act-and-notify decisions reach people in Slack when a channel and bot token are set; else log lines.
    const notifier = slackChannelNotifier(config);
    const liveRoutes = options.liveClusters?.(logger) ?? [];
    const routed = routeClusters(liveRoutes, { observer: clusters, actions: clusters });
    // A live Slurm's own lookup; any other cluster from the queue state its agent pushes here.
    const queueStates = new DynamoPushedQueueStateStore(tableClient);
    const { jobLookup, jobObserver } = jobQuestionParts({
      queueStates,
      observer: routed.observer,
      liveLookup: (clusterId: string): JobLookup | undefined =>
        liveRoutes.find((route) => route.clusterId === clusterId)?.jobLookup,
      clock: () => systemClock.nowMs(),
    });
    const subscriptions = new DynamoJobSubscriptionStore(tableClient);
    const wiring = createAgentWiring(
      { ...runtime, learning },
      { observer: routed.observer, actions: routed.actions, ...(notifier === undefined ? {} : { notifier }) },
    );
    const { deps: agents, escalations, ledger } = wiring;

    const nowMs = (): number => systemClock.nowMs();
    const decide: DecideEscalation = (request) =>
      decideEscalation({ escalations, actions: routed.actions, logger }, request);
    const slackApp =
      slackSigningSecret === undefined
        ? undefined
        : createSlackApp(runtime, {
            ask: createCopilot(
              {
                learning,
                runtime: inProcessAgentRuntime(agents, nowMs),
                jobs: { learning, observer: jobObserver, jobLookup, registry: learning.registry, subscriptions },
              },
              config.defaultClusterId === undefined ? {} : { defaultClusterId: config.defaultClusterId },
            ),
            decideEscalation: decide,
            signingSecret: slackSigningSecret,
          });
    if (slackApp !== undefined) cleanups.push(() => slackApp.drain());
    const slack = slackApp?.routes;
    // Stands in for Slack's response_url locally: the answer of the banner's example command is
    // printed in the terminal that runs `vgac start`, only when posted to this start's token.
    const localResponses = createLocalSlackResponses(
      newResponseToken(),
      options.writeSlackAnswer ?? ((text) => void process.stdout.write(text)),
    );
    const app = composeHttpApp({
      runtime: {
        config,
        learning: served,
        logger,
        ...(runtime.health === undefined ? {} : { health: runtime.health }),
      },
      observer: routed.observer,
      jobLookup,
      jobObserver,
      queueStates,
      escalations,
      decideEscalation: decide,
      agents: inProcessAgentRuntime(agents, nowMs),
      dashboard: {
        assets: await readDashboardAssets(DASHBOARD_DIR),
        learning,
        history,
        ledger,
        escalations,
        psiReference: psiReferenceOf(traces),
        minRefreshIntervalMs: options.dashboardRefreshMs ?? LOCAL_DASHBOARD_REFRESH_MS,
        logger,
      },
      extraMounts: [localResponses.routes],
      ...(slack === undefined ? {} : { slack }),
    });
    const requestedPort = options.port ?? config.httpPort;
    const { server, portFallback } = await listen(
      app,
      config.host,
      requestedPort,
      options.fallbackPort ?? true,
      acceptedHostsFor(config.apiKey),
    );
    cleanups.push(() => server.close());

    if (options.simulate && traces.length > 0) {
      simulator = await createSimulator(
        { learning, clusters, decide: (request) => observePredictDecide(agents, request) },
        traces,
        {
          logger,
          ...(options.speed === undefined ? {} : { speed: options.speed }),
        },
      );
      const running = simulator;
      cleanups.push(() => running.stop());
      simulator.start();
    }
    logger.info('stack.started', {
      url: server.url,
      simulate: simulator !== null,
      clusters: traces.map((trace) => trace.clusterId),
      slack: slack !== undefined,
    });

    const botToken = config.slack.botToken;
    const chat =
      botToken === undefined ? undefined : new FetchSlackChatReplies({ botToken, apiUrl: config.slack.apiUrl });
    if (chat === undefined && liveRoutes.length > 0)
      logger.warn('job.notifications_off', {
        reason: 'VGAC_SLACK_BOT_TOKEN is not set: "notify me" subscriptions are kept, no direct message is sent',
      });
    const forecasts = subscriberForecastThrottle(config.subscriberForecastIntervalMs);
    const notify = async (state: ClusterState): Promise<void> => {
      if (chat === undefined) return;
      await notifyJobSubscribers({ learning, subscriptions, chat, forecasts }, state, systemClock.nowMs());
    };

    let closing: Promise<void> | undefined;
    return {
      url: server.url,
      app,
      portFallback,
      runtime,
      learning,
      maintenance,
      folds,
      simulator,
      clusters,
      clusterIds: traces.map((trace) => trace.clusterId),
      slackSecret,
      slackEnabled: slack !== undefined,
      slackResponseUrl: `${server.url}${localResponses.path}`,
      notifyJobSubscribers: notify,
      close: () => (closing ??= cleanup()),
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

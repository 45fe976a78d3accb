/**
 * What the agents behind the API and Slack functions, and the AgentCore Runtime's server,
 * observe and act through, and where they run:
 * - queue state: for the clusters of a VGAC platform (VGAC_COLLECTOR=vgac-api, VGAC_PLATFORM_URL,
 *   VGAC_PLATFORM_CLUSTERS) the platform's prediction API, as `vgac start` does, its key read from
 *   SSM at cold start; for every other cluster the latest state stored for it (the collector
 *   function stores one with every prediction at a job's submit instant, as does
 *   `POST /api/predict/wait` with a job_id); its age is the answer's `observedAtMs`, and a cluster
 *   with none gets "cannot predict now";
 * - actions: none — these observe the queue read-only, so an action the gate allows or a human
 *   approves ends `failed` with that reason, never a claimed change to a real job;
 * - notices (act-and-notify, escalations): the alert topic, which the alerts function posts to
 *   Slack with Approve / Reject; log lines when no topic is configured;
 * - where the agents run: the deployed AgentCore Runtime when VGAC_AGENTCORE_RUNTIME_ARN is set
 *   (the API and Slack functions), else in this process.
 */
import { loggingNotifier } from '../../app/agents/logging-notifier.ts';
import { routeClusters } from '../../app/agents/cluster-routes.ts';
import { storedStateObserver } from '../../app/agents/stored-state-observer.ts';
import { unavailableClusterActions } from '../../app/agents/unavailable-cluster-actions.ts';
import type { AgentRuntime } from '../../app/ports/agent-runtime.ts';
import type { ClusterActions } from '../../app/ports/cluster-actions.ts';
import type { ClusterObserver } from '../../app/ports/cluster-observer.ts';
import type { Notifier } from '../../app/ports/notifier.ts';
import type { SecretSource } from '../../app/ports/secret-source.ts';
import type { Config } from '../config.ts';
import { platformRoutes } from '../platform-routes.ts';
import { lazyAgentCoreRuntime } from './lazy-agentcore-runtime.ts';
import { lazySnsNotifier } from './lazy-sns-notifier.ts';
import type { LambdaRuntime } from './lambda-runtime.ts';

export const LAMBDA_ACTIONS_UNAVAILABLE =
  'this deployment observes the cluster read-only (no job changes from Lambda); act on the job in the scheduler yourself';

export interface LambdaAgentParts {
  readonly observer: ClusterObserver;
  readonly actions: ClusterActions;
  readonly notifier: Notifier;
  /** The deployed AgentCore Runtime; undefined: the agents run in this process. */
  readonly agentRuntime?: AgentRuntime;
}

/** Whether this configuration wraps a VGAC platform (the same test platformRoutes applies). */
function wrapsPlatform(config: Pick<Config, 'lambda' | 'platform'>): boolean {
  return config.lambda.collector === 'vgac-api' && config.platform.url !== undefined;
}

/**
 * The VGAC platform's API key: VGAC_PLATFORM_API_KEY, else the SSM parameter VGAC_PLATFORM_API_KEY_PARAM
 * (read once, at cold start), else none. Read only when a platform is wrapped. Never logged.
 */
export async function platformApiKeyOf(
  config: Pick<Config, 'lambda' | 'platform'>,
  secrets: SecretSource,
): Promise<string | undefined> {
  if (!wrapsPlatform(config) || config.platform.apiKey !== undefined) return config.platform.apiKey;
  return config.platform.apiKeyParameter === undefined ? undefined : secrets.get(config.platform.apiKeyParameter);
}

export function lambdaAgentParts(
  runtime: Pick<LambdaRuntime, 'config' | 'learning' | 'logger' | 'tracer'>,
  secrets: { readonly platformApiKey?: string } = {},
): LambdaAgentParts {
  const { config } = runtime;
  const topicArn = config.lambda.alertTopicArn;
  const routed = routeClusters(
    platformRoutes(config, secrets.platformApiKey === undefined ? {} : { apiKey: secrets.platformApiKey }),
    {
      observer: storedStateObserver(
        runtime.learning.predictions,
        'the collector function stores one at each submit; set CollectorSource, or POST /api/predict/wait with a job_id',
      ),
      actions: unavailableClusterActions(LAMBDA_ACTIONS_UNAVAILABLE),
    },
  );
  const { runtimeArn } = config.agentCore;
  return {
    observer: routed.observer,
    actions: routed.actions,
    notifier:
      topicArn === undefined
        ? loggingNotifier(runtime.logger)
        : lazySnsNotifier({
            region: config.region,
            endpoint: config.lambda.snsEndpoint,
            topicArn,
            tracer: runtime.tracer,
            callPolicy: config.callPolicy,
          }),
    ...(runtimeArn === undefined
      ? {}
      : {
          agentRuntime: lazyAgentCoreRuntime({
            region: config.region,
            endpoint: config.agentCore.endpoint,
            runtimeArn,
            qualifier: config.agentCore.qualifier,
            tracer: runtime.tracer,
          }),
        }),
  };
}

/**
 * The HTTP app as the API and Slack functions serve it — composeHttpApp, as `npm start` serves it,
 * with the parts a Lambda has: the prediction API, clusters, outcomes and escalations; the
 * AgentCore routes, whose `/invocations` runs in the deployed AgentCore Runtime when one is
 * configured (lambda-agent-parts.ts); the dashboard's JSON routes (with the page itself when its
 * assets are given) announcing {@link DEPLOYED_DASHBOARD_REFRESH_SECONDS} as the shortest refresh
 * interval — every request is billed here; and the Slack routes when a signing secret is known.
 * Built once per cold start by api.ts / slack.ts; tests build it against dynalite with their own parts.
 */
import { handle } from 'hono/aws-lambda';
import type { Hono } from 'hono';
import { DynamoJobSubscriptionStore } from '../../adapters/dynamodb/dynamo-job-subscription-store.ts';
import { DynamoPushedQueueStateStore } from '../../adapters/dynamodb/dynamo-pushed-queue-state-store.ts';
import { decideEscalation } from '../../app/agents/decide-escalation.ts';
import type { DashboardAssets } from '../../app/http/dashboard-routes.ts';
import { DEPLOYED_DASHBOARD_REFRESH_SECONDS } from '../../core/budget/dashboard-usage.ts';
import type { AgentDeps } from '../../app/agents/agent-deps.ts';
import type { SlackTask } from '../../app/http/slack/slack-task.ts';
import type { AgentRuntime } from '../../app/ports/agent-runtime.ts';
import type { ClusterActions } from '../../app/ports/cluster-actions.ts';
import type { ClusterObserver } from '../../app/ports/cluster-observer.ts';
import type { Notifier } from '../../app/ports/notifier.ts';
import type { TaskQueue } from '../../app/ports/task-queue.ts';
import { createAgentWiring, type AgentWiringRuntime } from '../agent-wiring.ts';
import { composeHttpApp, systemClock } from '../http-wiring.ts';
import { jobQuestionParts } from '../job-questions.ts';
import type { DependencyHealth } from '../../app/ports/dependency-health.ts';
import { createSlackApp, type SlackApp } from '../slack-wiring.ts';
import { lazyCopilot, lazyInProcessAgentRuntime } from './lazy-agents.ts';

export interface ApiAppOptions {
  /** A collector; default: the agents' wiring default. */
  readonly observer?: ClusterObserver;
  readonly actions?: ClusterActions;
  /** Who hears of act-and-notify decisions and escalations; default: the agents' wiring default (log lines). */
  readonly notifier?: Notifier;
  /** Where the agents run (`/invocations`, the Copilot): the deployed AgentCore Runtime; default: in this process. */
  readonly agentRuntime?: AgentRuntime;
  /** Secrets resolved by the entry (environment or SSM), overriding the configuration. */
  readonly apiKey?: string;
  readonly slackSigningSecret?: string;
  /** Where Slack's slow work goes; default in-process (fine locally, not on Lambda: see slack.ts). */
  readonly slackTasks?: TaskQueue<SlackTask>;
  /** Wraps the agents' deps once built (the Lambda entries attach metrics: metered-agent-deps.ts). */
  readonly instrumentAgents?: (deps: AgentDeps) => AgentDeps;
  /** The dashboard page, script and stylesheet (the API function serves them); without: only the dashboard's JSON routes. */
  readonly dashboardAssets?: DashboardAssets;
}

export interface ApiApp {
  readonly app: Hono;
  /** The Slack app when a signing secret is known. */
  readonly slack: SlackApp | undefined;
}

/** `runtime`: runtime.ts's Runtime (tests, local) or the Lambda runtime (lambda-runtime.ts). */
export function createApiApp(
  runtime: AgentWiringRuntime & { readonly health?: DependencyHealth },
  options: ApiAppOptions = {},
): ApiApp {
  const config = options.apiKey === undefined ? runtime.config : { ...runtime.config, apiKey: options.apiKey };
  const agents = createAgentWiring(runtime, {
    ...(options.observer === undefined ? {} : { observer: options.observer }),
    ...(options.actions === undefined ? {} : { actions: options.actions }),
    ...(options.notifier === undefined ? {} : { notifier: options.notifier }),
    // With the agents in AgentCore, this function calls no model: the in-process deps only carry escalations and the ledger.
    ...(options.agentRuntime === undefined ? {} : { reasoner: 'offline' as const }),
  });
  const deps = options.instrumentAgents?.(agents.deps) ?? agents.deps;
  // In this process, the agents' code is imported on the first invocation or question (lazy-agents.ts).
  const agentRuntime = options.agentRuntime ?? lazyInProcessAgentRuntime(deps, () => systemClock.nowMs());
  const decide = (request: Parameters<typeof decideEscalation>[1]) =>
    decideEscalation(
      { escalations: deps.escalations, actions: deps.actions, logger: runtime.logger, dryRun: deps.dryRun },
      request,
    );
  // No scheduler is reachable from a function: a job is answered from the queue state its cluster's
  // agent pushes (`vgac agent --push`), else from its stored prediction.
  const queueStates = new DynamoPushedQueueStateStore({ client: runtime.clients.dynamo, tableName: config.table });
  const jobs = jobQuestionParts({ queueStates, observer: deps.observer, clock: () => systemClock.nowMs() });
  const signingSecret = options.slackSigningSecret ?? config.slack.signingSecret;
  const slack =
    signingSecret === undefined
      ? undefined
      : createSlackApp(
          { ...runtime, config },
          {
            ask: lazyCopilot(
              {
                learning: runtime.learning,
                runtime: agentRuntime,
                jobs: {
                  learning: runtime.learning,
                  observer: jobs.jobObserver,
                  jobLookup: jobs.jobLookup,
                  registry: runtime.learning.registry,
                  subscriptions: new DynamoJobSubscriptionStore({
                    client: runtime.clients.dynamo,
                    tableName: config.table,
                  }),
                },
              },
              config.defaultClusterId === undefined ? {} : { defaultClusterId: config.defaultClusterId },
            ),
            decideEscalation: decide,
            signingSecret,
            ...(options.slackTasks === undefined ? {} : { tasks: options.slackTasks }),
          },
        );
  const app = composeHttpApp({
    runtime: {
      config,
      learning: runtime.learning,
      logger: runtime.logger,
      ...(runtime.health === undefined ? {} : { health: runtime.health }),
    },
    observer: deps.observer,
    jobLookup: jobs.jobLookup,
    jobObserver: jobs.jobObserver,
    queueStates,
    escalations: deps.escalations,
    decideEscalation: decide,
    agents: agentRuntime,
    dashboard: {
      ...(options.dashboardAssets === undefined ? {} : { assets: options.dashboardAssets }),
      learning: runtime.learning,
      ...(runtime.learning.history === undefined ? {} : { history: runtime.learning.history }),
      ledger: agents.ledger,
      escalations: agents.escalations,
      minRefreshIntervalMs: DEPLOYED_DASHBOARD_REFRESH_SECONDS * 1000,
      logger: runtime.logger,
    },
    ...(slack === undefined ? {} : { slack: slack.routes }),
  });
  return { app, slack };
}

/** The API Gateway (HTTP API, payload v2) handler of an app. */
export function lambdaHandlerOf(app: Hono): ReturnType<typeof handle> {
  return handle(app);
}

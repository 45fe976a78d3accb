/**
 * The HTTP app as the API Lambda serves it: the prediction API, clusters, outcomes and
 * escalations, the AgentCore routes, the dashboard's JSON routes (with the page itself when its
 * assets are given) announcing {@link DEPLOYED_DASHBOARD_REFRESH_SECONDS} as the shortest refresh
 * interval — every request is billed here — and the Slack routes when a signing secret is known.
 * Built once per cold start by api.ts / slack.ts; tests build it against dynalite with their own parts.
 */
import { handle } from 'hono/aws-lambda';
import type { Hono } from 'hono';
import { createCopilot } from '../../app/agents/ask-copilot.ts';
import { decideEscalation } from '../../app/agents/decide-escalation.ts';
import { createAgentCoreRoutes } from '../../app/http/agentcore-routes.ts';
import { createHttpApp } from '../../app/http/app.ts';
import { createDashboardRoutes, type DashboardAssets } from '../../app/http/dashboard-routes.ts';
import { DEPLOYED_DASHBOARD_REFRESH_SECONDS } from '../../core/budget/dashboard-usage.ts';
import type { SlackTask } from '../../app/http/slack/slack-task.ts';
import type { AgentDeps } from '../../app/agents/agent-deps.ts';
import type { ClusterActions } from '../../app/ports/cluster-actions.ts';
import type { ClusterObserver } from '../../app/ports/cluster-observer.ts';
import type { Notifier } from '../../app/ports/notifier.ts';
import type { TaskQueue } from '../../app/ports/task-queue.ts';
import { createAgentWiring, type AgentRuntime } from '../agent-wiring.ts';
import { createHttpDeps, systemClock } from '../http-wiring.ts';
import { createSlackApp, type SlackApp } from '../slack-wiring.ts';

export interface ApiAppOptions {
  /** A collector; default: the agents' wiring default. */
  readonly observer?: ClusterObserver;
  readonly actions?: ClusterActions;
  /** Who hears of act-and-notify decisions and escalations; default: the agents' wiring default (log lines). */
  readonly notifier?: Notifier;
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
export function createApiApp(runtime: AgentRuntime, options: ApiAppOptions = {}): ApiApp {
  const config = options.apiKey === undefined ? runtime.config : { ...runtime.config, apiKey: options.apiKey };
  const agents = createAgentWiring(runtime, {
    ...(options.observer === undefined ? {} : { observer: options.observer }),
    ...(options.actions === undefined ? {} : { actions: options.actions }),
    ...(options.notifier === undefined ? {} : { notifier: options.notifier }),
  });
  const deps = options.instrumentAgents?.(agents.deps) ?? agents.deps;
  const decide = (request: Parameters<typeof decideEscalation>[1]) =>
    decideEscalation({ escalations: agents.escalations, actions: deps.actions, logger: runtime.logger, dryRun: deps.dryRun }, request);
  const signingSecret = options.slackSigningSecret ?? config.slack.signingSecret;
  const slack =
    signingSecret === undefined
      ? undefined
      : createSlackApp(
          { ...runtime, config },
          {
            ask: createCopilot(deps, config.defaultClusterId === undefined ? {} : { defaultClusterId: config.defaultClusterId }),
            decideEscalation: decide,
            signingSecret,
            ...(options.slackTasks === undefined ? {} : { tasks: options.slackTasks }),
          },
        );
  const agentCore = createAgentCoreRoutes({ agents: deps, nowMs: () => systemClock.nowMs(), apiKey: config.apiKey, ...(config.defaultClusterId === undefined ? {} : { defaultClusterId: config.defaultClusterId }) });
  const { learning } = runtime;
  const dashboard = createDashboardRoutes({
    ...(options.dashboardAssets === undefined ? {} : { assets: options.dashboardAssets }),
    learning,
    ...(learning.history === undefined ? {} : { history: learning.history }),
    ledger: agents.ledger,
    escalations: agents.escalations,
    minRefreshIntervalMs: DEPLOYED_DASHBOARD_REFRESH_SECONDS * 1000,
    logger: runtime.logger,
  });
  const app = createHttpApp(
    createHttpDeps(
      { config, learning },
      { observer: deps.observer, escalations: agents.escalations, decideEscalation: decide, mounts: [agentCore, dashboard], ...(slack === undefined ? {} : { slack: slack.routes }) },
    ),
  );
  return { app, slack };
}

/** The API Gateway (HTTP API, payload v2) handler of an app. */
export function lambdaHandlerOf(app: Hono): ReturnType<typeof handle> {
  return handle(app);
}

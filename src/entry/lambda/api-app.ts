/**
 * The HTTP app as the API Lambda serves it: the prediction API, clusters, outcomes and
 * escalations, the AgentCore routes, and the Slack routes when a signing secret is known. Built
 * once per cold start by api.ts / slack.ts; tests build it against dynalite with their own parts.
 */
import { handle } from 'hono/aws-lambda';
import type { Hono } from 'hono';
import { createCopilot } from '../../app/agents/ask-copilot.ts';
import { decideEscalation } from '../../app/agents/decide-escalation.ts';
import { createAgentCoreRoutes } from '../../app/http/agentcore-routes.ts';
import { createHttpApp } from '../../app/http/app.ts';
import type { SlackTask } from '../../app/http/slack/slack-task.ts';
import type { ClusterActions, ClusterObserver, TaskQueue } from '../../app/ports.ts';
import { createAgentWiring } from '../agent-wiring.ts';
import { createHttpDeps, systemClock } from '../http-wiring.ts';
import type { Runtime } from '../runtime.ts';
import { createSlackApp, type SlackApp } from '../slack-wiring.ts';

export interface ApiAppOptions {
  /** A collector; default: the agents' wiring default. */
  readonly observer?: ClusterObserver;
  readonly actions?: ClusterActions;
  /** Secrets resolved by the entry (environment or SSM), overriding the configuration. */
  readonly apiKey?: string;
  readonly slackSigningSecret?: string;
  /** Where Slack's slow work goes; default in-process (fine locally, not on Lambda: see slack.ts). */
  readonly slackTasks?: TaskQueue<SlackTask>;
}

export interface ApiApp {
  readonly app: Hono;
  /** The Slack app when a signing secret is known. */
  readonly slack: SlackApp | undefined;
}

export function createApiApp(runtime: Runtime, options: ApiAppOptions = {}): ApiApp {
  const config = options.apiKey === undefined ? runtime.config : { ...runtime.config, apiKey: options.apiKey };
  const agents = createAgentWiring(runtime, {
    ...(options.observer === undefined ? {} : { observer: options.observer }),
    ...(options.actions === undefined ? {} : { actions: options.actions }),
  });
  const decide = (request: Parameters<typeof decideEscalation>[1]) =>
    decideEscalation({ escalations: agents.escalations, actions: agents.deps.actions, logger: runtime.logger, dryRun: agents.deps.dryRun }, request);
  const signingSecret = options.slackSigningSecret ?? config.slack.signingSecret;
  const slack =
    signingSecret === undefined
      ? undefined
      : createSlackApp(
          { ...runtime, config },
          {
            ask: createCopilot(agents.deps, config.defaultClusterId === undefined ? {} : { defaultClusterId: config.defaultClusterId }),
            decideEscalation: decide,
            signingSecret,
            ...(options.slackTasks === undefined ? {} : { tasks: options.slackTasks }),
          },
        );
  const agentCore = createAgentCoreRoutes({ agents: agents.deps, nowMs: () => systemClock.nowMs(), ...(config.defaultClusterId === undefined ? {} : { defaultClusterId: config.defaultClusterId }) });
  const app = createHttpApp(
    createHttpDeps(
      { config, learning: runtime.learning },
      { observer: agents.deps.observer, escalations: agents.escalations, decideEscalation: decide, mounts: [agentCore], ...(slack === undefined ? {} : { slack: slack.routes }) },
    ),
  );
  return { app, slack };
}

/** The API Gateway (HTTP API, payload v2) handler of an app. */
export function lambdaHandlerOf(app: Hono): ReturnType<typeof handle> {
  return handle(app);
}

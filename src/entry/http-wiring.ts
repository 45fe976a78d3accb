/**
 * Wiring for the HTTP app: the system clock, the settings from the configuration, and
 * `composeHttpApp` — the ONE function that composes the app for every runtime (the local server
 * of `npm start`, the API and Slack Lambda functions): the prediction API, the AgentCore routes
 * (`/ping`, `/invocations`), the web dashboard, and the Slack routes when configured. The
 * runtimes differ only in the parts they pass in (where the agents run, what observes the
 * queue, which stores); test/integration/route-table.test.ts keeps their route tables equal.
 */
import type { Hono } from 'hono';
import { createAgentCoreRoutes } from '../app/http/agentcore-routes.ts';
import { createHttpApp } from '../app/http/app.ts';
import { createDashboardRoutes, type DashboardDeps } from '../app/http/dashboard-routes.ts';
import type { Clock, DecideEscalation, HttpDeps, HttpSettings } from '../app/http/http-deps.ts';
import type { AgentRuntime } from '../app/ports/agent-runtime.ts';
import type { ClusterObserver } from '../app/ports/cluster-observer.ts';
import type { EscalationStore } from '../app/ports/escalation-store.ts';
import type { JobLookup } from '../app/ports/job-lookup.ts';
import type { PushedQueueStateStore } from '../app/ports/pushed-queue-state-store.ts';
import type { Config } from './config.ts';
import type { Runtime } from './runtime.ts';

export const systemClock: Clock = Object.freeze({
  nowMs: () => Date.now(),
  monotonicMs: () => performance.now(),
});

export function httpSettingsOf(config: Config): HttpSettings {
  return {
    apiKey: config.apiKey,
    corsOrigin: config.corsOrigin,
    bodyLimitBytes: config.bodyLimitBytes,
    ...(config.defaultClusterId === undefined ? {} : { defaultClusterId: config.defaultClusterId }),
  };
}

export interface HttpParts {
  readonly observer: ClusterObserver;
  readonly jobLookup?: (clusterId: string) => JobLookup | undefined;
  readonly jobObserver?: ClusterObserver;
  readonly queueStates?: PushedQueueStateStore;
  readonly escalations?: EscalationStore;
  readonly decideEscalation?: DecideEscalation;
  readonly slack?: Hono;
  readonly mounts?: readonly Hono[];
  readonly clock?: Clock;
}

export function createHttpDeps(
  runtime: Pick<Runtime, 'config' | 'learning'> & Partial<Pick<Runtime, 'health'>>,
  parts: HttpParts,
): HttpDeps {
  return {
    learning: runtime.learning,
    ...(runtime.health === undefined ? {} : { health: runtime.health }),
    observer: parts.observer,
    clock: parts.clock ?? systemClock,
    settings: httpSettingsOf(runtime.config),
    ...(parts.jobLookup === undefined ? {} : { jobLookup: parts.jobLookup }),
    ...(parts.jobObserver === undefined ? {} : { jobObserver: parts.jobObserver }),
    ...(parts.queueStates === undefined ? {} : { queueStates: parts.queueStates }),
    ...(parts.escalations === undefined ? {} : { escalations: parts.escalations }),
    ...(parts.decideEscalation === undefined ? {} : { decideEscalation: parts.decideEscalation }),
    ...(parts.slack === undefined ? {} : { slack: parts.slack }),
    ...(parts.mounts === undefined ? {} : { mounts: parts.mounts }),
  };
}

/** What a runtime passes to {@link composeHttpApp}. */
export interface HttpAppParts {
  /** The configuration (its API key as resolved by the entry: environment or SSM), the learning loop, the logger. */
  readonly runtime: Pick<Runtime, 'config' | 'learning' | 'logger'> & Partial<Pick<Runtime, 'health'>>;
  /** What the prediction API reads the queue through (a collector, the VGAC platform, the stored state). */
  readonly observer: ClusterObserver;
  readonly escalations: EscalationStore;
  readonly decideEscalation: DecideEscalation;
  /** A cluster's scheduler for `GET /api/jobs/{id}/forecast`; absent → the prediction log only. */
  readonly jobLookup?: (clusterId: string) => JobLookup | undefined;
  /** The queue job forecasts read (job-questions.ts: the pushed listing first); default `observer`. */
  readonly jobObserver?: ClusterObserver;
  /** Where `PUT /api/clusters/{id}/queue-state` stores the agent's queue state; absent → NOT_CONFIGURED. */
  readonly queueStates?: PushedQueueStateStore;
  /** Where `POST /invocations` runs: in this process, or the deployed AgentCore Runtime. */
  readonly agents: AgentRuntime;
  readonly dashboard: DashboardDeps;
  /** The Slack routes, when a signing secret is known. */
  readonly slack?: Hono;
  /** Routes only this runtime has, mounted at the root (listed in the route-table test's allow-list). */
  readonly extraMounts?: readonly Hono[];
  readonly clock?: Clock;
}

/** The one HTTP app. */
export function composeHttpApp(parts: HttpAppParts): Hono {
  const { config, learning, logger, health } = parts.runtime;
  const clock = parts.clock ?? systemClock;
  const agentCore = createAgentCoreRoutes({
    runtime: parts.agents,
    logger,
    nowMs: () => clock.nowMs(),
    apiKey: config.apiKey,
    ...(config.defaultClusterId === undefined ? {} : { defaultClusterId: config.defaultClusterId }),
  });
  return createHttpApp(
    createHttpDeps(
      { config, learning, ...(health === undefined ? {} : { health }) },
      {
        observer: parts.observer,
        ...(parts.jobLookup === undefined ? {} : { jobLookup: parts.jobLookup }),
        ...(parts.jobObserver === undefined ? {} : { jobObserver: parts.jobObserver }),
        ...(parts.queueStates === undefined ? {} : { queueStates: parts.queueStates }),
        escalations: parts.escalations,
        decideEscalation: parts.decideEscalation,
        mounts: [agentCore, createDashboardRoutes(parts.dashboard), ...(parts.extraMounts ?? [])],
        clock,
        ...(parts.slack === undefined ? {} : { slack: parts.slack }),
      },
    ),
  );
}

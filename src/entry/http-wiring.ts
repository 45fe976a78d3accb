/**
 * Wiring for the HTTP app: the system clock, the settings from the configuration, and the
 * dependencies built from a runtime plus the parts other wiring provides (the Observer, the
 * escalation queue and `decideEscalation`, the Slack and AgentCore sub-apps).
 */
import type { Hono } from 'hono';
import type { Clock, DecideEscalation, HttpDeps, HttpSettings } from '../app/http/http-deps.ts';
import type { ClusterObserver } from '../app/ports/cluster-observer.ts';
import type { EscalationStore } from '../app/ports/escalation-store.ts';
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
  readonly escalations?: EscalationStore;
  readonly decideEscalation?: DecideEscalation;
  readonly slack?: Hono;
  readonly mounts?: readonly Hono[];
  readonly clock?: Clock;
}

export function createHttpDeps(runtime: Pick<Runtime, 'config' | 'learning'>, parts: HttpParts): HttpDeps {
  return {
    learning: runtime.learning,
    observer: parts.observer,
    clock: parts.clock ?? systemClock,
    settings: httpSettingsOf(runtime.config),
    ...(parts.escalations === undefined ? {} : { escalations: parts.escalations }),
    ...(parts.decideEscalation === undefined ? {} : { decideEscalation: parts.decideEscalation }),
    ...(parts.slack === undefined ? {} : { slack: parts.slack }),
    ...(parts.mounts === undefined ? {} : { mounts: parts.mounts }),
  };
}

/**
 * What the HTTP app needs, wired by an entry (local server or Lambda): the learning loop's
 * dependencies, the Observer, the escalation queue and the agents' use cases (bound to their
 * own dependencies), a clock, an id source and the HTTP settings. Optional parts switch routes
 * off cleanly (`NOT_CONFIGURED`) instead of failing at start-up.
 */
import type { Hono } from 'hono';
import type { LearningDeps } from '../learning/learning-deps.ts';
import type { DecideEscalationRequest, DecideEscalationResult } from '../agents/decide-escalation.ts';
import type { ClusterObserver } from '../ports/cluster-observer.ts';
import type { DependencyHealth } from '../ports/dependency-health.ts';
import type { EscalationStore } from '../ports/escalation-store.ts';
import type { JobLookup } from '../ports/job-lookup.ts';
import type { PushedQueueStateStore } from '../ports/pushed-queue-state-store.ts';

/** Time, injected: wall-clock ms for records, monotonic ms for measuring latency. */
export interface Clock {
  /** Epoch milliseconds. */
  nowMs(): number;
  /** A monotonic clock in milliseconds (fractional), only differences are meaningful. */
  monotonicMs(): number;
}

/**
 * The agents' `decideEscalation` bound to its dependencies: decided once (a second decider gets
 * `already_decided`); approved → executed through ClusterActions; throws UnknownEscalationError.
 */
export type DecideEscalation = (request: DecideEscalationRequest) => Promise<DecideEscalationResult>;

/** The Copilot's answer to a person's question (plain text, calibrated wording chosen by the Copilot). */
export interface CopilotAnswer {
  readonly text: string;
  /** The cluster the question was about, when one was recognised. */
  readonly clusterId?: string;
  /** The submitted job a forecast answer is about: Slack offers a "Notify me when it starts" button. */
  readonly job?: { readonly clusterId: string; readonly jobId: string };
}

export interface CopilotQuestion {
  readonly text: string;
  /** Who asked (`slack:{userId}`), for the audit trail and the budget. */
  readonly askedBy: string;
  /** Conversation key (e.g. Slack channel + user) so "why?" can refer to the previous answer. */
  readonly conversationId: string;
  readonly nowMs: number;
}

/** The agents' Copilot, bound to its dependencies. */
export type AskCopilot = (question: CopilotQuestion) => Promise<CopilotAnswer>;

/** Request bodies above this many bytes are refused with 413. */
export const DEFAULT_BODY_LIMIT_BYTES = 256 * 1024;

export interface HttpSettings {
  /** When set, every `/api/*` request must carry it in `x-api-key`. Never logged. */
  readonly apiKey: string | undefined;
  /** The dashboard's origin when it is served from elsewhere; CORS is off when undefined. */
  readonly corsOrigin: string | undefined;
  /** Default {@link DEFAULT_BODY_LIMIT_BYTES}. */
  readonly bodyLimitBytes?: number;
  /** Cluster used when a prediction request names none (VGAC clients know only one cluster). */
  readonly defaultClusterId?: string;
}

export interface HttpDeps {
  readonly learning: LearningDeps;
  readonly observer: ClusterObserver;
  /** A cluster's scheduler for questions about one job; absent (or undefined for a cluster) → the prediction log only. */
  readonly jobLookup?: (clusterId: string) => JobLookup | undefined;
  /** The queue job questions' fresh forecasts read (e.g. the agent's pushed listing first); default `observer`. */
  readonly jobObserver?: ClusterObserver;
  /** Where `PUT /api/clusters/{id}/queue-state` stores the agent's queue state; absent → that route is NOT_CONFIGURED. */
  readonly queueStates?: PushedQueueStateStore;
  readonly escalations?: EscalationStore;
  readonly decideEscalation?: DecideEscalation;
  readonly clock: Clock;
  readonly settings: HttpSettings;
  /** Sub-apps mounted at the root, e.g. the AgentCore routes (`/ping`, `/invocations`) and the dashboard. */
  readonly mounts?: readonly Hono[];
  /** The Slack sub-app, mounted at `/slack`. */
  readonly slack?: Hono;
  /** What `/health` reports; without it `/health` is liveness only (always ok). */
  readonly health?: DependencyHealth;
}

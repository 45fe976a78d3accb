/**
 * What the agents in the API, Slack and agent functions observe and act through:
 * - queue state: the latest state stored for the cluster (the collector function stores one with
 *   every prediction at a job's submit instant, as does `POST /api/predict/wait` with a job_id);
 *   its age is the answer's `observedAtMs`, and a cluster with none gets "cannot predict now";
 * - actions: none — these functions observe the queue read-only, so an action the gate allows or
 *   a human approves ends `failed` with that reason, never a claimed change to a real job;
 * - notices (act-and-notify, escalations): the alert topic, which the alerts function posts to
 *   Slack with Approve / Reject; log lines when no topic is configured.
 */
import { loggingNotifier } from '../../app/agents/logging-notifier.ts';
import { storedStateObserver } from '../../app/agents/stored-state-observer.ts';
import { unavailableClusterActions } from '../../app/agents/unavailable-cluster-actions.ts';
import type { ClusterActions } from '../../app/ports/cluster-actions.ts';
import type { ClusterObserver } from '../../app/ports/cluster-observer.ts';
import type { Notifier } from '../../app/ports/notifier.ts';
import { lazySnsNotifier } from './lazy-sns-notifier.ts';
import type { LambdaRuntime } from './lambda-runtime.ts';

export const LAMBDA_ACTIONS_UNAVAILABLE =
  'this deployment observes the cluster read-only (no job changes from Lambda); act on the job in the scheduler yourself';

export interface LambdaAgentParts {
  readonly observer: ClusterObserver;
  readonly actions: ClusterActions;
  readonly notifier: Notifier;
}

export function lambdaAgentParts(runtime: Pick<LambdaRuntime, 'config' | 'learning' | 'logger' | 'tracer'>): LambdaAgentParts {
  const { config } = runtime;
  const topicArn = config.lambda.alertTopicArn;
  return {
    observer: storedStateObserver(runtime.learning.store, 'the collector function stores one at each submit; set CollectorSource, or POST /api/predict/wait with a job_id'),
    actions: unavailableClusterActions(LAMBDA_ACTIONS_UNAVAILABLE),
    notifier: topicArn === undefined ? loggingNotifier(runtime.logger) : lazySnsNotifier({ region: config.region, endpoint: config.lambda.snsEndpoint, topicArn, tracer: runtime.tracer }),
  };
}

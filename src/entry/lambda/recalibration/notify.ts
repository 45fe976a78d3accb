/**
 * Workflow step 4 (Step Functions task `Notify`): publish what changed for a cluster, or that a
 * step failed, to the SNS alert topic. Without a topic (VGAC_ALERT_TOPIC_ARN unset, local runs)
 * the notice is logged instead.
 */
import type { Context } from 'aws-lambda';
import { loggingNotifier } from '../../../app/agents/logging-notifier.ts';
import { notifyRecalibration, type RecalibrationNotice } from '../../../app/learning/notify-recalibration.ts';
import { loadConfig } from '../../config.ts';
import { lazySnsNotifier } from '../lazy-sns-notifier.ts';
import { createObservability } from '../lambda-observability.ts';
import { runTask } from './run-task.ts';
import { NotifyInput, parseTaskInput, type ClusterItem, type FailureItem } from './task-events.ts';

// No storage here: only the SNS client, loaded on the first notice (no AWS SDK module at cold start).
const config = loadConfig();
const runtime = await createObservability(config);
const { alertTopicArn, snsEndpoint } = config.lambda;
const notifier =
  alertTopicArn === undefined
    ? loggingNotifier(runtime.logger)
    : lazySnsNotifier({
        region: config.region,
        endpoint: snsEndpoint,
        topicArn: alertTopicArn,
        tracer: runtime.tracer,
        callPolicy: config.callPolicy,
      });

export interface NotifyOutput {
  readonly subject: string;
  readonly delivery: 'sns' | 'log';
}

/** A Lambda failure's Cause is a JSON document; a human needs its `errorMessage`. */
function causeText(cause: string): string {
  try {
    const parsed = JSON.parse(cause) as unknown;
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      typeof (parsed as { errorMessage?: unknown }).errorMessage === 'string'
    ) {
      return (parsed as { errorMessage: string }).errorMessage;
    }
  } catch {
    // Not JSON: a States.* error's plain-text cause.
  }
  return cause;
}

function noticeOf(input: ClusterItem | FailureItem): RecalibrationNotice {
  if ('failure' in input && input.failure === true) {
    const failure = input as FailureItem;
    return {
      kind: 'failure',
      stage: failure.stage,
      error: { name: failure.error.Error, cause: causeText(failure.error.Cause) },
      ...(failure.clusterId === undefined ? {} : { clusterId: failure.clusterId }),
    };
  }
  const item = input as ClusterItem;
  return {
    kind: 'cluster',
    clusterId: item.clusterId,
    previousScope: item.previousScope ?? null,
    scope: item.recalibration?.scope ?? item.scope ?? null,
    driftStatus: item.driftStatus ?? null,
    ece: item.ece ?? null,
    reasons: item.reasons ?? [],
    ...(item.error === undefined ? {} : { error: item.error }),
    ...(item.recalibration === undefined ? {} : { recalibration: item.recalibration }),
    ...(item.profile === undefined ? {} : { profile: item.profile }),
  };
}

export async function handler(event: unknown, context?: Context): Promise<NotifyOutput> {
  return runTask(runtime, 'notify', context, async (logger) => {
    const input = parseTaskInput(NotifyInput, event, 'Notify');
    const message = await notifyRecalibration(notifier, noticeOf(input));
    logger.info('notify.sent', { subject: message.subject, clusterId: message.clusterId ?? null });
    return { subject: message.subject, delivery: alertTopicArn === undefined ? 'log' : 'sns' };
  });
}

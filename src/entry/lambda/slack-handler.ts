/**
 * The Slack function's handler: API Gateway events (the signed Slack routes of the one HTTP app)
 * acknowledge at once and publish the slow work to SNS; SNS events (this function's own
 * subscription) run that work — Copilot answers to response_url, threaded replies, escalation
 * decisions. A malformed task is logged (kind only) and dropped: retrying cannot fix it.
 */
import type { Context } from 'aws-lambda';
import { SlackTaskSchema } from '../../app/http/slack/slack-task.ts';
import type { Logger } from '../../app/ports/logger.ts';
import { lambdaHandlerOf, type ApiApp } from './api-app.ts';
import { isSnsEvent, snsDeliveries } from './sns-records.ts';

export function createSlackLambdaHandler(
  api: ApiApp,
  logger: Logger,
): (event: unknown, context: Context) => Promise<unknown> {
  const http = lambdaHandlerOf(api.app);
  return async (event, context) => {
    if (!isSnsEvent(event)) return http(event as Parameters<typeof http>[0], context);
    const deliveries = snsDeliveries(event);
    for (const delivery of deliveries) {
      let message: unknown;
      try {
        message = JSON.parse(delivery.message);
      } catch {
        message = undefined;
      }
      const task = SlackTaskSchema.safeParse(message);
      if (!task.success || api.slack === undefined) {
        logger.warn('slack.task_dropped', {
          messageId: delivery.messageId,
          reason: api.slack === undefined ? 'slack not configured' : 'malformed task',
        });
        continue;
      }
      await api.slack.run(task.data);
    }
    return { processed: deliveries.length };
  };
}

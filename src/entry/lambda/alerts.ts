/**
 * Lambda entry subscribed to the SNS alert topic: posts each message (our notices and
 * escalations, CloudWatch alarms, AWS Budgets) to the Slack alert channel. The bot token is read
 * from SSM Parameter Store once per cold start (on first use) and never logged. Without an alert
 * channel or a token parameter the messages are only logged: Slack alerts are optional.
 * A failed post fails the invocation, so SNS retries the delivery. The event is read by
 * sns-records.ts (Powertools' SNS schema), like every SNS-triggered function's.
 */
import type { Context } from 'aws-lambda';
import { forwardAlert } from '../../app/alerts/forward-alert.ts';
import { chatNotifier } from '../../app/http/slack/chat-notifier.ts';
import type { Notifier } from '../../app/ports/notifier.ts';
import { FetchSlackChatReplies } from '../../adapters/slack/fetch-slack-chat-replies.ts';
import { loadConfig } from '../config.ts';
import { lazySsmSecrets } from './lazy-ssm-secrets.ts';
import { createObservability, runInvocation } from './lambda-observability.ts';
import { snsDeliveries, type SnsDelivery } from './sns-records.ts';

// No storage here: only the SSM client, loaded on the first Slack delivery (no AWS SDK module at cold start).
const config = loadConfig();
const runtime = await createObservability(config);
const { slackAlertChannel, parameters, ssmEndpoint } = config.lambda;
const secrets = lazySsmSecrets({
  region: config.region,
  endpoint: ssmEndpoint,
  tracer: runtime.tracer,
  callPolicy: config.callPolicy,
});
let slack: Notifier | undefined;

/** The Slack notifier, built on first use; the token read is cached by SsmSecrets, and a failed read is retried next invocation. */
async function slackNotifier(channel: string, tokenParameter: string): Promise<Notifier> {
  slack ??= chatNotifier(
    new FetchSlackChatReplies({ botToken: await secrets.get(tokenParameter), apiUrl: config.slack.apiUrl }),
    channel,
  );
  return slack;
}

export interface AlertsOutput {
  readonly forwarded: number;
  readonly delivery: 'slack' | 'log';
}

export async function handler(event: unknown, context?: Context): Promise<AlertsOutput> {
  let deliveries: SnsDelivery[] | undefined;
  let refusal: unknown;
  try {
    deliveries = snsDeliveries(event);
  } catch (error) {
    refusal = error;
  }
  const correlationId = deliveries?.[0]?.messageId;
  return runInvocation(
    runtime,
    {
      handler: 'alerts',
      ...(correlationId === undefined ? {} : { correlationId }),
      ...(context === undefined ? {} : { context }),
    },
    async (logger) => {
      if (deliveries === undefined) {
        logger.error('alerts.failed', { error: refusal instanceof Error ? refusal.message : String(refusal) });
        throw refusal;
      }
      const delivery = slackAlertChannel !== undefined && parameters.slackBotToken !== undefined ? 'slack' : 'log';
      try {
        const notifier: Notifier =
          delivery === 'slack' && slackAlertChannel !== undefined && parameters.slackBotToken !== undefined
            ? await slackNotifier(slackAlertChannel, parameters.slackBotToken)
            : {
                notify: (notice) => {
                  logger.info('alerts.not_forwarded', { subject: notice.subject, clusterId: notice.clusterId ?? null });
                  return Promise.resolve();
                },
              };
        for (const record of deliveries) {
          const kind = await forwardAlert(notifier, {
            subject: record.subject,
            message: record.message,
            attributes: record.attributes,
          });
          logger.info('alerts.forwarded', { messageId: record.messageId, kind, delivery });
        }
      } catch (error) {
        logger.error('alerts.failed', { error: error instanceof Error ? error.message : String(error) });
        throw error;
      }
      return { forwarded: deliveries.length, delivery };
    },
  );
}

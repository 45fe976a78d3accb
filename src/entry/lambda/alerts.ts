/**
 * Lambda entry subscribed to the SNS alert topic: posts each message (our notices and
 * escalations, CloudWatch alarms, AWS Budgets) to the Slack alert channel. The bot token is read
 * from SSM Parameter Store once per cold start (on first use) and never logged. Without an alert
 * channel or a token parameter the messages are only logged: Slack alerts are optional.
 * A failed post fails the invocation, so SNS retries the delivery. The event is an `SNSEvent`
 * (aws-lambda types), validated with zod before use.
 */
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { forwardAlert } from '../../app/alerts/forward-alert.ts';
import { chatNotifier } from '../../app/http/slack/chat-notifier.ts';
import type { Notifier } from '../../app/ports/notifier.ts';
import { FetchSlackChatReplies } from '../../adapters/slack/fetch-slack-chat-replies.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { loadConfig } from '../config.ts';
import { lazySsmSecrets } from './lazy-ssm-secrets.ts';
import { createObservability, runInvocation } from './lambda-observability.ts';

// No storage here: only the SSM client, loaded on the first Slack delivery (no AWS SDK module at cold start).
const config = loadConfig();
const runtime = createObservability(config);
const { slackAlertChannel, parameters, ssmEndpoint } = config.lambda;
const secrets = lazySsmSecrets({ region: config.region, endpoint: ssmEndpoint, tracer: runtime.tracer });
let slack: Notifier | undefined;

/** The Slack notifier, built on first use; the token read is cached by SsmSecrets, and a failed read is retried next invocation. */
async function slackNotifier(channel: string, tokenParameter: string): Promise<Notifier> {
  slack ??= chatNotifier(new FetchSlackChatReplies({ botToken: await secrets.get(tokenParameter), apiUrl: config.slack.apiUrl }), channel);
  return slack;
}

const SnsEventSchema = z.object({
  Records: z.array(z.looseObject({
    EventSource: z.literal('aws:sns'),
    Sns: z.looseObject({
      MessageId: z.string(),
      Subject: z.string().nullable().optional(),
      Message: z.string(),
      MessageAttributes: z.record(z.string(), z.looseObject({ Type: z.string(), Value: z.string() })).optional(),
    }),
  })).min(1),
});

export interface AlertsOutput {
  readonly forwarded: number;
  readonly delivery: 'slack' | 'log';
}

export async function handler(event: unknown, context?: Context): Promise<AlertsOutput> {
  const parsed = SnsEventSchema.safeParse(event);
  const correlationId = parsed.success ? parsed.data.Records[0]?.Sns.MessageId : undefined;
  return runInvocation(runtime, { handler: 'alerts', ...(correlationId === undefined ? {} : { correlationId }), ...(context === undefined ? {} : { context }) }, async (logger) => {
    if (!parsed.success) {
      const error = new InvalidInputError(`not an SNS event — ${parsed.error.issues.map((issue) => issue.path.join('.') || '(event)').join(', ')}`);
      logger.error('alerts.failed', { error: error.message });
      throw error;
    }
    const delivery = slackAlertChannel !== undefined && parameters.slackBotToken !== undefined ? 'slack' : 'log';
    try {
      const notifier: Notifier = delivery === 'slack' && slackAlertChannel !== undefined && parameters.slackBotToken !== undefined
        ? await slackNotifier(slackAlertChannel, parameters.slackBotToken)
        : { notify: (notice) => { logger.info('alerts.not_forwarded', { subject: notice.subject, clusterId: notice.clusterId ?? null }); return Promise.resolve(); } };
      for (const record of parsed.data.Records) {
        const attributes = Object.fromEntries(
          Object.entries(record.Sns.MessageAttributes ?? {}).filter(([, attribute]) => attribute.Type === 'String').map(([name, attribute]) => [name, attribute.Value]),
        );
        const kind = await forwardAlert(notifier, { subject: record.Sns.Subject ?? null, message: record.Sns.Message, attributes });
        logger.info('alerts.forwarded', { messageId: record.Sns.MessageId, kind, delivery });
      }
    } catch (error) {
      logger.error('alerts.failed', { error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
    return { forwarded: parsed.data.Records.length, delivery };
  });
}

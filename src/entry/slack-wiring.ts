/**
 * Wiring for the Slack app: Slack's Web API and response_url (FetchSlackChatReplies), the once-guard
 * in the table, the task queue that runs the slow half after the acknowledgement; and the
 * Notifier that posts escalations with Approve / Reject buttons to the configured channel
 * (slackChannelNotifier, which the agents get).
 */
import type { Hono } from 'hono';
import { DynamoOnceGuard } from '../adapters/dynamodb/dynamo-once-guard.ts';
import { FetchSlackUserTimeZones } from '../adapters/slack/fetch-slack-user-time-zones.ts';
import { FetchSlackChatReplies } from '../adapters/slack/fetch-slack-chat-replies.ts';
import type { AskCopilot, Clock, DecideEscalation } from '../app/http/http-deps.ts';
import { chatNotifier } from '../app/http/slack/chat-notifier.ts';
import { createSlackRoutes } from '../app/http/slack/slack-routes.ts';
import { runSlackTask, type SlackTask } from '../app/http/slack/slack-task.ts';
import type { ChatReplies } from '../app/ports/chat-replies.ts';
import type { Notifier } from '../app/ports/notifier.ts';
import type { TaskQueue } from '../app/ports/task-queue.ts';
import { InvalidInputError } from '../core/errors.ts';
import { systemClock } from './http-wiring.ts';
import { inProcessTaskQueue } from './local/in-process-task-queue.ts';
import type { AwsClients } from './aws-clients.ts';
import type { Config } from './config.ts';
import type { Runtime } from './runtime.ts';

export interface SlackParts {
  readonly ask: AskCopilot;
  readonly decideEscalation?: DecideEscalation;
  readonly clock?: Clock;
  /** Overrides `config.slack.signingSecret` (e.g. the local one from `.vgac/secrets.json`, or one read from SSM). */
  readonly signingSecret?: string;
  /** Where slow work goes; default: in this process (local server). */
  readonly tasks?: TaskQueue<SlackTask>;
}

export interface SlackApp {
  readonly routes: Hono;
  readonly replies: ChatReplies;
  /** Runs one task (the Lambda entry calls it for queued tasks). */
  run(task: SlackTask): Promise<void>;
  /** Waits for in-process tasks to finish (graceful shutdown); a no-op for other queues. */
  drain(): Promise<void>;
}

/**
 * The Notifier that posts notices (escalations with Approve / Reject buttons, act-and-notify
 * decisions) to VGAC_SLACK_CHANNEL through Slack's Web API; undefined unless both the channel and
 * the bot token are configured. The agents get it where Slack is configured (`vgac start`).
 */
export function slackChannelNotifier(config: Pick<Config, 'slack'>): Notifier | undefined {
  const { channel, botToken, apiUrl } = config.slack;
  return channel === undefined || botToken === undefined
    ? undefined
    : chatNotifier(new FetchSlackChatReplies({ botToken, apiUrl }), channel);
}

/** Throws InvalidInputError when no signing secret is configured: an unsigned Slack route must never exist. */
export function createSlackApp(
  runtime: Pick<Runtime, 'config' | 'logger'> & { readonly clients: Pick<AwsClients, 'dynamo'> },
  parts: SlackParts,
): SlackApp {
  const { slack, table } = runtime.config;
  const signingSecret = parts.signingSecret ?? slack.signingSecret;
  if (signingSecret === undefined)
    throw new InvalidInputError('VGAC_SLACK_SIGNING_SECRET is not set: the Slack routes need it');
  const clock = parts.clock ?? systemClock;
  const replies = new FetchSlackChatReplies({ botToken: slack.botToken, apiUrl: slack.apiUrl });
  const approvers = slack.approvers === undefined ? undefined : new Set(slack.approvers);
  // Without a bot token a time of day in a question is read as UTC, and the answer says so.
  const timeZones =
    slack.botToken === undefined
      ? undefined
      : new FetchSlackUserTimeZones({ botToken: slack.botToken, apiUrl: slack.apiUrl });
  if (approvers === undefined)
    runtime.logger.warn('slack.approvers_unrestricted', {
      reason: 'VGAC_SLACK_APPROVERS is not set: anyone in the Slack workspace can approve or reject escalations',
    });
  const run = (task: SlackTask) =>
    runSlackTask(
      {
        ask: parts.ask,
        replies,
        clock,
        logger: runtime.logger,
        ...(parts.decideEscalation === undefined ? {} : { decideEscalation: parts.decideEscalation }),
        ...(approvers === undefined ? {} : { approvers }),
        ...(timeZones === undefined ? {} : { timeZones }),
      },
      task,
    );
  const local = parts.tasks === undefined ? inProcessTaskQueue(run, runtime.logger) : undefined;
  const routes = createSlackRoutes({
    signingSecret,
    once: new DynamoOnceGuard({ client: runtime.clients.dynamo, tableName: table }),
    tasks: parts.tasks ?? (local as TaskQueue<SlackTask>),
    clock,
    logger: runtime.logger,
  });
  return {
    routes,
    replies,
    run,
    drain: () => local?.drain() ?? Promise.resolve(),
  };
}

/**
 * Lambda entry for the Slack app (API Gateway route `/slack/*` + an SNS subscription for its slow
 * half). Built once per cold start at module scope: configuration, the Lambda runtime, the
 * signing secret and bot token from SSM Parameter Store when their parameter names are set, and
 * the SNS task queue (its client built on the first task). The Copilot's what-ifs run in the
 * deployed AgentCore Runtime, one runtime session per Slack conversation (lambda-agent-parts.ts).
 * Each invocation runs inside `runInvocation` (logger correlation id, trace subsegment, EMF
 * metrics flush).
 */
import type { Context } from 'aws-lambda';
import type { SlackTask } from '../../app/http/slack/slack-task.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { createApiApp } from './api-app.ts';
import { lambdaAgentParts } from './lambda-agent-parts.ts';
import { lazySnsTaskQueue } from './lazy-sns-task-queue.ts';
import { lazySsmSecrets } from './lazy-ssm-secrets.ts';
import { createLambdaRuntime, runInvocation, type LambdaRuntime } from './lambda-runtime.ts';
import { meteredAgentDeps } from './metered-agent-deps.ts';
import { createSlackLambdaHandler } from './slack-handler.ts';

const base = await createLambdaRuntime();
const loaded = base.config;
const { parameters } = loaded.lambda;
const secrets = lazySsmSecrets({
  region: loaded.region,
  endpoint: loaded.lambda.ssmEndpoint,
  tracer: base.tracer,
  callPolicy: loaded.callPolicy,
});
const signingSecret =
  loaded.slack.signingSecret ??
  (parameters.slackSigningSecret === undefined ? undefined : await secrets.get(parameters.slackSigningSecret));
const botToken =
  loaded.slack.botToken ??
  (parameters.slackBotToken === undefined ? undefined : await secrets.get(parameters.slackBotToken));
if (signingSecret === undefined)
  throw new InvalidInputError('the Slack function needs VGAC_SLACK_SIGNING_SECRET or VGAC_SLACK_SIGNING_SECRET_PARAM');
if (loaded.slack.taskTopicArn === undefined)
  throw new InvalidInputError(
    'the Slack function needs VGAC_SLACK_TASK_TOPIC_ARN: slow answers run in a second invocation',
  );
const runtime: LambdaRuntime = { ...base, config: { ...loaded, slack: { ...loaded.slack, signingSecret, botToken } } };
const tasks = lazySnsTaskQueue<SlackTask>({
  region: loaded.region,
  endpoint: loaded.lambda.snsEndpoint,
  topicArn: loaded.slack.taskTopicArn,
  tracer: runtime.tracer,
  callPolicy: loaded.callPolicy,
});
const slack = createSlackLambdaHandler(
  createApiApp(runtime, {
    ...lambdaAgentParts(runtime),
    slackSigningSecret: signingSecret,
    slackTasks: tasks,
    instrumentAgents: (deps) => meteredAgentDeps(deps, runtime),
  }),
  runtime.logger,
);

export async function handler(event: unknown, context: Context): Promise<unknown> {
  return runInvocation(runtime, { handler: 'slack', context }, () => slack(event, context));
}

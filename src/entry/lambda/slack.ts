/**
 * Lambda entry for the Slack app (API Gateway route `/slack/*` + an SNS subscription for its slow
 * half). Built once per cold start at module scope: configuration, clients, the signing secret and
 * bot token from SSM Parameter Store when their parameter names are set, the SNS task queue.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { SnsTaskQueue } from '../../adapters/sns/sns-task-queue.ts';
import { SsmSecrets } from '../../adapters/ssm/ssm-secrets.ts';
import type { SlackTask } from '../../app/http/slack/slack-task.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { loadConfig } from '../config.ts';
import { createRuntime } from '../runtime.ts';
import { createApiApp } from './api-app.ts';
import { createSlackLambdaHandler } from './slack-handler.ts';

const loaded = loadConfig();
const secrets = new SsmSecrets({ client: new SSMClient({ region: loaded.region, ...(loaded.lambda.ssmEndpoint === undefined ? {} : { endpoint: loaded.lambda.ssmEndpoint }) }) });
const { parameters } = loaded.lambda;
const signingSecret = loaded.slack.signingSecret ?? (parameters.slackSigningSecret === undefined ? undefined : await secrets.get(parameters.slackSigningSecret));
const botToken = loaded.slack.botToken ?? (parameters.slackBotToken === undefined ? undefined : await secrets.get(parameters.slackBotToken));
if (signingSecret === undefined) throw new InvalidInputError('the Slack function needs VGAC_SLACK_SIGNING_SECRET or VGAC_SLACK_SIGNING_SECRET_PARAM');
if (loaded.slack.taskTopicArn === undefined) throw new InvalidInputError('the Slack function needs VGAC_SLACK_TASK_TOPIC_ARN: slow answers run in a second invocation');
const config = { ...loaded, slack: { ...loaded.slack, signingSecret, botToken } };
const runtime = await createRuntime(config);
const tasks = new SnsTaskQueue<SlackTask>({
  client: new SNSClient({ region: config.region, ...(config.lambda.snsEndpoint === undefined ? {} : { endpoint: config.lambda.snsEndpoint }) }),
  topicArn: loaded.slack.taskTopicArn,
});

export const handler = createSlackLambdaHandler(createApiApp(runtime, { slackSigningSecret: signingSecret, slackTasks: tasks }), runtime.logger);

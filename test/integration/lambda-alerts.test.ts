/**
 * The alerts Lambda (SNS subscription → Slack), invoked with SNS events shaped like AWS's
 * documented examples, reading the bot token from an SSM Parameter Store loopback server and
 * posting to the Slack Web API loopback server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertsOutput } from '../../src/entry/lambda/alerts.ts';
import { startTestAws, type TestAws } from '../support/embedded-aws.ts';
import { captureOutput, importFresh, loadEventFixture, logLines, setEnvironment } from '../support/lambda-harness.ts';
import { startSlackApiServer, type SlackApiServer } from '../support/slack-api-server.ts';
import { startSsmJsonServer, type SsmJsonServer } from '../support/ssm-json-server.ts';

type Handler = { handler: (event: unknown) => Promise<AlertsOutput> };

const BOT_TOKEN = 'xoxb-0000-test-token-never-logged';
const TOKEN_PARAMETER = '/vgac/slack/bot-token';
const CHANNEL = 'C0123456789';

let aws: TestAws;
let slack: SlackApiServer;
let ssm: SsmJsonServer;
let restoreEnvironment: () => void;

beforeAll(async () => {
  aws = await startTestAws();
  slack = await startSlackApiServer();
  ssm = await startSsmJsonServer({ [TOKEN_PARAMETER]: BOT_TOKEN });
  restoreEnvironment = setEnvironment({
    VGAC_MODE: 'aws',
    VGAC_DYNAMODB_ENDPOINT: aws.dynamoEndpoint,
    VGAC_S3_ENDPOINT: aws.s3Endpoint,
    VGAC_SSM_ENDPOINT: ssm.endpoint,
    VGAC_SLACK_API_URL: slack.apiUrl,
    VGAC_SLACK_ALERT_CHANNEL: CHANNEL,
    VGAC_SLACK_BOT_TOKEN_PARAM: TOKEN_PARAMETER,
    VGAC_API_KEY_PARAM: '/vgac/api-key',
    POWERTOOLS_SERVICE_NAME: 'vgac-test',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_DEV: undefined,
  });
}, 60_000);

afterAll(async () => {
  restoreEnvironment();
  await ssm.stop();
  await slack.close();
  await aws.stop();
});

describe('alerts handler', () => {
  it("posts AWS's example SNS notification to the alert channel with the token from SSM, read once per cold start and never logged", async () => {
    const { handler } = await importFresh<Handler>('../../src/entry/lambda/alerts.ts');
    const event = await loadEventFixture('sns-notification.json');
    const postsBefore = slack.posts.length;

    const first = await captureOutput(() => handler(event));
    const second = await captureOutput(() => handler(event));

    expect(first.error).toBeUndefined();
    expect(first.result).toEqual({ forwarded: 1, delivery: 'slack' });
    const posts = slack.posts.slice(postsBefore);
    expect(posts).toHaveLength(2);
    expect(posts[0]).toMatchObject({ channel: CHANNEL, authorization: `Bearer ${BOT_TOKEN}` });
    expect(posts[0]?.text).toBe('TestInvoke\nHello from SNS!');
    expect(ssm.requests).toEqual([{ name: TOKEN_PARAMETER, withDecryption: true }]);
    const forwarded = logLines(first.lines).find((line) => line['message'] === 'alerts.forwarded');
    expect(forwarded).toMatchObject({
      correlation_id: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
      kind: 'notice',
      delivery: 'slack',
    });
    expect(JSON.stringify([...first.lines, ...second.lines])).not.toContain(BOT_TOKEN);
  });

  it('turns a CloudWatch alarm into a readable message', async () => {
    const { handler } = await importFresh<Handler>('../../src/entry/lambda/alerts.ts');
    const event = await loadEventFixture('sns-cloudwatch-alarm.json');
    const postsBefore = slack.posts.length;

    const run = await captureOutput(() => handler(event));

    expect(run.error).toBeUndefined();
    const post = slack.posts[postsBefore];
    expect(post?.text.split('\n')[0]).toBe('Alarm vgac-ModelCostAlarm-1ABCDEF is ALARM');
    expect(post?.text).toContain('Threshold Crossed: 1 datapoint [1.23');
  });

  it("keeps an escalation's ids so the Slack message carries Approve / Reject buttons", async () => {
    const { handler } = await importFresh<Handler>('../../src/entry/lambda/alerts.ts');
    const event = structuredClone(await loadEventFixture('sns-notification.json')) as {
      Records: { Sns: Record<string, unknown> }[];
    };
    const record = event.Records[0];
    if (record === undefined) throw new Error('fixture has no record');
    record.Sns['Subject'] = 'Escalation: requeue job 42 on slurm-hpc';
    record.Sns['Message'] = 'The gate refused to act alone (scope escalate).';
    record.Sns['MessageAttributes'] = {
      clusterId: { Type: 'String', Value: 'slurm-hpc' },
      escalationId: { Type: 'String', Value: 'esc-1' },
    };
    const postsBefore = slack.posts.length;

    await captureOutput(() => handler(event));

    const blocks = slack.posts[postsBefore]?.blocks as { type: string; elements?: { text: { text: string } }[] }[];
    const actions = blocks.find((block) => block.type === 'actions');
    expect(actions?.elements?.map((element) => element.text.text)).toEqual(['Approve', 'Reject']);
  });

  it('refuses an event that is not from SNS', async () => {
    const { handler } = await importFresh<Handler>('../../src/entry/lambda/alerts.ts');
    const event = await loadEventFixture('eventbridge-scheduled.json');

    const run = await captureOutput(() => handler(event));

    expect((run.error as Error).name).toBe('InvalidInputError');
  });
});

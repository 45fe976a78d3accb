/**
 * The "Notify me when it starts" button through the real Slack routes (signed requests, the
 * once-guard on dynalite, the in-process task queue) to a loopback Slack: a click asks the
 * Copilot exactly what `/vgac notify me when … starts on …` asks, once per delivery even when
 * Slack retries it, and the reply goes to the click's response_url, only to the clicker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CopilotQuestion } from '../../src/app/http/http-deps.ts';
import { JOB_NOTIFY_ACTION } from '../../src/app/http/slack/slack-messages.ts';
import { signSlackRequest } from '../../src/app/http/slack/slack-signature.ts';
import { ensureTable } from '../../src/adapters/dynamodb/table-definition.ts';
import { loadConfig } from '../../src/entry/config.ts';
import { createSlackApp, type SlackApp } from '../../src/entry/slack-wiring.ts';
import { startTestAws, uniqueName, type TestAws } from '../support/embedded-aws.ts';
import { startSlackApiServer, type SlackApiServer } from '../support/slack-api-server.ts';

const SECRET = 'local-signing-secret-0123456789';
const NOW_MS = 1_700_000_000_000;
const fixedClock = { nowMs: () => NOW_MS, monotonicMs: () => 0 };
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

let aws: TestAws;
let slackApi: SlackApiServer;
let slackApp: SlackApp;
const asked: CopilotQuestion[] = [];

beforeAll(async () => {
  [aws, slackApi] = await Promise.all([startTestAws(), startSlackApiServer()]);
  const table = uniqueName('jobbutton');
  await ensureTable(aws.clients.dynamo, table);
  const config = loadConfig(
    {
      VGAC_SLACK_SIGNING_SECRET: SECRET,
      VGAC_SLACK_BOT_TOKEN: 'xoxb-test-token',
      VGAC_SLACK_API_URL: slackApi.apiUrl,
      VGAC_SLACK_APPROVERS: 'U0BOSS',
    },
    { table },
  );
  slackApp = createSlackApp(
    { config, clients: aws.clients, logger: quiet },
    {
      ask: (question) => {
        asked.push(question);
        return Promise.resolve({
          text: 'OK: I will send you a direct message when job 12345 on slurm-hpc starts.',
          clusterId: 'slurm-hpc',
        });
      },
      clock: fixedClock,
    },
  );
});

afterAll(async () => {
  await slackApp?.drain();
  await slackApi?.close();
  await aws?.stop();
});

async function click(value: string, triggerId: string, responseId: string): Promise<Response> {
  const body = new URLSearchParams({
    payload: JSON.stringify({
      type: 'block_actions',
      user: { id: 'U0ALICE', username: 'alice' },
      trigger_id: triggerId,
      response_url: slackApi.responseUrl(responseId),
      actions: [
        { action_id: JOB_NOTIFY_ACTION, block_id: `job:${value}`, value, type: 'button', action_ts: '1700000000.3' },
      ],
    }),
  }).toString();
  const signature = await signSlackRequest(SECRET, NOW_MS / 1000, body);
  return slackApp.routes.request('/interactions', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(NOW_MS / 1000),
      'x-slack-signature': signature,
    },
    body,
  });
}

describe('the Notify me button', () => {
  it('click_asksTheCopilotToSubscribeTheClicker_oncePerDeliveryEvenWhenRetried_andRepliesOnlyToThem', async () => {
    const first = await click('slurm-hpc/12345', 'trig-notify-1', 'notify-1');
    const retried = await click('slurm-hpc/12345', 'trig-notify-1', 'notify-1');
    const malformed = await click('not a job button', 'trig-notify-2', 'notify-2');
    await slackApp.drain();

    expect([first.status, retried.status, malformed.status]).toEqual([200, 200, 200]);
    expect(asked.map((question) => [question.text, question.askedBy])).toEqual([
      ['notify me when 12345 starts on slurm-hpc', 'slack:U0ALICE'],
    ]);
    expect(
      slackApi.responses
        .filter((response) => response.id === 'notify-1')
        .map((response) => [response.body.response_type, response.body.text]),
    ).toEqual([['ephemeral', 'OK: I will send you a direct message when job 12345 on slurm-hpc starts.']]);
    expect(slackApi.responses.filter((response) => response.id === 'notify-2')).toEqual([]);
  });
});

/**
 * The Slack app end to end: real signed HTTP requests to the running server (@hono/node-server on
 * port 0), the real Copilot (offline reasoner) and decideEscalation on dynalite, and a loopback
 * server standing in for Slack's Web API and response_url that records what was posted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCopilot } from '../../src/app/agents/ask-copilot.ts';
import { inProcessAgentRuntime } from '../../src/app/agents/in-process-agent-runtime.ts';
import { decideEscalation } from '../../src/app/agents/decide-escalation.ts';
import { createHttpApp } from '../../src/app/http/app.ts';
import { createSlackRoutes } from '../../src/app/http/slack/slack-routes.ts';
import { signSlackRequest } from '../../src/app/http/slack/slack-signature.ts';
import { NOT_AN_APPROVER, type SlackTask } from '../../src/app/http/slack/slack-task.ts';
import { InfrastructureError } from '../../src/app/errors.ts';
import type { TaskQueue } from '../../src/app/ports/task-queue.ts';
import { DynamoOnceGuard } from '../../src/adapters/dynamodb/dynamo-once-guard.ts';
import { createAgentWiring } from '../../src/entry/agent-wiring.ts';
import { loadConfig, type Config } from '../../src/entry/config.ts';
import { AcceptedHosts, startHttpServer, type HttpServer } from '../../src/entry/local/http-server.ts';
import { sha256Hex, type Runtime } from '../../src/entry/runtime.ts';
import { createSlackApp, slackChannelNotifier, type SlackApp } from '../../src/entry/slack-wiring.ts';
import { KNOWN_CLUSTER, sampleEscalation, startHttpStack, type HttpStack } from '../support/http-stack.ts';
import { startSlackApiServer, type SlackApiServer } from '../support/slack-api-server.ts';

const SECRET = 'local-signing-secret-0123456789';
const BOT_TOKEN = 'xoxb-test-token';
const ESCALATION_CHANNEL = 'C0ESCALATE';
/** The Slack side's clock: signatures are checked against it. 2023-11-14T22:13:20Z. */
const NOW_MS = 1_700_000_000_000;
const NOW_SECONDS = NOW_MS / 1000;
const fixedClock = { nowMs: () => NOW_MS, monotonicMs: () => 0 };

let stack: HttpStack;
let slackApi: SlackApiServer;
let slackApp: SlackApp;
let server: HttpServer;
let config: Config;

beforeAll(async () => {
  stack = await startHttpStack();
  slackApi = await startSlackApiServer();
  config = loadConfig(
    {
      VGAC_SLACK_SIGNING_SECRET: SECRET,
      VGAC_SLACK_BOT_TOKEN: BOT_TOKEN,
      VGAC_SLACK_API_URL: slackApi.apiUrl,
      VGAC_SLACK_CHANNEL: ESCALATION_CHANNEL,
    },
    { table: stack.tableName },
  );
  const runtime: Runtime = {
    config,
    clients: stack.aws.clients,
    learning: stack.learning,
    logger: stack.logger,
    endpoints: undefined,
    hash: sha256Hex,
    close: () => Promise.resolve(),
  };
  const agents = createAgentWiring(runtime, { observer: stack.observer, actions: stack.actions });
  slackApp = createSlackApp(runtime, {
    ask: createCopilot({
      learning: agents.deps.learning,
      runtime: inProcessAgentRuntime(agents.deps, () => fixedClock.nowMs()),
    }),
    decideEscalation: (request) =>
      decideEscalation({ escalations: stack.escalations, actions: stack.actions, logger: stack.logger }, request),
    clock: fixedClock,
  });
  server = await startHttpServer(createHttpApp(stack.deps({}, { slack: slackApp.routes })), {
    host: '127.0.0.1',
    port: 0,
    acceptedHosts: AcceptedHosts.loopback,
  });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await slackApp?.drain();
  await slackApi?.close();
  await stack?.stop();
});

async function signedPost(
  path: string,
  body: string,
  contentType: string,
  options: {
    timestampSeconds?: number;
    signedBody?: string;
    headers?: Record<string, string>;
    unsigned?: boolean;
  } = {},
): Promise<Response> {
  const timestamp = options.timestampSeconds ?? NOW_SECONDS;
  const signature = await signSlackRequest(SECRET, timestamp, options.signedBody ?? body);
  const headers: Record<string, string> = { 'content-type': contentType, ...options.headers };
  if (options.unsigned !== true) {
    headers['x-slack-request-timestamp'] = String(timestamp);
    headers['x-slack-signature'] = signature;
  }
  return fetch(`${server.url}${path}`, { method: 'POST', headers, body });
}

const FORM = 'application/x-www-form-urlencoded';

function slashBody(text: string, responseId: string, triggerId: string, userId = 'U0ASKER'): string {
  return new URLSearchParams({
    token: 'legacy',
    team_id: 'T0TEAM',
    channel_id: 'C0CHAN',
    user_id: userId,
    command: '/vgac',
    text,
    response_url: slackApi.responseUrl(responseId),
    trigger_id: triggerId,
  }).toString();
}

function responsesTo(id: string) {
  return slackApi.responses.filter((response) => response.id === id);
}

describe('slash command /vgac', () => {
  it('acknowledges at once, then delivers the Copilot honest answer to response_url exactly once, even when Slack retries', async () => {
    const body = slashBody('when will my 4×A100 job start on eks-prod?', 'cmd-1', '1111.2222.aaaa');

    const first = await signedPost('/slack/commands', body, FORM);
    const firstBody = (await first.json()) as Record<string, unknown>;
    const retried = await signedPost('/slack/commands', body, FORM, {
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    const retriedText = await retried.text();
    await slackApp.drain();

    expect(first.status).toBe(200);
    expect(firstBody).toEqual({ response_type: 'ephemeral', text: 'Working on it…' });
    expect(retried.status).toBe(200);
    expect(retriedText).toBe('');
    const delivered = responsesTo('cmd-1');
    expect(delivered).toHaveLength(1);
    // eks-prod has no outcomes yet: the Copilot must say it is still learning, not give a plain answer.
    expect(delivered[0]?.body.text).toMatch(/still learning this cluster/i);
    expect(delivered[0]?.body.response_type).toBe('ephemeral');
  });

  it("reads a time of day on the asker's clock (users.info), and says UTC when Slack cannot tell", async () => {
    // Now is 2023-11-14 22:13:20Z. At UTC+2 it is 00:13:20 on the 15th: 17:00 there is 16 h 46 min
    // 40 s away (16.8 h); read as UTC it is 17:00Z on the 15th, 18.8 h away.
    slackApi.setUserZone('U0EAST', { tz: 'Europe/Helsinki', tzOffsetSeconds: 7200 });
    const question = 'will my 2-GPU job start before 17:00 on eks-prod?';

    await signedPost('/slack/commands', slashBody(question, 'cmd-tz-east', '8888.1111.aaaa', 'U0EAST'), FORM);
    await signedPost('/slack/commands', slashBody(question, 'cmd-tz-unknown', '8888.2222.bbbb', 'U0NOZONE'), FORM);
    await slackApp.drain();

    const east = String(responsesTo('cmd-tz-east')[0]?.body.text);
    const unknown = String(responsesTo('cmd-tz-unknown')[0]?.body.text);
    expect(east).toContain('before 17:00 (in 16.8 h)');
    expect(unknown).toContain('before 17:00 UTC (in 18.8 h)');
    expect(slackApi.userLookups.filter((lookup) => lookup.user === 'U0EAST')).toEqual([
      { user: 'U0EAST', authorization: `Bearer ${BOT_TOKEN}` },
    ]);
    expect(
      stack.logger.lines.filter(
        (line) => line.event === 'slack.time_zone_unavailable' && line.fields.userId === 'U0NOZONE',
      ),
    ).toHaveLength(1);
  });

  it('says it did not understand "/vgac hello" and "what is the meaning of life" (with example questions) instead of answering about a cluster', async () => {
    await signedPost(
      '/slack/commands',
      slashBody('when will my 2-GPU job start on eks-prod?', 'cmd-before', '7777.1111.dddd'),
      FORM,
    );
    await slackApp.drain();
    await signedPost('/slack/commands', slashBody('hello', 'cmd-hello', '7777.2222.dddd'), FORM);
    await signedPost('/slack/commands', slashBody('what is the meaning of life', 'cmd-life', '7777.3333.dddd'), FORM);
    await slackApp.drain();

    for (const id of ['cmd-hello', 'cmd-life']) {
      const delivered = responsesTo(id);
      expect(delivered).toHaveLength(1);
      expect(delivered[0]?.body.text).toMatch(
        /^I did not understand the question: .* Ask e\.g\. "when will my 4-GPU job start on [^"]+\?" or "status of [^"]+"\.$/,
      );
      expect(delivered[0]?.body.text).not.toMatch(/life|still learning/);
    }
  });

  it('answers help at once without queuing work', async () => {
    const response = await signedPost('/slack/commands', slashBody('', 'cmd-help', '3333.4444.bbbb'), FORM);
    const body = (await response.json()) as Record<string, unknown>;
    await slackApp.drain();

    expect(body.text).toMatch(/\/vgac when will my/);
    expect(responsesTo('cmd-help')).toHaveLength(0);
  });
});

describe('signature verification', () => {
  it('rejects tampered, stale and unsigned requests with 401 and logs why without the payload', async () => {
    const question = 'status of eks-prod secret-marker';
    const body = slashBody(question, 'cmd-bad', '5555.6666.cccc');
    const before = stack.logger.lines.length;

    const tampered = await signedPost('/slack/commands', body, FORM, {
      signedBody: body.replace('secret-marker', 'other'),
    });
    const stale = await signedPost('/slack/commands', body, FORM, { timestampSeconds: NOW_SECONDS - 301 });
    const unsigned = await signedPost('/slack/commands', body, FORM, { unsigned: true });
    const forgedEvent = await signedPost(
      '/slack/events',
      JSON.stringify({ type: 'url_verification', challenge: 'abc' }),
      'application/json',
      { signedBody: '{}' },
    );
    await slackApp.drain();

    expect([tampered.status, stale.status, unsigned.status, forgedEvent.status]).toEqual([401, 401, 401, 401]);
    const rejections = stack.logger.lines.slice(before).filter((line) => line.event === 'slack.signature_rejected');
    expect(rejections.map((line) => line.fields.reason)).toEqual(['mismatch', 'stale', 'missing_headers', 'mismatch']);
    expect(JSON.stringify(stack.logger.lines.slice(before))).not.toContain('secret-marker');
    expect(responsesTo('cmd-bad')).toHaveLength(0);
  });
});

describe('Events API', () => {
  it('answers the url_verification challenge', async () => {
    const response = await signedPost(
      '/slack/events',
      JSON.stringify({
        token: 'legacy',
        type: 'url_verification',
        challenge: 'challenge-3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
      }),
      'application/json',
    );

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      challenge: 'challenge-3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
    });
  });

  it('answers an app mention in its thread once, however often Slack retries the event', async () => {
    const event = JSON.stringify({
      token: 'legacy',
      team_id: 'T0TEAM',
      api_app_id: 'A0APP',
      type: 'event_callback',
      event_id: 'Ev0MENTION1',
      event_time: NOW_SECONDS,
      event: {
        type: 'app_mention',
        user: 'U0ASKER',
        text: '<@U0VGACBOT> status of eks-prod',
        ts: '1700000000.000100',
        channel: 'C0MENTION',
        event_ts: '1700000000.000100',
      },
    });

    const responses = [
      await signedPost('/slack/events', event, 'application/json'),
      await signedPost('/slack/events', event, 'application/json', {
        headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
      }),
      await signedPost('/slack/events', event, 'application/json', {
        headers: { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_timeout' },
      }),
    ];
    await slackApp.drain();

    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    const posts = slackApi.posts.filter((post) => post.channel === 'C0MENTION');
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ threadTs: '1700000000.000100', authorization: `Bearer ${BOT_TOKEN}` });
    expect(posts[0]?.text).toMatch(/^eks-prod · learning \(0 of 50 outcomes observed\): escalates, never acts · /);
  });

  it('ignores mentions written by a bot (no reply loops)', async () => {
    const event = JSON.stringify({
      team_id: 'T0TEAM',
      type: 'event_callback',
      event_id: 'Ev0BOT1',
      event: {
        type: 'app_mention',
        user: 'U0VGACBOT',
        bot_id: 'B0VGAC',
        text: '<@U0VGACBOT> status of eks-prod',
        ts: '1700000000.000200',
        channel: 'C0BOTLOOP',
      },
    });

    const response = await signedPost('/slack/events', event, 'application/json');
    await slackApp.drain();

    expect(response.status).toBe(200);
    expect(slackApi.posts.filter((post) => post.channel === 'C0BOTLOOP')).toHaveLength(0);
  });
});

describe('escalations in Slack', () => {
  it('posts an escalation with Approve / Reject buttons, each behind a confirmation dialog, to the escalation channel', async () => {
    // The notifier the agents get where Slack is configured (start-stack.ts).
    await slackChannelNotifier(config)?.notify({
      subject: 'Escalation on eks-prod',
      text: 'requeue job j-2?',
      clusterId: KNOWN_CLUSTER,
      escalationId: 'esc-notice-1',
    });

    const post = slackApi.posts.find((candidate) => candidate.channel === ESCALATION_CHANNEL);
    const actions = (
      post?.blocks as {
        type: string;
        elements?: {
          action_id: string;
          value: string;
          confirm?: { confirm: { text: string }; deny: { text: string } };
        }[];
      }[]
    ).find((block) => block.type === 'actions');
    expect(actions?.elements?.map((element) => [element.action_id, element.value])).toEqual([
      ['vgac_escalation_approve', `${KNOWN_CLUSTER}/esc-notice-1`],
      ['vgac_escalation_reject', `${KNOWN_CLUSTER}/esc-notice-1`],
    ]);
    expect(actions?.elements?.map((element) => [element.confirm?.confirm.text, element.confirm?.deny.text])).toEqual([
      ['Approve', 'Cancel'],
      ['Reject', 'Cancel'],
    ]);
  });

  it('Approve executes the action once through ClusterActions and stores who decided and when; a later click is told it was decided', async () => {
    await stack.escalations.create(
      sampleEscalation({
        escalationId: 'esc-slack-1',
        jobId: 'j-slack-1',
        action: { kind: 'requeue', clusterId: KNOWN_CLUSTER, jobId: 'j-slack-1', reason: 'long wait' },
      }),
    );
    const click = (actionId: string, triggerId: string, responseId: string, userId: string) =>
      new URLSearchParams({
        payload: JSON.stringify({
          type: 'block_actions',
          user: { id: userId, username: 'someone' },
          trigger_id: triggerId,
          response_url: slackApi.responseUrl(responseId),
          actions: [
            {
              action_id: actionId,
              block_id: 'escalation',
              value: `${KNOWN_CLUSTER}/esc-slack-1`,
              type: 'button',
              action_ts: '1700000000.1',
            },
          ],
        }),
      }).toString();

    const approve = await signedPost(
      '/slack/interactions',
      click('vgac_escalation_approve', 'trig-approve-1', 'act-1', 'U0APPROVER'),
      FORM,
    );
    await slackApp.drain();
    const reject = await signedPost(
      '/slack/interactions',
      click('vgac_escalation_reject', 'trig-reject-1', 'act-2', 'U0LATECOMER'),
      FORM,
    );
    await slackApp.drain();

    expect([approve.status, reject.status]).toEqual([200, 200]);
    expect(stack.actions.executed.filter((action) => action.jobId === 'j-slack-1')).toEqual([
      { kind: 'requeue', clusterId: KNOWN_CLUSTER, jobId: 'j-slack-1', reason: 'long wait' },
    ]);
    const stored = await stack.escalations.get(KNOWN_CLUSTER, 'esc-slack-1');
    expect(stored).toMatchObject({ status: 'executed', decidedBy: 'slack:U0APPROVER', decidedAtMs: NOW_MS });
    const [approved] = responsesTo('act-1');
    expect(approved?.body).toMatchObject({ replace_original: true });
    expect(JSON.stringify(approved?.body.blocks)).toContain('<@U0APPROVER>');
    expect(approved?.body.text).toContain(new Date(NOW_MS).toISOString());
    expect(responsesTo('act-2')[0]?.body.text).toMatch(/^Already decided: Approved by slack:U0APPROVER/);
  });
});

/** A signed Slack request for an in-process app (`app.request`). */
async function signedRequest(path: string, body: string, contentType: string): Promise<[string, RequestInit]> {
  const signature = await signSlackRequest(SECRET, NOW_SECONDS, body);
  return [
    path,
    {
      method: 'POST',
      headers: {
        'content-type': contentType,
        'x-slack-request-timestamp': String(NOW_SECONDS),
        'x-slack-signature': signature,
      },
      body,
    },
  ];
}

describe('a delivery whose work cannot be queued', () => {
  it("answers 503 and releases its claim, so Slack's retry is processed rather than dropped as a duplicate", async () => {
    const enqueued: SlackTask[] = [];
    let failNext = true;
    const flakyQueue: TaskQueue<SlackTask> = {
      enqueue(task) {
        if (failNext) {
          failNext = false;
          return Promise.reject(new InfrastructureError('SNS Publish failed: InternalErrorException'));
        }
        enqueued.push(task);
        return Promise.resolve();
      },
    };
    const routes = createSlackRoutes({
      signingSecret: SECRET,
      once: new DynamoOnceGuard({ client: stack.aws.clients.dynamo, tableName: stack.tableName }),
      tasks: flakyQueue,
      clock: fixedClock,
      logger: stack.logger,
    });
    const body = slashBody('when will my 2-GPU job start on eks-prod?', 'cmd-flaky', '7777.8888.dddd');

    const first = await routes.request(...(await signedRequest('/commands', body, FORM)));
    const retried = await routes.request(...(await signedRequest('/commands', body, FORM)));
    const again = await routes.request(...(await signedRequest('/commands', body, FORM)));

    expect(first.status).toBe(503);
    expect(retried.status).toBe(200);
    expect(await retried.json()).toEqual({ response_type: 'ephemeral', text: 'Working on it…' });
    expect(await again.text()).toBe('');
    expect(enqueued.map((task) => task.kind === 'command' && task.responseUrl)).toEqual([
      slackApi.responseUrl('cmd-flaky'),
    ]);
  });

  it('DynamoOnceGuard.release frees only the claim made at the given instant', async () => {
    const guard = new DynamoOnceGuard({ client: stack.aws.clients.dynamo, tableName: stack.tableName });
    const key = `release-${NOW_MS}-${Math.floor(Math.random() * 1e9)}`;
    await guard.claim(key, NOW_MS, 60);

    await guard.release(key, NOW_MS + 1);
    const afterWrongRelease = await guard.claim(key, NOW_MS + 2, 60);
    await guard.release(key, NOW_MS);
    const afterRelease = await guard.claim(key, NOW_MS + 3, 60);
    await guard.release(`${key}-never-claimed`, NOW_MS);

    expect(afterWrongRelease).toBe(false);
    expect(afterRelease).toBe(true);
  });
});

describe('Slack escalation approvers (VGAC_SLACK_APPROVERS)', () => {
  it('without a list anyone may decide, and start-up logs a warning saying so', () => {
    expect(
      stack.logger.lines.some((line) => line.level === 'warn' && line.event === 'slack.approvers_unrestricted'),
    ).toBe(true);
  });

  it("a click by someone not on the list gets an ephemeral refusal and leaves the escalation untouched; an approver's click decides it", async () => {
    const config = loadConfig(
      {
        VGAC_SLACK_SIGNING_SECRET: SECRET,
        VGAC_SLACK_BOT_TOKEN: BOT_TOKEN,
        VGAC_SLACK_API_URL: slackApi.apiUrl,
        VGAC_SLACK_APPROVERS: 'U0BOSS, U0DEPUTY',
      },
      { table: stack.tableName },
    );
    const runtime: Runtime = {
      config,
      clients: stack.aws.clients,
      learning: stack.learning,
      logger: stack.logger,
      endpoints: undefined,
      hash: sha256Hex,
      close: () => Promise.resolve(),
    };
    const warningsBefore = stack.logger.lines.filter((line) => line.event === 'slack.approvers_unrestricted').length;
    const guarded = createSlackApp(runtime, {
      ask: () => Promise.resolve({ text: 'unused' }),
      decideEscalation: (request) =>
        decideEscalation({ escalations: stack.escalations, actions: stack.actions, logger: stack.logger }, request),
      clock: fixedClock,
    });
    const warningsAfter = stack.logger.lines.filter((line) => line.event === 'slack.approvers_unrestricted').length;
    await stack.escalations.create(
      sampleEscalation({
        escalationId: 'esc-approvers-1',
        jobId: 'j-approvers-1',
        action: { kind: 'requeue', clusterId: KNOWN_CLUSTER, jobId: 'j-approvers-1', reason: 'long wait' },
      }),
    );
    const click = (userId: string, triggerId: string, responseId: string) =>
      new URLSearchParams({
        payload: JSON.stringify({
          type: 'block_actions',
          user: { id: userId, username: 'someone' },
          trigger_id: triggerId,
          response_url: slackApi.responseUrl(responseId),
          actions: [
            {
              action_id: 'vgac_escalation_approve',
              block_id: 'escalation',
              value: `${KNOWN_CLUSTER}/esc-approvers-1`,
              type: 'button',
              action_ts: '1700000000.2',
            },
          ],
        }),
      }).toString();

    const stranger = await guarded.routes.request(
      ...(await signedRequest('/interactions', click('U0STRANGER', 'trig-stranger', 'act-stranger'), FORM)),
    );
    await guarded.drain();
    const untouched = await stack.escalations.get(KNOWN_CLUSTER, 'esc-approvers-1');
    const boss = await guarded.routes.request(
      ...(await signedRequest('/interactions', click('U0BOSS', 'trig-boss', 'act-boss'), FORM)),
    );
    await guarded.drain();
    const decided = await stack.escalations.get(KNOWN_CLUSTER, 'esc-approvers-1');

    expect(warningsAfter).toBe(warningsBefore);
    expect([stranger.status, boss.status]).toEqual([200, 200]);
    expect(untouched?.status).toBe('pending');
    expect(untouched?.decidedBy).toBeNull();
    expect(responsesTo('act-stranger').map((response) => [response.body.response_type, response.body.text])).toEqual([
      ['ephemeral', NOT_AN_APPROVER],
    ]);
    expect(
      stack.logger.lines.some(
        (line) => line.event === 'slack.approval_refused' && line.fields.by === 'slack:U0STRANGER',
      ),
    ).toBe(true);
    expect(decided).toMatchObject({ status: 'executed', decidedBy: 'slack:U0BOSS' });
  });
});

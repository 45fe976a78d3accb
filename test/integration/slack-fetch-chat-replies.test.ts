/**
 * FetchSlackChatReplies (chat.postMessage with fetch, no @slack/web-api) against loopback
 * servers speaking Slack's documented wire format: the shared Slack stand-in, and a scripted one
 * that answers 429 with Retry-After or `ok: false` to exercise retries and error codes.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchSlackChatReplies, SLACK_RETRY_MAX_MS } from '../../src/adapters/slack/fetch-slack-chat-replies.ts';
import { startSlackApiServer, type SlackApiServer } from '../support/slack-api-server.ts';

interface ScriptedAnswer {
  readonly status: number;
  readonly body: string;
  readonly headers?: Record<string, string>;
}

/** Answers chat.postMessage from a script (the last answer repeats) and counts requests. */
async function scriptedSlack(
  answers: ScriptedAnswer[],
): Promise<{ apiUrl: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const answer = answers[Math.min(requests, answers.length - 1)] as ScriptedAnswer;
      requests += 1;
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

let slack: SlackApiServer;

beforeAll(async () => {
  slack = await startSlackApiServer();
});

afterAll(async () => {
  await slack?.close();
});

describe('FetchSlackChatReplies', () => {
  it('post sends chat.postMessage with the bot token, text, blocks and thread', async () => {
    const replies = new FetchSlackChatReplies({ botToken: 'xoxb-fetch', apiUrl: slack.apiUrl });
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }];

    await replies.post('C0FETCH', { text: 'hello', blocks }, { threadTs: '1700000000.000001' });

    expect(slack.posts.filter((post) => post.channel === 'C0FETCH')).toEqual([
      { channel: 'C0FETCH', text: 'hello', threadTs: '1700000000.000001', blocks, authorization: 'Bearer xoxb-fetch' },
    ]);
  });

  it('respond POSTs the message to the response_url as in_channel or ephemeral', async () => {
    const replies = new FetchSlackChatReplies({ botToken: undefined, apiUrl: slack.apiUrl });

    await replies.respond(slack.responseUrl('fetch-1'), { text: 'done' }, { ephemeral: true, replaceOriginal: true });

    expect(slack.responses.filter((response) => response.id === 'fetch-1').map((response) => response.body)).toEqual([
      { text: 'done', response_type: 'ephemeral', replace_original: true },
    ]);
  });

  it('post without a bot token is refused before any request', async () => {
    const replies = new FetchSlackChatReplies({ botToken: undefined, apiUrl: slack.apiUrl });

    await expect(replies.post('C0NOTOKEN', { text: 'x' })).rejects.toThrow(
      'Slack bot token is not configured: cannot post messages',
    );
    expect(slack.posts.filter((post) => post.channel === 'C0NOTOKEN')).toEqual([]);
  });

  it('post retries a rate-limited call after Retry-After (capped) and succeeds', async () => {
    const server = await scriptedSlack([
      { status: 429, body: '{"ok":false,"error":"ratelimited"}', headers: { 'retry-after': '30' } },
      { status: 200, body: '{"ok":true,"channel":"C1","ts":"1.2"}' },
    ]);
    const waits: number[] = [];
    const replies = new FetchSlackChatReplies({
      botToken: 'xoxb-1',
      apiUrl: server.apiUrl,
      sleep: (ms) => Promise.resolve(void waits.push(ms)),
    });

    await replies.post('C1', { text: 'x' });
    await server.close();

    expect(server.requests()).toBe(2);
    expect(waits).toEqual([SLACK_RETRY_MAX_MS]);
  });

  it('post gives up after the configured retries of a 5xx, with doubling waits', async () => {
    const server = await scriptedSlack([{ status: 503, body: 'unavailable' }]);
    const waits: number[] = [];
    const replies = new FetchSlackChatReplies({
      botToken: 'xoxb-1',
      apiUrl: server.apiUrl,
      retries: 2,
      sleep: (ms) => Promise.resolve(void waits.push(ms)),
    });

    const attempt = replies.post('C1', { text: 'x' });

    await expect(attempt).rejects.toThrow('Slack chat.postMessage failed: HTTP 503');
    await server.close();
    expect(server.requests()).toBe(3);
    expect(waits).toEqual([200, 400]);
  });

  it("post fails at once with Slack's error code on ok:false, never naming the token", async () => {
    const server = await scriptedSlack([{ status: 200, body: '{"ok":false,"error":"channel_not_found"}' }]);
    const replies = new FetchSlackChatReplies({ botToken: 'xoxb-secret-token', apiUrl: server.apiUrl });

    const error = await replies.post('C404', { text: 'x' }).catch((caught: unknown) => caught);
    await server.close();

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('Slack chat.postMessage failed: channel_not_found');
    expect((error as Error).message).not.toContain('xoxb');
    expect(server.requests()).toBe(1);
  });
});

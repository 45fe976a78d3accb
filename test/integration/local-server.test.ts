/**
 * The local HTTP surface of `vgac start` through the real server (startStack on port 0, embedded
 * dynalite/s3rver in a temp data directory): without an API key only loopback Host names are
 * answered (DNS rebinding), with one any Host is; `/invocations` and the `/api/*` JSON routes
 * refuse bodies that are not `application/json` (a cross-site text/plain POST); the response_url
 * stand-in answers only at this start's token and prints the Slack answer stripped of escape
 * sequences.
 */
import { request } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSlackRequest } from '../../src/app/http/slack/slack-signature.ts';
import type { Logger } from '../../src/app/ports/logger.ts';
import { loadConfig } from '../../src/entry/config.ts';
import { LOCAL_RESPONSE_PATH } from '../../src/entry/local/local-slack-responses.ts';
import { startStack, type Stack } from '../../src/entry/local/start-stack.ts';

const API_KEY = 'local-server-key-0123456789';
const ESC = '\u001b';
const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

interface Reply {
  readonly status: number;
  readonly body: { error?: { code?: string; message?: string } } & Record<string, unknown>;
}

/** One request with an explicit Host header (fetch does not let a caller choose it). */
function send(
  url: string,
  options: { method?: string; path: string; host?: string; headers?: Record<string, string>; body?: string },
): Promise<Reply> {
  const target = new URL(options.path, url);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        hostname: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? 'GET',
        headers: { ...(options.host === undefined ? {} : { host: options.host }), ...options.headers },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: text === '' ? {} : (JSON.parse(text) as Reply['body']) }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'vgac-local-server-'));
});

afterAll(async () => {
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

describe('vgac start without an API key', () => {
  let stack: Stack;
  const printed: string[] = [];

  beforeAll(async () => {
    const config = loadConfig({ VGAC_DATA_DIR: dataDir, VGAC_LOG_LEVEL: 'silent' }, { httpPort: 0 });
    stack = await startStack({
      config,
      simulate: false,
      logger: silent,
      fallbackPort: false,
      writeSlackAnswer: (text) => void printed.push(text),
    });
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('the server refuses a Host that is not a loopback name with 421 and a JSON error naming it', async () => {
    const port = new URL(stack.url).port;

    const rebound = await send(stack.url, { path: '/api/clusters', host: `attacker.example:${port}` });
    const wildcard = await send(stack.url, { path: '/health', host: `0.0.0.0:${port}` });
    const lookalike = await send(stack.url, { path: '/health', host: 'localhost.attacker.example' });

    expect(rebound.status).toBe(421);
    expect(rebound.body.error?.code).toBe('MISDIRECTED_REQUEST');
    expect(rebound.body.error?.message).toContain(`'attacker.example:${port}'`);
    expect(rebound.body.error?.message).toContain('VGAC_API_KEY');
    expect(wildcard.status).toBe(421);
    expect(lookalike.status).toBe(421);
  });

  it('the server answers localhost, 127.0.0.1 and [::1], with or without the port', async () => {
    const port = new URL(stack.url).port;
    const hosts = ['localhost', `localhost:${port}`, '127.0.0.1', `127.0.0.1:${port}`, '[::1]', `[::1]:${port}`];

    const replies = await Promise.all(hosts.map((host) => send(stack.url, { path: '/api/clusters', host })));

    expect(replies.map((reply) => reply.status)).toEqual(hosts.map(() => 200));
  });

  it('POST /invocations refuses text/plain and a missing content type with 415, and answers application/json', async () => {
    const prompt = JSON.stringify({ prompt: 'when will my 4-GPU job start on eks-prod?' });

    const plain = await send(stack.url, {
      method: 'POST',
      path: '/invocations',
      headers: { 'content-type': 'text/plain' },
      body: prompt,
    });
    const none = await send(stack.url, { method: 'POST', path: '/invocations', body: prompt });
    const json = await send(stack.url, {
      method: 'POST',
      path: '/invocations',
      headers: { 'content-type': 'application/json' },
      body: prompt,
    });

    expect(plain.status).toBe(415);
    expect(plain.body.error).toEqual({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: "unsupported content-type 'text/plain': send application/json",
    });
    expect(none.status).toBe(415);
    expect(json.status).toBe(200);
    expect(json.body).toHaveProperty('scope');
  });

  it('POST /api/predict/wait and /api/outcomes refuse text/plain with 415 as well', async () => {
    const body = JSON.stringify({ cluster_id: 'eks-prod', gpus: 4 });

    const predict = await send(stack.url, {
      method: 'POST',
      path: '/api/predict/wait',
      headers: { 'content-type': 'text/plain' },
      body,
    });
    const outcome = await send(stack.url, {
      method: 'POST',
      path: '/api/outcomes',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body,
    });

    expect(predict.status).toBe(415);
    expect(outcome.status).toBe(415);
  });

  it('the response_url stand-in refuses a wrong, missing or extended token with 404 and prints nothing', async () => {
    const path = new URL(stack.slackResponseUrl).pathname;
    const token = path.slice(LOCAL_RESPONSE_PATH.length + 1);
    const wrongToken = `${token.slice(0, -1)}${token.endsWith('0') ? '1' : '0'}`;
    const post = (at: string) =>
      send(stack.url, {
        method: 'POST',
        path: at,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'forged' }),
      });
    const before = printed.length;

    const replies = await Promise.all([
      post(`${LOCAL_RESPONSE_PATH}/${wrongToken}`),
      post(LOCAL_RESPONSE_PATH),
      post(`${LOCAL_RESPONSE_PATH}/`),
      post(`${path}/extra`),
    ]);

    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(replies.map((reply) => reply.status)).toEqual([404, 404, 404, 404]);
    expect(replies.map((reply) => reply.body.error?.code)).toEqual([
      'NOT_FOUND',
      'NOT_FOUND',
      'NOT_FOUND',
      'NOT_FOUND',
    ]);
    expect(printed.slice(before)).toEqual([]);
  });

  it('the response_url stand-in prints an answer posted to its token with escape sequences and control characters stripped', async () => {
    const path = new URL(stack.slackResponseUrl).pathname;
    const text = `${ESC}]0;pwned${ESC}\\${ESC}[2K${ESC}[31mI cannot predict${ESC}[0m now\r\u0007\nreason:\tno queue`;
    const before = printed.length;

    const reply = await send(stack.url, {
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', text }),
    });

    expect(reply.status).toBe(200);
    expect(printed.slice(before)).toEqual(['\n  Slack answer → I cannot predict now\nreason:\tno queue\n\n']);
  });

  it('a signed slash command gets its answer through the stand-in URL the stack issued', async () => {
    const source = stack.slackSecret;
    if (source?.kind !== 'file') throw new Error(`expected the local secrets file, got ${JSON.stringify(source)}`);
    const secret = (JSON.parse(await readFile(source.path, 'utf8')) as { slackSigningSecret: string })
      .slackSigningSecret;
    const body = new URLSearchParams({
      command: '/vgac',
      text: 'status of eks-prod',
      user_id: 'U0LOCAL',
      channel_id: 'C0LOCAL',
      team_id: 'T0LOCAL',
      trigger_id: 'local.test.1',
      response_url: stack.slackResponseUrl,
    }).toString();
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = await signSlackRequest(secret, timestamp, body);
    const before = printed.length;

    const ack = await send(stack.url, {
      method: 'POST',
      path: '/slack/commands',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': signature,
      },
      body,
    });
    const answer = await until('the Slack answer', () => printed.slice(before)[0]);

    expect(source.path).toBe(join(dataDir, 'secrets.json'));
    expect(ack.status).toBe(200);
    expect(answer).toMatch(/^\n {2}Slack answer → .*eks-prod/s);
  });
});

describe('vgac start with an API key', () => {
  let stack: Stack;

  beforeAll(async () => {
    // The same data directory: the clusters registered by the first stack are reused.
    const config = loadConfig(
      { VGAC_DATA_DIR: dataDir, VGAC_LOG_LEVEL: 'silent', VGAC_API_KEY: API_KEY },
      { httpPort: 0 },
    );
    stack = await startStack({
      config,
      simulate: false,
      logger: silent,
      fallbackPort: false,
      writeSlackAnswer: () => undefined,
    });
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('the server answers any Host, and the key is what protects the API', async () => {
    const host = 'vgac.tunnel.example';

    const health = await send(stack.url, { path: '/health', host });
    const keyed = await send(stack.url, { path: '/api/clusters', host, headers: { 'x-api-key': API_KEY } });
    const unkeyed = await send(stack.url, { path: '/api/clusters', host });

    expect(health.status).toBe(200);
    expect(keyed.status).toBe(200);
    expect(unkeyed.status).toBe(401);
  });
});

import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgentCoreRoutes } from '../../src/app/http/agentcore-routes.ts';
import type { ClusterObserver } from '../../src/app/ports/cluster-observer.ts';
import type { Reasoner } from '../../src/app/ports/reasoner.ts';
import { createAgentHandler } from '../../src/entry/lambda/agent-handler.ts';
import { createAgentStack, publishQueue, registerAgentCluster, type AgentStack } from '../support/agent-fixtures.ts';
import { startTestAws, uniqueName, type TestAws } from '../support/embedded-aws.ts';
import { JAN_1_2025_MS } from '../support/storage-fixtures.ts';

let aws: TestAws;
let stack: AgentStack;
let server: ServerType;
let baseUrl: string;
let clusterId: string;
let releaseObserve: (() => void) | undefined;
let blockObserve = false;

beforeAll(async () => {
  aws = await startTestAws();
  stack = await createAgentStack(aws);
  clusterId = uniqueName('agentcore');
  await registerAgentCluster(stack, clusterId, { ece: 0.01, outcomes: 200 }, JAN_1_2025_MS);
  publishQueue(stack, clusterId, 0.4, JAN_1_2025_MS, ['job-1']);
  // An observer that can be held open, to see HealthyBusy while an invocation runs.
  const gated: ClusterObserver = {
    async observe(id, job) {
      if (blockObserve) await new Promise<void>((resolve) => { releaseObserve = resolve; });
      return stack.observer.observe(id, job);
    },
  };
  const app = createAgentCoreRoutes({ agents: { ...stack.deps, observer: gated }, nowMs: () => JAN_1_2025_MS, apiKey: undefined });
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await aws?.stop();
});

function post(body: string): Promise<Response> {
  return fetch(`${baseUrl}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
}

describe('AgentCore HTTP contract', () => {
  it('GET /ping → {"status":"Healthy"} when idle', async () => {
    const response = await fetch(`${baseUrl}/ping`);

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'Healthy' });
  });

  it('GET /ping → HealthyBusy while an invocation runs, Healthy after', async () => {
    blockObserve = true;
    const running = post(JSON.stringify({ prompt: `when will my 2-GPU job start on ${clusterId}?` }));
    while (releaseObserve === undefined) await new Promise((resolve) => setTimeout(resolve, 5));

    const busy = (await (await fetch(`${baseUrl}/ping`)).json()) as { status: string };
    blockObserve = false;
    releaseObserve();
    releaseObserve = undefined;
    const answer = await running;
    const idle = (await (await fetch(`${baseUrl}/ping`)).json()) as { status: string };

    expect(busy.status).toBe('HealthyBusy');
    expect(answer.status).toBe(200);
    expect(idle.status).toBe('Healthy');
  });

  it('POST /invocations with a prompt answers a what-if decision', async () => {
    const response = await post(JSON.stringify({ prompt: `when will my 4-GPU job start on ${clusterId}?` }));
    const decision = (await response.json()) as { status: string; scope: string; probability: number; jobId: string | null; answer: string };

    expect(response.status).toBe(200);
    expect(decision).toMatchObject({ status: 'decided', scope: 'autonomous', jobId: null });
    expect(decision.probability).toBeCloseTo(0.4, 6);
    expect(decision.answer).toContain('autonomous');
  });

  it('POST /invocations with a structured request acts on the job', async () => {
    const response = await post(JSON.stringify({ clusterId, jobId: 'job-1', job: { gpus: 4 } }));
    const decision = (await response.json()) as { executedActions: { action: { kind: string } }[] };

    expect(response.status).toBe(200);
    expect(decision.executedActions.map((executed) => executed.action.kind)).toEqual(['annotate']);
  });

  it.each([
    ['malformed JSON', '{"prompt": ', 400, 'INVALID_REQUEST'],
    ['wrong types', JSON.stringify({ clusterId: 'c', job: { gpus: 'four' } }), 400, 'INVALID_REQUEST'],
    ['unknown fields', JSON.stringify({ prompt: 'hi on c', extra: 1 }), 400, 'INVALID_REQUEST'],
    ['no cluster named', JSON.stringify({ prompt: 'when will my job start?' }), 400, 'INVALID_REQUEST'],
  ])('client mistake (%s) → %s with a JSON error body', async (_name, body, status, code) => {
    const response = await post(body);
    const payload = (await response.json()) as { error: { code: string; message: string } };

    expect(response.status).toBe(status);
    expect(payload.error.code).toBe(code);
    expect(payload.error.message.length).toBeGreaterThan(0);
  });
});

describe('AgentCore answers for clusters it cannot serve', () => {
  it('a cluster with a queue but no registration → 404 UNKNOWN_CLUSTER', async () => {
    const stranger = uniqueName('stranger');
    publishQueue(stack, stranger, 0.5, JAN_1_2025_MS);

    const response = await post(JSON.stringify({ clusterId: stranger, job: { gpus: 1 } }));

    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('UNKNOWN_CLUSTER');
  });

  it('a cluster whose collector has nothing → 200 with an honest "cannot predict now"', async () => {
    const response = await post(JSON.stringify({ clusterId: 'never-observed', job: { gpus: 1 } }));
    const decision = (await response.json()) as { status: string; confidence: number; scope: string };

    expect(response.status).toBe(200);
    expect(decision).toMatchObject({ status: 'unavailable', confidence: 0, scope: 'escalate' });
  });
});

const API_KEY = 'test-api-key-0123456789';

/** A model stand-in that answers at once and records which model each call asked for. */
function recordingReasoner(): Reasoner & { modelIds: string[] } {
  const modelIds: string[] = [];
  return {
    kind: 'bedrock',
    modelIds,
    reason(request) {
      modelIds.push(request.modelId);
      return Promise.resolve({ status: 'answered', text: 'recorded answer', modelId: request.modelId, usage: { inputTokens: 1, outputTokens: 1 }, calls: 1, toolRequests: [] });
    },
  };
}

describe('AgentCore POST /invocations with an API key configured', () => {
  const keyedApp = () => createAgentCoreRoutes({ agents: stack.deps, nowMs: () => JAN_1_2025_MS, apiKey: API_KEY });
  const invoke = (app: ReturnType<typeof keyedApp>, body: unknown, headers: Record<string, string> = {}) =>
    app.request('/invocations', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it.each([
    ['no key', {}],
    ['an empty key', { 'x-api-key': '' }],
    ['a wrong key', { 'x-api-key': `${API_KEY}x` }],
  ])('refuses %s with 401 and runs nothing', async (_name, headers) => {
    const before = stack.logger.lines.filter((line) => line.event === 'gate.decision').length;

    const response = await invoke(keyedApp(), { prompt: `when will my 4-GPU job start on ${clusterId}?` }, headers);

    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
    expect(stack.logger.lines.filter((line) => line.event === 'gate.decision')).toHaveLength(before);
  });

  it('answers with the right key; GET /ping needs none', async () => {
    const app = keyedApp();

    const answered = await invoke(app, { prompt: `when will my 4-GPU job start on ${clusterId}?` }, { 'x-api-key': API_KEY });
    const ping = await app.request('/ping');

    expect(answered.status).toBe(200);
    expect(((await answered.json()) as { status: string }).status).toBe('decided');
    expect(ping.status).toBe(200);
  });

  it('honours complex: true only from a caller that presented the key', async () => {
    const reasoner = recordingReasoner();
    const modelStack = await createAgentStack(aws, { reasoner });
    const cluster = uniqueName('complex');
    await registerAgentCluster(modelStack, cluster, { ece: 0.01, outcomes: 200 }, JAN_1_2025_MS);
    publishQueue(modelStack, cluster, 0.4, JAN_1_2025_MS);
    const open = createAgentCoreRoutes({ agents: modelStack.deps, nowMs: () => JAN_1_2025_MS, apiKey: undefined });
    const keyed = createAgentCoreRoutes({ agents: modelStack.deps, nowMs: () => JAN_1_2025_MS, apiKey: API_KEY });
    const { policy } = modelStack.deps.reasoning;

    const anonymous = await invoke(open, { prompt: `when will my 1-GPU job start on ${cluster}?`, complex: true });
    const authenticated = await invoke(keyed, { prompt: `when will my 2-GPU job start on ${cluster}?`, complex: true }, { 'x-api-key': API_KEY });
    const askedWhy = await invoke(open, { prompt: `why is my 3-GPU job waiting on ${cluster}?` });

    expect([anonymous.status, authenticated.status, askedWhy.status]).toEqual([200, 200, 200]);
    // Anonymous complex:true is ignored (default model); the key lets it through; "why" is decided server-side.
    expect(reasoner.modelIds).toEqual([policy.defaultModelId, policy.complexModelId, policy.complexModelId]);
  });
});

describe('Lambda agent handler', () => {
  async function recordedEvent(name: string): Promise<Record<string, unknown> & { body: string; headers: Record<string, string> }> {
    return JSON.parse(await readFile(new URL(`../fixtures/events/${name}`, import.meta.url), 'utf8')) as Record<string, unknown> & { body: string; headers: Record<string, string> };
  }

  it('answers a recorded Function URL event (base64 JSON body) with statusCode, headers and a JSON body', async () => {
    const recorded = await recordedEvent('agent-function-url.json');
    const body = Buffer.from(recorded.body, 'base64').toString('utf8').replace('CLUSTER', clusterId);
    const handler = createAgentHandler(stack.deps, { nowMs: () => JAN_1_2025_MS, apiKey: undefined });

    const result = await handler({ ...recorded, body: Buffer.from(body).toString('base64') }, { awsRequestId: 'req-1' });

    expect(result).toMatchObject({ statusCode: 200, headers: { 'content-type': 'application/json' } });
    expect('body' in result && (JSON.parse(result.body) as { scope: string }).scope).toBe('autonomous');
    expect(stack.logger.lines.some((line) => line.event === 'gate.decision' && line.fields.correlationId === 'req-1')).toBe(true);
  });

  it('answers a recorded API Gateway v2 event carrying the right key with 200 and the decision', async () => {
    const recorded = await recordedEvent('apigw-v2-invocations.json');
    const handler = createAgentHandler(stack.deps, { nowMs: () => JAN_1_2025_MS, apiKey: API_KEY });

    const result = await handler({ ...recorded, body: recorded.body.replace('CLUSTER', clusterId) });

    expect('statusCode' in result && result.statusCode).toBe(200);
    expect('body' in result && (JSON.parse(result.body) as { status: string; jobId: string }).jobId).toBe('job-gw-1');
  });

  it.each([
    ['a wrong key', (event: Record<string, unknown> & { headers: Record<string, string> }) => ({ ...event, headers: { ...event.headers, 'x-api-key': 'wrong-key-0123456789' } }), 401, 'UNAUTHORIZED'],
    ['no key', (event: Record<string, unknown> & { headers: Record<string, string> }) => ({ ...event, headers: { 'content-type': 'application/json' } }), 401, 'UNAUTHORIZED'],
    ['a bad body', (event: Record<string, unknown> & { headers: Record<string, string> }) => ({ ...event, body: '{"clusterId": "c", "job": {}}' }), 400, 'INVALID_REQUEST'],
    ['no body', (event: Record<string, unknown> & { headers: Record<string, string> }) => ({ ...event, body: undefined }), 400, 'INVALID_REQUEST'],
  ])('maps an API Gateway v2 event with %s to statusCode %s (not a 200 wrapping an error)', async (_name, change, statusCode, code) => {
    const recorded = await recordedEvent('apigw-v2-invocations.json');
    const handler = createAgentHandler(stack.deps, { nowMs: () => JAN_1_2025_MS, apiKey: API_KEY });

    const result = await handler(change({ ...recorded, body: recorded.body.replace('CLUSTER', clusterId) }));

    expect('statusCode' in result && result.statusCode).toBe(statusCode);
    expect('body' in result && (JSON.parse(result.body) as { error: { code: string } }).error.code).toBe(code);
  });

  it('answers a direct (Lambda-to-Lambda) invocation with {status, decision}, no key needed', async () => {
    const handler = createAgentHandler(stack.deps, { nowMs: () => JAN_1_2025_MS, apiKey: API_KEY });

    const result = await handler({ prompt: `when will my 4-GPU job start on ${clusterId}?` });

    expect('status' in result && result.status).toBe(200);
    expect('decision' in result && result.decision.status).toBe('decided');
  });

  it('maps a bad direct payload to 400 with the issues', async () => {
    const handler = createAgentHandler(stack.deps, { nowMs: () => JAN_1_2025_MS, apiKey: undefined });

    const result = await handler({ clusterId, job: {} });

    expect('status' in result && result.status).toBe(400);
    expect('error' in result && result.error.issues?.map((issue) => issue.path)).toContain('job.gpus');
  });
});

import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgentCoreRoutes } from '../../src/app/http/agentcore-routes.ts';
import type { ClusterObserver } from '../../src/app/ports.ts';
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
  const app = createAgentCoreRoutes({ agents: { ...stack.deps, observer: gated }, nowMs: () => JAN_1_2025_MS });
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

describe('Lambda agent handler', () => {
  it('answers a recorded Function URL event (base64 JSON body)', async () => {
    const recorded = JSON.parse(await readFile(new URL('../fixtures/events/agent-function-url.json', import.meta.url), 'utf8')) as { body: string };
    const body = Buffer.from(recorded.body, 'base64').toString('utf8').replace('CLUSTER', clusterId);
    const handler = createAgentHandler(stack.deps, { nowMs: () => JAN_1_2025_MS });

    const result = await handler({ ...recorded, body: Buffer.from(body).toString('base64') }, { awsRequestId: 'req-1' });

    expect(result.status).toBe(200);
    expect('decision' in result && result.decision.scope).toBe('autonomous');
    expect(stack.logger.lines.some((line) => line.event === 'gate.decision' && line.fields.correlationId === 'req-1')).toBe(true);
  });

  it('maps a bad direct payload to 400 with the issues', async () => {
    const handler = createAgentHandler(stack.deps, { nowMs: () => JAN_1_2025_MS });

    const result = await handler({ clusterId, job: {} });

    expect(result.status).toBe(400);
    expect('error' in result && result.error.issues?.map((issue) => issue.path)).toContain('job.gpus');
  });
});

import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcessAgentRuntime } from '../../src/app/agents/in-process-agent-runtime.ts';
import { createAgentCoreRoutes, SESSION_ID_HEADER } from '../../src/app/http/agentcore-routes.ts';
import type { ClusterObserver } from '../../src/app/ports/cluster-observer.ts';
import type { Reasoner } from '../../src/app/ports/reasoner.ts';
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
      if (blockObserve)
        await new Promise<void>((resolve) => {
          releaseObserve = resolve;
        });
      return stack.observer.observe(id, job);
    },
  };
  const app = createAgentCoreRoutes({
    runtime: inProcessAgentRuntime({ ...stack.deps, observer: gated }, () => JAN_1_2025_MS),
    logger: stack.logger,
    nowMs: () => JAN_1_2025_MS,
    apiKey: undefined,
  });
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
    const decision = (await response.json()) as {
      status: string;
      scope: string;
      probability: number;
      job_id: string | null;
      answer: string;
    };

    expect(response.status).toBe(200);
    expect(decision).toMatchObject({ status: 'decided', scope: 'autonomous', job_id: null });
    // One naming convention on our routes: no camelCase key anywhere in the reply.
    expect(JSON.stringify(decision)).not.toMatch(/"[a-z0-9]+[A-Z][A-Za-z0-9]*":/);
    expect(decision.probability).toBeCloseTo(0.4, 6);
    expect(decision.answer).toContain('autonomous');
  });

  it('POST /invocations with a structured request acts on the job', async () => {
    const response = await post(
      JSON.stringify({ cluster_id: clusterId, job_id: 'job-1', job: { gpus: 4, gpu_type: 'A100' } }),
    );
    const decision = (await response.json()) as { job_id: string; executed_actions: { action: { kind: string } }[] };

    expect(response.status).toBe(200);
    expect(decision.job_id).toBe('job-1');
    expect(decision.executed_actions.map((executed) => executed.action.kind)).toEqual(['annotate']);
  });

  it('POST /invocations still reads the camelCase fields it took before, answers in snake_case, and names an unknown field in snake_case', async () => {
    const older = await post(JSON.stringify({ clusterId, jobId: 'job-2', job: { gpus: 4, gpuType: 'A100' } }));
    const unknown = await post(JSON.stringify({ cluster_id: clusterId, job: { gpus: 1 }, retryBudget: 3 }));

    expect(older.status).toBe(200);
    expect(((await older.json()) as { job_id: string }).job_id).toBe('job-2');
    expect(unknown.status).toBe(400);
    expect(
      ((await unknown.json()) as { error: { issues: { message: string }[] } }).error.issues.map(
        (issue) => issue.message,
      ),
    ).toEqual(['unknown field(s): retry_budget']);
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
      return Promise.resolve({
        status: 'answered',
        text: 'recorded answer',
        modelId: request.modelId,
        usage: { inputTokens: 1, outputTokens: 1 },
        calls: 1,
        toolRequests: [],
      });
    },
  };
}

describe('AgentCore POST /invocations with an API key configured', () => {
  const keyedApp = () =>
    createAgentCoreRoutes({
      runtime: inProcessAgentRuntime(stack.deps, () => JAN_1_2025_MS),
      logger: stack.logger,
      nowMs: () => JAN_1_2025_MS,
      apiKey: API_KEY,
    });
  const invoke = (app: ReturnType<typeof keyedApp>, body: unknown, headers: Record<string, string> = {}) =>
    app.request('/invocations', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

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

    const answered = await invoke(
      app,
      { prompt: `when will my 4-GPU job start on ${clusterId}?` },
      { 'x-api-key': API_KEY },
    );
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
    const open = createAgentCoreRoutes({
      runtime: inProcessAgentRuntime(modelStack.deps, () => JAN_1_2025_MS),
      logger: modelStack.logger,
      nowMs: () => JAN_1_2025_MS,
      apiKey: undefined,
    });
    const keyed = createAgentCoreRoutes({
      runtime: inProcessAgentRuntime(modelStack.deps, () => JAN_1_2025_MS),
      logger: modelStack.logger,
      nowMs: () => JAN_1_2025_MS,
      apiKey: API_KEY,
    });
    const { policy } = modelStack.deps.reasoning;

    const anonymous = await invoke(open, { prompt: `when will my 1-GPU job start on ${cluster}?`, complex: true });
    const authenticated = await invoke(
      keyed,
      { prompt: `when will my 2-GPU job start on ${cluster}?`, complex: true },
      { 'x-api-key': API_KEY },
    );
    const askedWhy = await invoke(open, { prompt: `why is my 3-GPU job waiting on ${cluster}?` });

    expect([anonymous.status, authenticated.status, askedWhy.status]).toEqual([200, 200, 200]);
    // Anonymous complex:true is ignored (default model); the key lets it through; "why" is decided server-side.
    expect(reasoner.modelIds).toEqual([policy.defaultModelId, policy.complexModelId, policy.complexModelId]);
  });
});

describe('AgentCore runtime sessions', () => {
  it("uses AgentCore's session header as the decision's correlation id, and one session per API key otherwise", async () => {
    const app = createAgentCoreRoutes({
      runtime: inProcessAgentRuntime(stack.deps, () => JAN_1_2025_MS),
      logger: stack.logger,
      nowMs: () => JAN_1_2025_MS,
      apiKey: API_KEY,
    });
    const session = `conversation-${'a'.repeat(64)}`;
    const body = JSON.stringify({ prompt: `when will my 4-GPU job start on ${clusterId}?` });
    const correlationIds = () =>
      stack.logger.lines.filter((line) => line.event === 'gate.decision').map((line) => line.fields.correlationId);
    const before = correlationIds().length;

    await app.request('/invocations', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY, [SESSION_ID_HEADER]: session },
      body,
    });
    await app.request('/invocations', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      body,
    });
    await app.request('/invocations', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY, [SESSION_ID_HEADER]: 'too-short' },
      body,
    });
    await app.request('/invocations', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': API_KEY,
        [SESSION_ID_HEADER]: `${'a'.repeat(40)} with spaces`,
      },
      body,
    });

    const [given, derived, replaced, unusable] = correlationIds().slice(before);
    expect(given).toBe(session);
    // sha256 of the API key: python3 -c "import hashlib; print(hashlib.sha256(b'test-api-key-0123456789').hexdigest())"
    expect(derived).toBe('api-47bd0e2f856fe258ebba4d00930ab811d0c004dafae068c9d72511ca3512cca6');
    expect(replaced).toBe(derived);
    expect(unusable).toBe(derived);
  });

  it('honours complex: true from every caller when the platform in front authenticated them (trustAllCallers)', async () => {
    const reasoner = recordingReasoner();
    const modelStack = await createAgentStack(aws, { reasoner });
    const cluster = uniqueName('trusted');
    await registerAgentCluster(modelStack, cluster, { ece: 0.01, outcomes: 200 }, JAN_1_2025_MS);
    publishQueue(modelStack, cluster, 0.4, JAN_1_2025_MS);
    const behindIam = createAgentCoreRoutes({
      runtime: inProcessAgentRuntime(modelStack.deps, () => JAN_1_2025_MS),
      logger: modelStack.logger,
      nowMs: () => JAN_1_2025_MS,
      apiKey: undefined,
      trustAllCallers: true,
    });

    const response = await behindIam.request('/invocations', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clusterId: cluster, job: { gpus: 2 }, complex: true }),
    });

    expect(response.status).toBe(200);
    expect(reasoner.modelIds).toEqual([modelStack.deps.reasoning.policy.complexModelId]);
  });
});

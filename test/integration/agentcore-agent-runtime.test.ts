/**
 * The AgentCore AgentRuntime adapter against a loopback server speaking the AgentCore data plane's
 * InvokeAgentRuntime wire format (test/support/agentcore-data-plane-server.ts), which hands each
 * payload to the AgentCore routes of the one HTTP app running the real agents on dynalite/s3rver —
 * what the deployed runtime's server does. Failures (throttling, a service fault, a runtime past
 * the deadline, an unreadable reply) become AgentRuntimeUnavailableError, which callers see as 503.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentSessionId, SessionScope } from '../../src/app/agents/agent-session-id.ts';
import { inProcessAgentRuntime } from '../../src/app/agents/in-process-agent-runtime.ts';
import { AgentRuntimeRefusedError, AgentRuntimeUnavailableError } from '../../src/app/errors.ts';
import { createAgentCoreRoutes } from '../../src/app/http/agentcore-routes.ts';
import { mapError } from '../../src/app/http/error-response.ts';
import { AgentCoreAgentRuntime, createAgentCoreClient } from '../../src/adapters/agentcore/agentcore-agent-runtime.ts';
import { createAgentStack, publishQueue, registerAgentCluster, type AgentStack } from '../support/agent-fixtures.ts';
import {
  dataPlaneError,
  startAgentCoreDataPlaneServer,
  type AgentCoreDataPlaneServer,
} from '../support/agentcore-data-plane-server.ts';
import { startTestAws, uniqueName, type TestAws } from '../support/embedded-aws.ts';
import { JAN_1_2025_MS } from '../support/storage-fixtures.ts';

const RUNTIME_ARN = 'arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/vgac_agent-AbCdEf1234';
const SESSION = agentSessionId(SessionScope.conversation, 'T0:C0:1700000000.000100');

let aws: TestAws;
let stack: AgentStack;
let dataPlane: AgentCoreDataPlaneServer;
let clusterId: string;

beforeAll(async () => {
  aws = await startTestAws();
  stack = await createAgentStack(aws);
  clusterId = uniqueName('agentcore');
  await registerAgentCluster(stack, clusterId, { ece: 0.01, outcomes: 200 }, JAN_1_2025_MS);
  publishQueue(stack, clusterId, 0.4, JAN_1_2025_MS, ['job-1']);
  const agent = createAgentCoreRoutes({
    runtime: inProcessAgentRuntime(stack.deps, () => JAN_1_2025_MS),
    logger: stack.logger,
    nowMs: () => JAN_1_2025_MS,
    apiKey: undefined,
    trustAllCallers: true,
  });
  dataPlane = await startAgentCoreDataPlaneServer((request) => agent.fetch(request));
}, 60_000);

afterAll(async () => {
  await dataPlane?.close();
  await aws?.stop();
});

function runtime(options: { timeoutMs?: number } = {}): AgentCoreAgentRuntime {
  const client = createAgentCoreClient({
    region: 'us-east-1',
    endpoint: dataPlane.endpoint,
    credentials: { accessKeyId: 'AKIDAGENTCORETEST', secretAccessKey: 'agentcore-test-secret' },
    maxAttempts: 2,
  });
  return new AgentCoreAgentRuntime({
    client,
    runtimeArn: RUNTIME_ARN,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
}

async function refusal(work: Promise<unknown>): Promise<Error> {
  try {
    await work;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the invocation to fail');
}

describe('AgentCoreAgentRuntime', () => {
  it("sends InvokeAgentRuntime on the wire (ARN in the path, DEFAULT qualifier, session header, SigV4, JSON payload) and returns the agents' decision", async () => {
    const before = dataPlane.requests.length;

    const decision = await runtime().invoke(
      { clusterId, job: { gpus: 4 }, question: 'when will my 4-GPU job start?' },
      SESSION,
    );

    const sent = dataPlane.requests[before];
    expect(sent?.method).toBe('POST');
    expect(sent?.url).toBe(`/runtimes/${encodeURIComponent(RUNTIME_ARN)}/invocations?qualifier=DEFAULT`);
    expect(sent?.headers['x-amzn-bedrock-agentcore-runtime-session-id']).toBe(SESSION);
    expect(sent?.headers['content-type']).toBe('application/json');
    expect(sent?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDAGENTCORETEST\/\d{8}\/us-east-1\/bedrock-agentcore\/aws4_request, SignedHeaders=.*x-amzn-bedrock-agentcore-runtime-session-id/,
    );
    // Sent in our routes' snake_case; the decision comes back in the product's own records' camelCase.
    expect(JSON.parse(sent?.body ?? '')).toEqual({
      cluster_id: clusterId,
      job: { gpus: 4 },
      question: 'when will my 4-GPU job start?',
    });
    expect(decision).toMatchObject({ status: 'decided', clusterId, scope: 'autonomous', jobId: null });
    expect(decision.probability).toBeCloseTo(0.4, 6);
    // The session reached the agents as the decision's correlation id.
    expect(
      stack.logger.lines.some((line) => line.event === 'gate.decision' && line.fields.correlationId === SESSION),
    ).toBe(true);
  });

  it("reads a decision in snake_case (the runtime's routes) and in camelCase (a runtime deployed before) alike", async () => {
    const decision = {
      status: 'decided',
      clusterId,
      scope: 'autonomous',
      answer: 'either',
      reasons: [],
      executedActions: [{ action: { kind: 'annotate', jobId: 'j-1' } }],
      failures: [],
      escalationId: null,
    };
    const snake = {
      status: 'decided',
      cluster_id: clusterId,
      scope: 'autonomous',
      answer: 'either',
      reasons: [],
      executed_actions: [{ action: { kind: 'annotate', job_id: 'j-1' } }],
      failures: [],
      escalation_id: null,
    };
    dataPlane.script({ status: 200, body: JSON.stringify(snake) }, { status: 200, body: JSON.stringify(decision) });

    const fromSnake = await runtime().invoke({ clusterId, job: { gpus: 1 } }, SESSION);
    const fromCamel = await runtime().invoke({ clusterId, job: { gpus: 1 } }, SESSION);

    expect(fromSnake).toEqual(decision);
    expect(fromCamel).toEqual(decision);
  });

  it('reads a text/event-stream reply: the decision is the last data event', async () => {
    const decision = {
      status: 'decided',
      clusterId,
      scope: 'autonomous',
      answer: 'streamed',
      reasons: [],
      executedActions: [],
      failures: [],
    };
    dataPlane.script({
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      body: `data: {"status":"working"}\n\ndata: ${JSON.stringify(decision)}\n\n`,
    });

    const streamed = await runtime().invoke({ clusterId, job: { gpus: 1 } }, SESSION);

    expect(streamed).toEqual(decision);
  });

  it("passes the agents' own client mistake on with its code: an unknown cluster stays a 404", async () => {
    const stranger = uniqueName('stranger');
    publishQueue(stack, stranger, 0.5, JAN_1_2025_MS);

    const error = await refusal(runtime().invoke({ clusterId: stranger, job: { gpus: 1 } }, SESSION));

    expect(error).toBeInstanceOf(AgentRuntimeRefusedError);
    expect(mapError(error)).toMatchObject({ status: 404, body: { error: { code: 'UNKNOWN_CLUSTER' } } });
  });

  it.each([
    [
      'throttled on every attempt',
      dataPlaneError(429, 'ThrottlingException', 'Rate exceeded'),
      'ThrottlingException',
      /throttling/,
    ],
    [
      'a service fault on every attempt',
      dataPlaneError(500, 'InternalServerException', 'internal'),
      'InternalServerException',
      /failed/,
    ],
    [
      'over the session quota',
      dataPlaneError(402, 'ServiceQuotaExceededException', 'quota'),
      'ServiceQuotaExceededException',
      /quota/,
    ],
    [
      'denied by IAM',
      dataPlaneError(403, 'AccessDeniedException', 'not authorized'),
      'AccessDeniedException',
      /IAM role/,
    ],
  ])('%s → AgentRuntimeUnavailableError, a 503 for the caller', async (_name, reply, errorClass, reason) => {
    // Two replies: the SDK retries the retryable ones once (maxAttempts 2); a non-retryable one leaves the second unused.
    dataPlane.script(reply, reply);

    const error = await refusal(runtime().invoke({ clusterId, job: { gpus: 1 } }, SESSION));
    dataPlane.clearScript();

    expect(error).toBeInstanceOf(AgentRuntimeUnavailableError);
    expect((error as AgentRuntimeUnavailableError).errorClass).toBe(errorClass);
    expect(error.message).toMatch(reason);
    expect(mapError(error)).toMatchObject({ status: 503, body: { error: { code: 'AGENT_RUNTIME_UNAVAILABLE' } } });
  });

  it("a throttled first attempt is retried, and the retry's decision is returned", async () => {
    const before = dataPlane.requests.length;
    dataPlane.script(dataPlaneError(429, 'ThrottlingException', 'Rate exceeded'));

    const decision = await runtime().invoke({ clusterId, job: { gpus: 2 } }, SESSION);

    expect(dataPlane.requests.length - before).toBe(2);
    expect(decision.status).toBe('decided');
  });

  it('a runtime that does not answer before the deadline → AgentRuntimeUnavailableError (503)', async () => {
    dataPlane.script('hang', 'hang');

    const error = await refusal(runtime({ timeoutMs: 300 }).invoke({ clusterId, job: { gpus: 1 } }, SESSION));
    // The deadline covers the retries: the second hang may never be asked for.
    dataPlane.clearScript();

    expect(error).toBeInstanceOf(AgentRuntimeUnavailableError);
    expect(error.message).toMatch(/did not answer in time/);
    expect(mapError(error).status).toBe(503);
  });

  it('a reply that is not a decision (not JSON, or JSON of another shape) → AgentRuntimeUnavailableError naming it malformed', async () => {
    dataPlane.script(
      { status: 200, headers: { 'content-type': 'application/json' }, body: '<html>oops</html>' },
      { status: 200, headers: { 'content-type': 'application/json' }, body: '{"hello":"world"}' },
    );

    const notJson = await refusal(runtime().invoke({ clusterId, job: { gpus: 1 } }, SESSION));
    const otherShape = await refusal(runtime().invoke({ clusterId, job: { gpus: 1 } }, SESSION));

    expect((notJson as AgentRuntimeUnavailableError).errorClass).toBe('MalformedResponse');
    expect((otherShape as AgentRuntimeUnavailableError).errorClass).toBe('MalformedResponse');
    expect(otherShape.message).toContain('status');
  });
});

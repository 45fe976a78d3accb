import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explain } from '../../src/app/agents/explain.ts';
import { observePredictDecide } from '../../src/app/agents/observe-predict-decide.ts';
import { ReasonerError } from '../../src/app/errors.ts';
import type { ExplanationFacts } from '../../src/app/ports/reasoner.ts';
import { createBedrockReasoner, lazyBedrockConverse } from '../../src/adapters/llm/bedrock-reasoner.ts';
import { converseWith, createBedrockClient } from '../../src/adapters/llm/bedrock-runtime-client.ts';
import { DEFAULT_MODEL_POLICY } from '../../src/core/agents/model-policy.ts';
import { EXPLAIN_SYSTEM_PROMPT } from '../../src/core/agents/prompts.ts';
import { InvalidInputError } from '../../src/core/errors.ts';
import { createAgentStack, publishQueue, registerAgentCluster, type AgentStack } from '../support/agent-fixtures.ts';
import {
  ACCESS_DENIED_REPLY,
  END_OF_LIFE_REPLY,
  errorReply,
  startBedrockConverseServer,
  textReply,
  THROTTLING_REPLY,
  toolUseReply,
  type BedrockConverseServer,
} from '../support/bedrock-converse-server.ts';
import { assertLoopbackEndpoints, startTestAws, uniqueName, type TestAws } from '../support/embedded-aws.ts';
import { JAN_1_2025_MS } from '../support/storage-fixtures.ts';

/** The default model: Claude Haiku 5.5 through the US inference profile. */
const HAIKU_MODEL_ID = DEFAULT_MODEL_POLICY.defaultModelId;

let aws: TestAws;
let server: BedrockConverseServer;
let stack: AgentStack;

const facts: ExplanationFacts = {
  clusterId: 'c1',
  queuedJobs: 12,
  utilisationPercent: 78,
  requestedGpus: 4,
  probability: 0.62,
  waitEstimate: { pointSeconds: 1500, lowerSeconds: 720, upperSeconds: 2460, coverage: 0.8 },
  scope: 'notify',
  tier: 'warn',
  intervention: 'warn',
  calibrated: true,
  ece: 0.04,
  outcomeCount: 120,
  minOutcomes: 50,
};

beforeAll(async () => {
  aws = await startTestAws();
  server = await startBedrockConverseServer();
  assertLoopbackEndpoints(server.endpoint);
  const client = createBedrockClient({
    region: 'us-east-1',
    endpoint: server.endpoint,
    maxAttempts: 4,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  stack = await createAgentStack(aws, { reasoner: createBedrockReasoner(converseWith(client)) });
});

afterAll(async () => {
  await server?.close();
  await aws?.stop();
});

function clientFor(maxAttempts: number, requestTimeoutMs?: number) {
  return createBedrockReasoner(
    converseWith(
      createBedrockClient({
        region: 'us-east-1',
        endpoint: server.endpoint,
        maxAttempts,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        ...(requestTimeoutMs === undefined ? {} : { requestTimeoutMs }),
      }),
    ),
  );
}

describe('BedrockReasoner over the Converse wire format', () => {
  it('plain answer: sends Haiku the short prompt with maxTokens, returns the text and usage', async () => {
    server.script(textReply('Busy queue: about 25 minutes.', { inputTokens: 31, outputTokens: 9 }));
    const before = server.requests.length;

    const reply = await clientFor(1).reason({
      modelId: HAIKU_MODEL_ID,
      system: 'Be brief.',
      prompt: 'Cluster c: 12 queued, 78% util. Predict wait.',
      maxOutputTokens: 80,
      facts,
    });

    expect(reply).toEqual({
      status: 'answered',
      text: 'Busy queue: about 25 minutes.',
      modelId: HAIKU_MODEL_ID,
      usage: { inputTokens: 31, outputTokens: 9 },
      calls: 1,
      toolRequests: [],
    });
    const sent = server.requests[before];
    expect(sent?.modelId).toBe(HAIKU_MODEL_ID);
    expect(sent?.body.messages).toEqual([
      { role: 'user', content: [{ text: 'Cluster c: 12 queued, 78% util. Predict wait.' }] },
    ]);
    expect(sent?.body.inferenceConfig).toEqual({ maxTokens: 80 });
    expect(sent?.body.additionalModelRequestFields).toEqual({ thinking: { type: 'disabled' } });
    expect(sent?.body.toolConfig).toBeUndefined();
  });

  it('sends Sonnet 5.5 no sampling parameters and its lowest thinking setting (it refuses disabled thinking)', async () => {
    const before = server.requests.length;

    await clientFor(1).reason({
      modelId: DEFAULT_MODEL_POLICY.complexModelId,
      system: 's',
      prompt: 'p',
      maxOutputTokens: 80,
      facts,
    });

    const sent = server.requests[before];
    expect(sent?.modelId).toBe('us.anthropic.claude-sonnet-5-5');
    expect(sent?.body.inferenceConfig).toEqual({ maxTokens: 80 });
    expect(sent?.body.additionalModelRequestFields).toEqual({ thinking: { type: 'between_tools' } });
  });

  it('tool-use round trip: stopReason tool_use → toolResult sent back → final answer', async () => {
    server.script(
      toolUseReply('tool_lookup', { clusterId: 'c1' }, 'tu-42'),
      textReply('ECE is 0.04, so the estimate is reliable.'),
    );
    const before = server.requests.length;
    const seen: unknown[] = [];

    const reply = await clientFor(1).reason({
      modelId: HAIKU_MODEL_ID,
      system: 's',
      prompt: 'p',
      maxOutputTokens: 80,
      facts,
      tools: [
        {
          name: 'tool_lookup',
          description: 'look up',
          inputSchema: { type: 'object', properties: { clusterId: { type: 'string' } } },
        },
      ],
      runTool: (request) => {
        seen.push(request.input);
        return Promise.resolve({ ece: 0.04 });
      },
    });

    expect(reply.status === 'answered' && reply.text).toBe('ECE is 0.04, so the estimate is reliable.');
    expect(reply.status === 'answered' && reply.usage).toEqual({ inputTokens: 60, outputTokens: 32 });
    expect(seen).toEqual([{ clusterId: 'c1' }]);
    const second = server.requests[before + 1];
    expect(second?.body.messages.at(-1)).toEqual({
      role: 'user',
      content: [{ toolResult: { toolUseId: 'tu-42', content: [{ json: { ece: 0.04 } }], status: 'success' } }],
    });
    expect(server.requests[before]?.body.toolConfig?.tools[0]?.toolSpec.name).toBe('tool_lookup');
  });

  it('throttling (429 ThrottlingException) is retried with backoff until it succeeds', async () => {
    server.script(THROTTLING_REPLY, THROTTLING_REPLY, textReply('after the storm'));
    const before = server.requests.length;

    const reply = await clientFor(4).reason({
      modelId: HAIKU_MODEL_ID,
      system: 's',
      prompt: 'p',
      maxOutputTokens: 50,
      facts,
    });

    expect(reply.status === 'answered' && reply.text).toBe('after the storm');
    expect(server.requests.length - before).toBe(3);
  });

  it('throttling beyond the retries becomes a ReasonerError naming it', async () => {
    server.script(THROTTLING_REPLY, THROTTLING_REPLY);

    const failure = clientFor(2).reason({
      modelId: HAIKU_MODEL_ID,
      system: 's',
      prompt: 'p',
      maxOutputTokens: 50,
      facts,
    });

    await expect(failure).rejects.toThrow(/^Bedrock kept throttling after retries$/);
    await expect(failure).rejects.toBeInstanceOf(ReasonerError);
    await expect(failure).rejects.toMatchObject({ errorClass: 'ThrottlingException', modelId: HAIKU_MODEL_ID });
  });

  it.each([
    [
      'a model past its end of life (404 ResourceNotFoundException)',
      END_OF_LIFE_REPLY,
      'ResourceNotFoundException',
      /not found in this Region or past its end of life/,
    ],
    [
      'access denied (403 AccessDeniedException)',
      ACCESS_DENIED_REPLY,
      'AccessDeniedException',
      /access to model .* denied/,
    ],
    [
      'an end-of-life ValidationException',
      errorReply(
        400,
        'ValidationException',
        'The model anthropic.claude-3-haiku has reached the end of its life and is not available.',
      ),
      'ValidationException',
      /is not available \(ValidationException: end of life or not offered\)/,
    ],
    [
      'another ValidationException',
      errorReply(400, 'ValidationException', 'temperature: unsupported value'),
      'ValidationException',
      /^Bedrock refused the request to .* \(ValidationException\)$/,
    ],
  ])('%s becomes a ReasonerError naming its class, without retrying', async (_name, reply, errorClass, message) => {
    server.script(reply);
    const before = server.requests.length;

    const failure = clientFor(4).reason({
      modelId: HAIKU_MODEL_ID,
      system: 's',
      prompt: 'p',
      maxOutputTokens: 50,
      facts,
    });

    await expect(failure).rejects.toMatchObject({ errorClass, modelId: HAIKU_MODEL_ID });
    await expect(failure).rejects.toThrow(message);
    expect(server.requests.length - before).toBe(1);
  });

  it("a reply slower than the client's deadline becomes a ReasonerError of class TimeoutError", async () => {
    server.script({ ...textReply('too late'), delayMs: 3_000 });

    const failure = clientFor(1, 200).reason({
      modelId: HAIKU_MODEL_ID,
      system: 's',
      prompt: 'p',
      maxOutputTokens: 50,
      facts,
    });

    await expect(failure).rejects.toMatchObject({ errorClass: 'TimeoutError' });
  });

  it.each([
    ['not JSON', { status: 200, body: '<html>oops' }],
    [
      'no message content',
      {
        status: 200,
        body: JSON.stringify({
          output: {},
          stopReason: 'end_turn',
          usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
        }),
      },
    ],
    [
      'no usage',
      {
        status: 200,
        body: JSON.stringify({
          output: { message: { role: 'assistant', content: [{ text: 'hi' }] } },
          stopReason: 'end_turn',
        }),
      },
    ],
    [
      'empty text',
      {
        status: 200,
        body: JSON.stringify({
          output: { message: { role: 'assistant', content: [] } },
          stopReason: 'end_turn',
          usage: { inputTokens: 1, outputTokens: 0, totalTokens: 1 },
        }),
      },
    ],
  ])('malformed output (%s) → ReasonerError', async (_name, reply) => {
    server.script(reply);

    await expect(
      clientFor(1).reason({ modelId: HAIKU_MODEL_ID, system: 's', prompt: 'p', maxOutputTokens: 50, facts }),
    ).rejects.toBeInstanceOf(ReasonerError);
  });

  it('refuses an Opus model id at run time before any request', async () => {
    const before = server.requests.length;

    await expect(
      clientFor(1).reason({
        modelId: 'anthropic.claude-3-opus-20240229-v1:0',
        system: 's',
        prompt: 'p',
        maxOutputTokens: 50,
        facts,
      }),
    ).rejects.toThrow(InvalidInputError);
    expect(server.requests.length).toBe(before);
  });
});

describe('explain with the Bedrock reasoner', () => {
  it('an identical question within the hour makes no second model call; after the hour it calls again', async () => {
    const clusterId = uniqueName('cache');
    const request = {
      clusterId,
      system: EXPLAIN_SYSTEM_PROMPT,
      prompt: `Cluster ${clusterId}: 3 queued, 50% util. Predict wait.`,
      maxOutputTokens: 80,
      facts,
      complex: false,
    };
    const before = server.requests.length;

    const first = await explain(stack.deps.reasoning, { ...request, nowMs: JAN_1_2025_MS });
    const second = await explain(stack.deps.reasoning, { ...request, nowMs: JAN_1_2025_MS + 59 * 60_000 });
    const callsWithinHour = server.requests.length - before;
    const third = await explain(stack.deps.reasoning, { ...request, nowMs: JAN_1_2025_MS + 61 * 60_000 });

    expect(callsWithinHour).toBe(1);
    expect([first.source, second.source, third.source]).toEqual(['model', 'cache', 'model']);
    expect(second.text).toBe(first.text);
    expect(server.requests.length - before).toBe(2);
  });

  it('a malformed model reply falls back to the offline answer and says so', async () => {
    server.script({ status: 200, body: 'garbage' });

    const explanation = await explain(stack.deps.reasoning, {
      clusterId: uniqueName('bad'),
      system: 's',
      prompt: `unique ${Math.random()}`,
      maxOutputTokens: 80,
      facts,
      complex: false,
      nowMs: JAN_1_2025_MS,
    });

    expect(explanation.source).toBe('offline');
    expect(explanation.degraded).toBe('model unavailable');
    expect(explanation.text).toMatch(/ \(model unavailable: templated explanation\)$/);
    expect(explanation.text).toContain('act and notify');
  });

  it('a model past its end of life: the answer is the templated explanation with a visible note, and one model.unavailable line names the model and error class, never the prompt', async () => {
    const clusterId = uniqueName('eol');
    const prompt = `secret-ish prompt ${uniqueName('p')}`;
    server.script(END_OF_LIFE_REPLY);
    const offline = await stack.deps.reasoning.offline.reason({
      modelId: 'offline',
      system: 's',
      prompt,
      maxOutputTokens: 80,
      facts,
    });
    const linesBefore = stack.logger.lines.length;

    const explanation = await explain(stack.deps.reasoning, {
      clusterId,
      system: 's',
      prompt,
      maxOutputTokens: 80,
      facts,
      complex: false,
      nowMs: JAN_1_2025_MS,
    });

    expect(explanation).toMatchObject({
      source: 'offline',
      modelId: null,
      degraded: 'model unavailable',
      inputTokens: 0,
      outputTokens: 0,
    });
    expect(explanation.text).toBe(
      `${offline.status === 'answered' ? offline.text : '?'} (model unavailable: templated explanation)`,
    );
    const logged = stack.logger.lines.slice(linesBefore).filter((line) => line.event === 'model.unavailable');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      level: 'warn',
      fields: { clusterId, modelId: HAIKU_MODEL_ID, errorClass: 'ResourceNotFoundException', fallback: 'template' },
    });
    expect(JSON.stringify(logged[0])).not.toContain(prompt);
  });

  it('requests marked complex go to Sonnet; others to Haiku', async () => {
    const before = server.requests.length;

    await explain(stack.deps.reasoning, {
      clusterId: uniqueName('cx'),
      system: 's',
      prompt: 'why 1?',
      maxOutputTokens: 80,
      facts,
      complex: true,
      nowMs: JAN_1_2025_MS,
    });
    await explain(stack.deps.reasoning, {
      clusterId: uniqueName('cx'),
      system: 's',
      prompt: 'why 2?',
      maxOutputTokens: 80,
      facts,
      complex: false,
      nowMs: JAN_1_2025_MS,
    });

    expect(server.requests.slice(before).map((request) => request.modelId)).toEqual([
      stack.deps.reasoning.policy.complexModelId,
      HAIKU_MODEL_ID,
    ]);
  });
});

describe('the gate decides; a model can only explain', () => {
  it('a model reply asking to requeue a job the gate only lets it annotate is refused and recorded', async () => {
    const clusterId = uniqueName('refuse');
    await registerAgentCluster(stack, clusterId, { ece: 0.01, outcomes: 200 }, JAN_1_2025_MS);
    publishQueue(stack, clusterId, 0.4, JAN_1_2025_MS, ['job-9']);
    server.script(
      toolUseReply('tool_requeue_job', { clusterId, jobId: 'job-9', reason: 'I think it should move' }, 'tu-requeue'),
      textReply('Annotated; a requeue is not allowed.'),
    );
    const executedBefore = stack.actions.executed().length;
    const before = server.requests.length;

    const decision = await observePredictDecide(stack.deps, {
      clusterId,
      jobId: 'job-9',
      job: { gpus: 1 },
      question: 'why is my job waiting?',
      complex: true,
      nowMs: JAN_1_2025_MS + 1,
    });

    expect(decision.tier).toBe('annotate');
    expect(
      stack.actions
        .executed()
        .slice(executedBefore)
        .map((executed) => executed.action.kind),
    ).toEqual(['annotate']);
    expect(decision.refusedModelActions.map((refused) => refused.tool)).toEqual(['tool_requeue_job']);
    expect(decision.refusedModelActions[0]?.reason).toContain('scope autonomous, tier annotate');
    const toolResult = server.requests[before + 1]?.body.messages.at(-1)?.content[0] as {
      toolResult: { status: string };
    };
    expect(toolResult.toolResult.status).toBe('error');
    const line = stack.logger.lines.find(
      (entry) =>
        entry.event === 'gate.decision' && entry.fields.jobId === 'job-9' && entry.fields.clusterId === clusterId,
    );
    expect(line?.fields.refusedModelActions).toEqual(['tool_requeue_job']);
    expect(decision.answer).toBe('Annotated; a requeue is not allowed.');
  });
});

const INTERNAL_ERROR_REPLY = {
  status: 500,
  headers: { 'x-amzn-errortype': 'InternalServerException:http://internal.amazon.com/coral/com.amazon.bedrock/' },
  body: JSON.stringify({ message: 'An internal server error occurred.' }),
};

const MODEL_TIMEOUT_REPLY = {
  status: 408,
  headers: { 'x-amzn-errortype': 'ModelTimeoutException:http://internal.amazon.com/coral/com.amazon.bedrock/' },
  body: JSON.stringify({ message: 'Model has timed out in processing the request.' }),
};

/** A meter that accepts every reservation and records each settlement. */
function recordingMeter() {
  const settled: {
    usage: { inputTokens: number; outputTokens: number };
    reserved: { inputTokensUpperBound: number; maxOutputTokens: number };
  }[] = [];
  const reserved: { inputTokensUpperBound: number; maxOutputTokens: number }[] = [];
  return {
    settled,
    reserved,
    reserve(inputTokensUpperBound: number, maxOutputTokens: number) {
      reserved.push({ inputTokensUpperBound, maxOutputTokens });
      return Promise.resolve(true);
    },
    settle(
      usage: { inputTokens: number; outputTokens: number },
      reservation: { inputTokensUpperBound: number; maxOutputTokens: number },
    ) {
      settled.push({ usage, reserved: reservation });
      return Promise.resolve();
    },
  };
}

describe('BedrockReasoner settles the reservation of a failed call', () => {
  it.each([
    ['500 InternalServerException after retries', [INTERNAL_ERROR_REPLY, INTERNAL_ERROR_REPLY]],
    ['429 throttling after retries', [THROTTLING_REPLY, THROTTLING_REPLY]],
  ])('%s: settled with zero usage against its own reservation', async (_name, replies) => {
    server.script(...replies);
    const meter = recordingMeter();

    await expect(
      clientFor(2).reason({ modelId: HAIKU_MODEL_ID, system: 's', prompt: 'p', maxOutputTokens: 50, facts, meter }),
    ).rejects.toBeInstanceOf(ReasonerError);

    expect(meter.reserved).toHaveLength(1);
    expect(meter.settled).toEqual([{ usage: { inputTokens: 0, outputTokens: 0 }, reserved: meter.reserved[0] }]);
  });

  it('a network failure (nothing listening) is settled with zero usage (the client loaded on first use)', async () => {
    const meter = recordingMeter();
    const unreachable = createBedrockReasoner(
      lazyBedrockConverse({
        region: 'us-east-1',
        endpoint: 'http://127.0.0.1:9',
        maxAttempts: 1,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      }),
    );

    await expect(
      unreachable.reason({ modelId: HAIKU_MODEL_ID, system: 's', prompt: 'p', maxOutputTokens: 50, facts, meter }),
    ).rejects.toBeInstanceOf(ReasonerError);

    expect(meter.settled.map((entry) => entry.usage)).toEqual([{ inputTokens: 0, outputTokens: 0 }]);
  });

  it.each([
    ['a 2xx body that cannot be read', [{ status: 200, body: '<html>oops' }]],
    ['408 ModelTimeoutException (the model ran)', [MODEL_TIMEOUT_REPLY]],
  ])('%s: the reservation is kept (the model may have produced tokens)', async (_name, replies) => {
    server.script(...replies);
    const meter = recordingMeter();

    await expect(
      clientFor(1).reason({ modelId: HAIKU_MODEL_ID, system: 's', prompt: 'p', maxOutputTokens: 50, facts, meter }),
    ).rejects.toBeInstanceOf(ReasonerError);

    expect(meter.reserved).toHaveLength(1);
    expect(meter.settled).toEqual([]);
  });

  it('explain: a Converse call failing with 500 leaves the ledger total where it was', async () => {
    const retrying = await createAgentStack(aws, { reasoner: clientFor(2) });
    const before = await retrying.ledger.snapshot();
    server.script(INTERNAL_ERROR_REPLY, INTERNAL_ERROR_REPLY);

    const explanation = await explain(retrying.deps.reasoning, {
      clusterId: uniqueName('ledger'),
      system: 's',
      prompt: `unique ${uniqueName('p')}`,
      maxOutputTokens: 80,
      facts,
      complex: false,
      nowMs: JAN_1_2025_MS,
    });
    const after = await retrying.ledger.snapshot();

    expect(explanation.source).toBe('offline');
    expect(explanation.degraded).toBe('model unavailable');
    expect(after.committedTotalMicroUsd).toBe(before.committedTotalMicroUsd);
  });
});

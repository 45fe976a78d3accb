import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explain } from '../../src/app/agents/explain.ts';
import type { ExplanationFacts } from '../../src/app/ports/reasoner.ts';
import { DynamoBudgetLedger } from '../../src/adapters/dynamodb/dynamo-budget-ledger.ts';
import { createBedrockReasoner } from '../../src/adapters/llm/bedrock-reasoner.ts';
import { converseWith, createBedrockClient } from '../../src/adapters/llm/bedrock-runtime-client.ts';
import { EXPLAIN_SYSTEM_PROMPT } from '../../src/core/agents/prompts.ts';
import { createAgentStack, type AgentStack } from '../support/agent-fixtures.ts';
import { startBedrockConverseServer, type BedrockConverseServer } from '../support/bedrock-converse-server.ts';
import { startTestAws, uniqueName, type TestAws } from '../support/embedded-aws.ts';
import { JAN_1_2025_MS } from '../support/storage-fixtures.ts';
import { ensureTable } from '../../src/adapters/dynamodb/table-definition.ts';

/**
 * Claude Haiku 5.5 through the US profile in nano-dollars per token ($0.11 and $0.55 per million:
 * the $0.10 / $0.50 list price plus 10 % for a geographic profile), written out independently of the code.
 */
const HAIKU_INPUT_NANO_USD_PER_TOKEN = 110;
const HAIKU_OUTPUT_NANO_USD_PER_TOKEN = 550;
/** Claude Sonnet 5.5 through the US profile: $2.20 and $11 per million. */
const SONNET_INPUT_NANO_USD_PER_TOKEN = 2200;
const SONNET_OUTPUT_NANO_USD_PER_TOKEN = 11_000;
// $0.02: room for a few hundred Haiku 5.5 calls of this size, so both the answered and the degraded share are large.
const CAP_MICRO_USD = 20_000;

let aws: TestAws;
let server: BedrockConverseServer;
let stack: AgentStack;
const replied: { inputTokens: number; outputTokens: number }[] = [];

const facts: ExplanationFacts = {
  clusterId: 'c1',
  queuedJobs: 12,
  utilisationPercent: 78,
  requestedGpus: 4,
  probability: 0.62,
  waitEstimate: { pointSeconds: 1500, lowerSeconds: 720, upperSeconds: 2460, coverage: 0.8 },
  scope: 'autonomous',
  tier: 'warn',
  intervention: 'warn',
  calibrated: true,
  ece: 0.01,
  outcomeCount: 120,
  minOutcomes: 50,
};

beforeAll(async () => {
  aws = await startTestAws();
  // The model "uses" about a quarter of the request's characters as input tokens and its whole output allowance.
  server = await startBedrockConverseServer((request) => {
    const usage = {
      inputTokens: Math.ceil(JSON.stringify(request.body).length / 4),
      outputTokens: request.body.inferenceConfig?.maxTokens ?? 0,
    };
    replied.push(usage);
    return {
      status: 200,
      body: JSON.stringify({
        output: { message: { role: 'assistant', content: [{ text: 'Busy.' }] } },
        stopReason: 'end_turn',
        usage: { ...usage, totalTokens: usage.inputTokens + usage.outputTokens },
      }),
    };
  });
  const client = createBedrockClient({
    region: 'us-east-1',
    endpoint: server.endpoint,
    maxAttempts: 1,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  stack = await createAgentStack(aws, {
    reasoner: createBedrockReasoner(converseWith(client)),
    caps: { componentMicroUsd: CAP_MICRO_USD, totalMicroUsd: 200_000_000 },
  });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await aws?.stop();
});

describe('budget guard', () => {
  it('1,000 concurrent questions against a $0.02 cap never overspend; the rest degrade to offline answers that say so', async () => {
    const clusterId = uniqueName('budget');

    const answers = await Promise.all(
      Array.from({ length: 1000 }, (_, index) =>
        explain(stack.deps.reasoning, {
          clusterId,
          system: EXPLAIN_SYSTEM_PROMPT,
          prompt: `Cluster c: ${index} queued, 78% util. Predict wait.`,
          maxOutputTokens: 80,
          facts,
          complex: false,
          nowMs: JAN_1_2025_MS,
        }),
      ),
    );
    const snapshot = await stack.ledger.snapshot();
    const spentNanoUsd = replied.reduce(
      (sum, usage) =>
        sum + usage.inputTokens * HAIKU_INPUT_NANO_USD_PER_TOKEN + usage.outputTokens * HAIKU_OUTPUT_NANO_USD_PER_TOKEN,
      0,
    );
    const committedIfSettled = replied.reduce(
      (sum, usage) =>
        sum +
        Math.ceil(
          (usage.inputTokens * HAIKU_INPUT_NANO_USD_PER_TOKEN + usage.outputTokens * HAIKU_OUTPUT_NANO_USD_PER_TOKEN) /
            1000,
        ),
      0,
    );
    const fromModel = answers.filter((answer) => answer.source === 'model');
    const degraded = answers.filter((answer) => answer.source === 'offline');

    expect(spentNanoUsd).toBeLessThanOrEqual(CAP_MICRO_USD * 1000);
    expect(snapshot.committedTotalMicroUsd).toBe(committedIfSettled);
    expect(snapshot.committedTotalMicroUsd).toBeLessThanOrEqual(CAP_MICRO_USD);
    expect(snapshot.components.agent_reasoning?.calls).toBe(server.requests.length);
    expect(fromModel.length).toBe(server.requests.length);
    expect(fromModel.length).toBeGreaterThan(100);
    expect(degraded.length).toBe(1000 - fromModel.length);
    expect(degraded.length).toBeGreaterThan(100);
    expect(degraded.every((answer) => answer.text.includes('budget for agent_reasoning spent: offline answer'))).toBe(
      true,
    );
    expect(snapshot.cacheMisses).toBe(1000);
  }, 120_000);

  it("charges each call at the price of the model it called: a complex question at Sonnet 5.5's, a plain one at Haiku 5.5's", async () => {
    const tableName = uniqueName('priced');
    await ensureTable(aws.clients.dynamo, tableName);
    const ledger = new DynamoBudgetLedger({ client: aws.clients.dynamo, tableName });
    const reasoning = {
      ...stack.deps.reasoning,
      ledger,
      caps: { componentMicroUsd: 200_000_000, totalMicroUsd: 200_000_000 },
    };
    const before = replied.length;

    await explain(reasoning, {
      clusterId: uniqueName('priced'),
      system: EXPLAIN_SYSTEM_PROMPT,
      prompt: 'why is it slow?',
      maxOutputTokens: 80,
      facts,
      complex: true,
      nowMs: JAN_1_2025_MS,
    });
    const afterSonnet = await ledger.snapshot();
    await explain(reasoning, {
      clusterId: uniqueName('priced'),
      system: EXPLAIN_SYSTEM_PROMPT,
      prompt: 'and now?',
      maxOutputTokens: 80,
      facts,
      complex: false,
      nowMs: JAN_1_2025_MS,
    });
    const afterBoth = await ledger.snapshot();

    const [sonnet, haiku] = replied.slice(before);
    expect(server.requests.slice(-2).map((request) => request.modelId)).toEqual([
      'us.anthropic.claude-sonnet-5-5',
      'us.anthropic.claude-haiku-5-5',
    ]);
    expect(afterSonnet.committedTotalMicroUsd).toBe(
      Math.ceil(
        ((sonnet?.inputTokens ?? 0) * SONNET_INPUT_NANO_USD_PER_TOKEN +
          (sonnet?.outputTokens ?? 0) * SONNET_OUTPUT_NANO_USD_PER_TOKEN) /
          1000,
      ),
    );
    expect(afterBoth.committedTotalMicroUsd - afterSonnet.committedTotalMicroUsd).toBe(
      Math.ceil(
        ((haiku?.inputTokens ?? 0) * HAIKU_INPUT_NANO_USD_PER_TOKEN +
          (haiku?.outputTokens ?? 0) * HAIKU_OUTPUT_NANO_USD_PER_TOKEN) /
          1000,
      ),
    );
  });

  it('with its budget spent, a question answered before gets that stale answer, saying so, and makes no model call', async () => {
    const clusterId = uniqueName('stale');
    const request = {
      clusterId,
      system: EXPLAIN_SYSTEM_PROMPT,
      prompt: 'Cluster c: 7 queued, 78% util. Predict wait.',
      maxOutputTokens: 80,
      facts,
      complex: false,
    };
    // Whatever the test above left in the shared ledger: room for one call, then none.
    const room = { ...stack.deps.reasoning, caps: { componentMicroUsd: 200_000_000, totalMicroUsd: 200_000_000 } };
    const spent = { ...stack.deps.reasoning, caps: { componentMicroUsd: 0, totalMicroUsd: 0 } };

    const first = await explain(room, { ...request, nowMs: JAN_1_2025_MS });
    const callsAfterFirst = server.requests.length;
    const twoHoursLater = await explain(spent, { ...request, nowMs: JAN_1_2025_MS + 2 * 3_600_000 });
    const neverAsked = await explain(spent, {
      ...request,
      prompt: 'Cluster c: 8 queued, 78% util. Predict wait.',
      nowMs: JAN_1_2025_MS + 2 * 3_600_000,
    });

    expect(first.source).toBe('model');
    expect(twoHoursLater).toMatchObject({
      source: 'cache',
      degraded: 'budget for agent_reasoning spent',
      text: 'Busy. (budget for agent_reasoning spent: cached answer from 120 min ago)',
    });
    expect(neverAsked).toMatchObject({ source: 'offline', degraded: 'budget for agent_reasoning spent' });
    expect(server.requests.length).toBe(callsAfterFirst);
  });

  it('reserve is refused past the component cap and past the total, and a reservation larger than a cap never fits an empty ledger', async () => {
    const tableName = uniqueName('ledger');
    await ensureTable(aws.clients.dynamo, tableName);
    const ledger = new DynamoBudgetLedger({ client: aws.clients.dynamo, tableName });

    const tooBig = await ledger.reserve('agent_reasoning', 101, { componentMicroUsd: 100, totalMicroUsd: 1000 });
    const first = await ledger.reserve('agent_reasoning', 60, { componentMicroUsd: 100, totalMicroUsd: 1000 });
    const overComponent = await ledger.reserve('agent_reasoning', 41, { componentMicroUsd: 100, totalMicroUsd: 1000 });
    const exactFit = await ledger.reserve('agent_reasoning', 40, { componentMicroUsd: 100, totalMicroUsd: 1000 });
    const overTotal = await ledger.reserve('agent_orchestration', 50, { componentMicroUsd: 500, totalMicroUsd: 149 });
    await ledger.settle('agent_reasoning', -30, { inputTokens: 10, outputTokens: 5 });
    const afterSettle = await ledger.reserve('agent_reasoning', 30, { componentMicroUsd: 100, totalMicroUsd: 1000 });
    const snapshot = await ledger.snapshot();

    expect([
      tooBig.status,
      first.status,
      overComponent.status,
      exactFit.status,
      overTotal.status,
      afterSettle.status,
    ]).toEqual(['refused', 'reserved', 'refused', 'reserved', 'refused', 'reserved']);
    expect(overTotal).toEqual({ status: 'refused', committedMicroUsd: 0, committedTotalMicroUsd: 100 });
    expect(snapshot.committedTotalMicroUsd).toBe(100);
    expect(snapshot.components.agent_reasoning).toEqual({
      committedMicroUsd: 100,
      calls: 1,
      inputTokens: 10,
      outputTokens: 5,
    });
  });
});

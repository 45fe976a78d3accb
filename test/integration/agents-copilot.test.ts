/**
 * The Copilot on real storage (dynalite + s3rver) with the offline reasoner: "when will my job
 * start?" worded per scope, "status of <cluster>", "why?" about the conversation's last question,
 * and a cluster found in the question even when another word follows a preposition first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCopilot, type Copilot } from '../../src/app/agents/ask-copilot.ts';
import { inProcessAgentRuntime } from '../../src/app/agents/in-process-agent-runtime.ts';
import { createAgentStack, publishQueue, registerAgentCluster, type AgentStack } from '../support/agent-fixtures.ts';
import { startTestAws, uniqueName, type TestAws } from '../support/embedded-aws.ts';
import { JAN_1_2025_MS } from '../support/storage-fixtures.ts';

let aws: TestAws;
let stack: AgentStack;
let copilot: Copilot;

beforeAll(async () => {
  aws = await startTestAws();
  stack = await createAgentStack(aws);
  copilot = createCopilot({
    learning: stack.deps.learning,
    runtime: inProcessAgentRuntime(stack.deps, () => JAN_1_2025_MS + 1000),
  });
});

afterAll(async () => {
  await aws?.stop();
});

function ask(text: string, conversationId = 'C1') {
  return copilot({ text, askedBy: 'U1', conversationId, nowMs: JAN_1_2025_MS + 1000 });
}

describe('the Copilot', () => {
  it('words the answer per scope: autonomous plain, notify with ± and its ECE, escalate and learning say they cannot be relied on', async () => {
    const ids = {
      autonomous: uniqueName('auto'),
      notify: uniqueName('notify'),
      escalate: uniqueName('esc'),
      learning: uniqueName('learn'),
    };
    await registerAgentCluster(stack, ids.autonomous, { ece: 0.01, outcomes: 200 }, JAN_1_2025_MS);
    await registerAgentCluster(stack, ids.notify, { ece: 0.05, outcomes: 200 }, JAN_1_2025_MS);
    await registerAgentCluster(stack, ids.escalate, { ece: 0.12, outcomes: 200 }, JAN_1_2025_MS);
    await registerAgentCluster(stack, ids.learning, { ece: null, outcomes: 0 }, JAN_1_2025_MS);
    for (const clusterId of Object.values(ids)) publishQueue(stack, clusterId, 0.4, JAN_1_2025_MS);

    const autonomous = await ask(`when will my 4-GPU job start on ${ids.autonomous}?`);
    const notify = await ask(`when will my 4-GPU job start on ${ids.notify}?`);
    const escalate = await ask(`when will my 4-GPU job start on ${ids.escalate}?`);
    const learning = await ask(`when will my 4-GPU job start on ${ids.learning}?`);

    expect(autonomous.text).toMatch(/ · calibrated · autonomous/);
    expect(autonomous.text).not.toContain('±');
    expect(notify.text).toMatch(/ ± .* · calibrated within ECE 0\.050 · act and notify/);
    expect(escalate.text).toMatch(
      new RegExp(`^I cannot predict reliably on ${ids.escalate} right now: its calibration \\(ECE 0\\.120\\)`),
    );
    expect(learning.text).toMatch(/^I am still learning this cluster \(0 of 50 outcomes observed\)/);
  });

  it('answers "status of <cluster>" with its scope, calibration, drift, tiers and queue', async () => {
    const clusterId = uniqueName('status');
    await registerAgentCluster(stack, clusterId, { ece: 0.01, outcomes: 200 }, JAN_1_2025_MS);
    publishQueue(stack, clusterId, 0.4, JAN_1_2025_MS, ['j-1', 'j-2']);

    const status = await ask(`status of ${clusterId}`);

    // publishQueue: 2 pending jobs of 4 GPUs each, 12 of 16 GPUs in use; the fixture's upper bound
    // is ECE + 1.645 × 0.002 = 0.0133 → score 1 − 5 × 0.0133 = 0.93.
    expect(status.text).toBe(
      `${clusterId} · autonomous · calibration score 0.93 (ECE 0.010, at most 0.013, over 200 forecasts) · drift none · tiers annotate, warn, suggest reschedule, require confirmation · queue 2 pending (8 GPUs), 0 running, 75 % of 16 GPUs in use`,
    );
  });

  it('answers "why?" about the conversation\'s last question, with the gate\'s reasons', async () => {
    const clusterId = uniqueName('why');
    await registerAgentCluster(stack, clusterId, { ece: 0.09, outcomes: 200 }, JAN_1_2025_MS);
    publishQueue(stack, clusterId, 0.4, JAN_1_2025_MS);

    const first = await ask(`when will my 4xA100 job start on ${clusterId}?`, 'C-why');
    const why = await ask('why?', 'C-why');
    const elsewhere = await ask('why?', 'C-other');

    expect(why.clusterId).toBe(clusterId);
    expect(why.text.startsWith(first.text)).toBe(true);
    // Upper bound 0.09 + 1.645 × 0.002 = 0.0933 → score 1 − 5 × 0.0933 = 0.534 < 0.6 → escalate.
    expect(why.text).toMatch(
      / Why: ECE 0\.09 \(95 % bounds [0-9.]+–0\.0933, 200 issued forecasts\): score 0\.534 by the upper bound → escalate/,
    );
    expect(why.decision?.reasons).toEqual(first.decision?.reasons);
    expect(elsewhere.text).toMatch(/^I did not understand which cluster you mean\./);
    expect(elsewhere.understood).toBe(false);
  });

  it('finds the registered cluster among the words after prepositions, or anywhere in the question', async () => {
    const clusterId = uniqueName('found');
    await registerAgentCluster(stack, clusterId, { ece: 0.01, outcomes: 200 }, JAN_1_2025_MS);
    publishQueue(stack, clusterId, 0.4, JAN_1_2025_MS);

    const afterAnotherWord = await ask(`when will my job for project-x on ${clusterId} start?`);
    const withoutPreposition = await ask(`how is ${clusterId} doing?`);

    expect(afterAnotherWord.clusterId).toBe(clusterId);
    expect(withoutPreposition.clusterId).toBe(clusterId);
    expect(withoutPreposition.text.startsWith(`${clusterId} · autonomous`)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_GATE_CONFIG } from '../../core/gating/gate-config.ts';
import type { AgentInvocation, AgentRuntime } from '../ports/agent-runtime.ts';
import type { ClusterRegistry } from '../ports/cluster-registry.ts';
import { createCopilot, type CopilotDeps } from './ask-copilot.ts';
import type { AgentDecision } from './observe-predict-decide.ts';

const REGISTERED = ['eks-prod', 'slurm-hpc'];

/** A registry that only lists: the Copilot reads nothing else of it. */
const registry: ClusterRegistry = {
  list: () => Promise.resolve([...REGISTERED]),
  register: () => Promise.reject(new Error('not used')),
  profile: () => Promise.reject(new Error('not used')),
  putProfile: () => Promise.reject(new Error('not used')),
};

/** A runtime that records what it was asked and answers with the cluster's name. */
function recordingRuntime(): { runtime: AgentRuntime; invocations: AgentInvocation[] } {
  const invocations: AgentInvocation[] = [];
  const runtime: AgentRuntime = {
    invoke: (request) => {
      invocations.push(request);
      return Promise.resolve({
        clusterId: request.clusterId,
        answer: `answer about ${request.clusterId}`,
        reasons: ['a reason'],
      } as unknown as AgentDecision);
    },
  };
  return { runtime, invocations };
}

function copilotWith(runtime: AgentRuntime, defaultClusterId?: string) {
  const deps = { learning: { registry, gate: DEFAULT_GATE_CONFIG }, runtime } as unknown as CopilotDeps;
  return createCopilot(deps, defaultClusterId === undefined ? {} : { defaultClusterId });
}

const ask = (copilot: ReturnType<typeof copilotWith>, text: string, conversationId = 'C1') =>
  copilot({ text, askedBy: 'U1', conversationId, nowMs: 0 });

describe('createCopilot', () => {
  it('says it did not understand a question that is none of when / status / why, with two examples on a registered cluster, and asks no agent', async () => {
    const { runtime, invocations } = recordingRuntime();
    const copilot = copilotWith(runtime, 'eks-prod');

    const reply = await ask(copilot, 'what is the meaning of life');

    expect(reply.understood).toBe(false);
    expect(reply.text).toMatch(/^I did not understand the question/);
    expect(reply.text).toContain('"when will my 4-GPU job start on eks-prod?" or "status of eks-prod"');
    expect(reply.clusterId).toBeUndefined();
    expect(invocations).toEqual([]);
  });

  it('does not answer "hello" as a wait question about the conversation\'s last cluster', async () => {
    const { runtime, invocations } = recordingRuntime();
    const copilot = copilotWith(runtime);

    const first = await ask(copilot, 'when will my 2-GPU job start on slurm-hpc?');
    const hello = await ask(copilot, 'hello');

    expect(first.understood).toBe(true);
    expect(hello.understood).toBe(false);
    expect(hello.text).toMatch(/^I did not understand/);
    expect(invocations.map((invocation) => invocation.clusterId)).toEqual(['slurm-hpc']);
  });

  it('never takes an unregistered word for a cluster: names it and lists the registered ones', async () => {
    const { runtime, invocations } = recordingRuntime();
    const copilot = copilotWith(runtime);

    const reply = await ask(copilot, 'when will my job start on life?');

    expect(reply.understood).toBe(false);
    expect(reply.text).toBe(
      'I did not understand which cluster you mean. "life" is not a registered cluster. Registered: eks-prod, slurm-hpc. Ask e.g. "when will my 4-GPU job start on eks-prod?" or "status of eks-prod".',
    );
    expect(invocations).toEqual([]);
  });

  it("answers about a registered cluster named after another word, then the conversation's cluster for a follow-up", async () => {
    const { runtime, invocations } = recordingRuntime();
    const copilot = copilotWith(runtime);

    const named = await ask(copilot, 'when will my 4xA100 job for project-x on eks-prod start?', 'C-follow');
    const followUp = await ask(copilot, 'why?', 'C-follow');
    const otherConversation = await ask(copilot, 'why?', 'C-other');

    expect([named.understood, named.clusterId, named.text]).toEqual([true, 'eks-prod', 'answer about eks-prod']);
    expect([followUp.clusterId, followUp.text]).toEqual(['eks-prod', 'answer about eks-prod Why: a reason.']);
    expect(invocations.map((invocation) => [invocation.clusterId, invocation.job])).toEqual([
      ['eks-prod', { gpus: 4, gpuType: 'A100' }],
      ['eks-prod', { gpus: 4, gpuType: 'A100' }],
    ]);
    expect(otherConversation.understood).toBe(false);
    expect(otherConversation.text).toMatch(
      /^I did not understand which cluster you mean\. Registered: eks-prod, slurm-hpc\./,
    );
  });
});

describe('createCopilot: "will it start by then?"', () => {
  // 2025-01-01T10:00:00Z.
  const TEN_AM_UTC_MS = 1_735_689_600_000 + 10 * 3_600_000;
  // Quantiles at 5 … 95 %: 7200 s is the 25 % one and 25 200 s (7 h) the 60 % one.
  const QUANTILES = [100, 300, 1000, 7200, 9000, 15_000, 20_000, 25_200, 30_000, 36_000, 40_000, 50_000, 60_000];

  function copilotAnswering(decision: Partial<AgentDecision>) {
    const runtime: AgentRuntime = {
      invoke: (request) =>
        Promise.resolve({
          status: 'decided',
          clusterId: request.clusterId,
          scope: 'notify',
          answer: 'The estimate.',
          reasons: [],
          waitQuantilesSeconds: QUANTILES,
          ...decision,
        } as unknown as AgentDecision),
    };
    const calibration = { current: () => Promise.resolve({ evidence: { ece: 0.0312 }, outcomes: 500 }) };
    const deps = { learning: { registry, gate: DEFAULT_GATE_CONFIG, calibration }, runtime } as unknown as CopilotDeps;
    return createCopilot(deps);
  }

  it.each([
    // At a quantile the CDF is its level; 1800 s lies between the 20 % (1000 s) and 25 % (7200 s)
    // quantiles: 0.2 + 0.05·(ln 1801 − ln 1001)/(ln 7201 − ln 1001) = 0.2149 (python3 math.log1p).
    // No clock given for the asker: the time of day is read as UTC, and the answer says so.
    ['will my 4-GPU job start before 17:00 on slurm-hpc?', 'Chance it starts before 17:00 UTC (in 7.0 h): 60 %'],
    ['will my job start within 2 hours on slurm-hpc?', 'Chance it starts within 2 hours (in 2.0 h): 25 %'],
    ['will my job start in 30 min on slurm-hpc?', 'Chance it starts in 30 min (in 30 min): 21 %'],
  ])("%s → P(start by then) with the scope's caveat, then the estimate", async (text, expected) => {
    const reply = await copilotAnswering({})({ text, askedBy: 'U1', conversationId: 'C-by', nowMs: TEN_AM_UTC_MS });

    expect(reply.understood).toBe(true);
    expect(reply.text).toBe(
      `${expected}; slurm-hpc's calibration is fair, not excellent (ECE 0.031): read it as a rough share. The estimate.`,
    );
  });

  it("reads the time of day on the asker's clock: 17:00 at UTC+2 is 15:00Z, 5 h after 10:00Z (the 50 % quantile is 20 000 s)", async () => {
    const reply = await copilotAnswering({
      waitQuantilesSeconds: QUANTILES.map((seconds, index) => (index === 6 ? 18_000 : seconds)),
    })({
      text: 'will my job start before 17:00 on slurm-hpc?',
      askedBy: 'U1',
      conversationId: 'C-tz',
      nowMs: TEN_AM_UTC_MS,
      utcOffsetMinutes: 120,
    });

    expect(reply.text).toMatch(/^Chance it starts before 17:00 \(in 5\.0 h\): 50 %/);
  });

  it('says it cannot tell without a distribution, and adds nothing when nothing was predicted', async () => {
    const without = await copilotAnswering({ waitQuantilesSeconds: null })({
      text: 'will my job start within 2 hours on slurm-hpc?',
      askedBy: 'U1',
      conversationId: 'C-n',
      nowMs: TEN_AM_UTC_MS,
    });
    const older = await copilotAnswering({ waitQuantilesSeconds: undefined })({
      text: 'will my job start within 2 hours on slurm-hpc?',
      askedBy: 'U1',
      conversationId: 'C-o',
      nowMs: TEN_AM_UTC_MS,
    });
    const unavailable = await copilotAnswering({ status: 'unavailable', answer: 'I cannot predict now.' })({
      text: 'will my job start within 2 hours on slurm-hpc?',
      askedBy: 'U1',
      conversationId: 'C-u',
      nowMs: TEN_AM_UTC_MS,
    });

    expect(without.text).toMatch(
      /^I cannot yet say how likely it is to start within 2 hours \(in 2\.0 h\): slurm-hpc has too few observed waits/,
    );
    expect(older.text).toBe(without.text);
    expect(unavailable.text).toBe('I cannot predict now.');
  });
});

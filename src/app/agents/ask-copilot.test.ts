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
      return Promise.resolve({ clusterId: request.clusterId, answer: `answer about ${request.clusterId}`, reasons: ['a reason'] } as unknown as AgentDecision);
    },
  };
  return { runtime, invocations };
}

function copilotWith(runtime: AgentRuntime, defaultClusterId?: string) {
  const deps = { learning: { registry, gate: DEFAULT_GATE_CONFIG }, runtime } as unknown as CopilotDeps;
  return createCopilot(deps, defaultClusterId === undefined ? {} : { defaultClusterId });
}

const ask = (copilot: ReturnType<typeof copilotWith>, text: string, conversationId = 'C1') => copilot({ text, askedBy: 'U1', conversationId, nowMs: 0 });

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
    expect(reply.text).toBe('I did not understand which cluster you mean. "life" is not a registered cluster. Registered: eks-prod, slurm-hpc. Ask e.g. "when will my 4-GPU job start on eks-prod?" or "status of eks-prod".');
    expect(invocations).toEqual([]);
  });

  it('answers about a registered cluster named after another word, then the conversation\'s cluster for a follow-up', async () => {
    const { runtime, invocations } = recordingRuntime();
    const copilot = copilotWith(runtime);

    const named = await ask(copilot, 'when will my 4xA100 job for project-x on eks-prod start?', 'C-follow');
    const followUp = await ask(copilot, 'why?', 'C-follow');
    const otherConversation = await ask(copilot, 'why?', 'C-other');

    expect([named.understood, named.clusterId, named.text]).toEqual([true, 'eks-prod', 'answer about eks-prod']);
    expect([followUp.clusterId, followUp.text]).toEqual(['eks-prod', 'answer about eks-prod Why: a reason.']);
    expect(invocations.map((invocation) => [invocation.clusterId, invocation.job])).toEqual([['eks-prod', { gpus: 4, gpuType: 'A100' }], ['eks-prod', { gpus: 4, gpuType: 'A100' }]]);
    expect(otherConversation.understood).toBe(false);
    expect(otherConversation.text).toMatch(/^I did not understand which cluster you mean\. Registered: eks-prod, slurm-hpc\./);
  });
});

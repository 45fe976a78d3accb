import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideEscalation } from '../../src/app/agents/decide-escalation.ts';
import { observePredictDecide } from '../../src/app/agents/observe-predict-decide.ts';
import type { ClusterObserver } from '../../src/app/ports/cluster-observer.ts';
import type { EscalationStore } from '../../src/app/ports/escalation-store.ts';
import { createAgentStack, publishQueue, registerAgentCluster, type AgentStack } from '../support/agent-fixtures.ts';
import { startTestAws, uniqueName, type TestAws } from '../support/embedded-aws.ts';
import { JAN_1_2025_MS } from '../support/storage-fixtures.ts';

let aws: TestAws;
let stack: AgentStack;

beforeAll(async () => {
  aws = await startTestAws();
  stack = await createAgentStack(aws);
});

afterAll(async () => {
  await aws?.stop();
});

function gateLines(jobId: string | null, clusterId: string) {
  return stack.logger.lines.filter(
    (line) => line.event === 'gate.decision' && line.fields.clusterId === clusterId && line.fields.jobId === jobId,
  );
}

describe('observePredictDecide', () => {
  it('autonomous scope: executes the allowed tier (p 0.73, ECE 0.01 → suggest reschedule → priority 50 → 150) without notifying', async () => {
    const clusterId = uniqueName('auto');
    await registerAgentCluster(stack, clusterId, { ece: 0.01, outcomes: 200 }, JAN_1_2025_MS);
    publishQueue(stack, clusterId, 0.73, JAN_1_2025_MS, ['job-1']);
    const notificationsBefore = stack.notifier.sent.length;

    const decision = await observePredictDecide(stack.deps, {
      clusterId,
      jobId: 'job-1',
      job: { gpus: 4, priority: 50 },
      nowMs: JAN_1_2025_MS + 1000,
    });

    expect(decision.status).toBe('decided');
    expect(decision.scope).toBe('autonomous');
    expect(decision.tier).toBe('suggest_reschedule');
    expect(decision.probability).toBeCloseTo(0.73, 6);
    expect(
      decision.executedActions.map((executed) => [executed.action.kind, executed.action.value, executed.result.status]),
    ).toEqual([['adjust_priority', 150, 'executed']]);
    expect(decision.escalationId).toBeNull();
    expect(stack.notifier.sent.length).toBe(notificationsBefore);
    const state = await stack.observer.observe(clusterId);
    expect(state.jobs.find((job) => job.jobId === 'job-1')?.priority).toBe(150);
    const stored = await stack.learning.predictions.recent(clusterId, { limit: 10 });
    expect(stored.map((prediction) => prediction.jobId)).toEqual(['job-1']);
    // The calibration score of the evidence's upper bound: 1 − 5 × (0.01 + 1.645 × 0.002).
    expect(decision.confidence).toBeCloseTo(1 - 5 * (0.01 + 1.645 * 0.002), 9);
    expect(decision.answer).toContain('autonomous');
  });

  it('logs exactly one gate.decision line per decision, carrying the intervention and its outcome', async () => {
    const clusterId = uniqueName('audit');
    await registerAgentCluster(stack, clusterId, { ece: 0.01, outcomes: 200 }, JAN_1_2025_MS);
    publishQueue(stack, clusterId, 0.4, JAN_1_2025_MS, ['job-a']);

    await observePredictDecide(stack.deps, { clusterId, jobId: 'job-a', job: { gpus: 1 }, nowMs: JAN_1_2025_MS + 5 });
    const lines = gateLines('job-a', clusterId);

    expect(lines).toHaveLength(1);
    expect(lines[0]?.fields).toMatchObject({
      intervention: 'annotate',
      outcome: 'act',
      scope: 'autonomous',
      executed: ['annotate:executed'],
      escalationId: null,
    });
    expect(lines[0]?.fields.thresholds).toBeDefined();
  });

  it('notify scope: executes the allowed tier and tells a human (ECE 0.04 → score 0.80; p 0.6 → warn)', async () => {
    const clusterId = uniqueName('notify');
    await registerAgentCluster(stack, clusterId, { ece: 0.04, outcomes: 120 }, JAN_1_2025_MS);
    publishQueue(stack, clusterId, 0.6, JAN_1_2025_MS, ['job-2']);

    const decision = await observePredictDecide(stack.deps, {
      clusterId,
      jobId: 'job-2',
      job: { gpus: 2 },
      nowMs: JAN_1_2025_MS + 10,
    });

    expect(decision.scope).toBe('notify');
    expect(decision.tier).toBe('warn');
    expect(decision.executedActions.map((executed) => executed.action.kind)).toEqual(['annotate']);
    expect(String(decision.executedActions[0]?.action.value)).toContain('WARNING');
    expect(decision.notified).toBe(true);
    expect(stack.notifier.sent.filter((message) => message.clusterId === clusterId)).toHaveLength(1);
  });

  it('learning mode: never acts; stores an escalation proposing the forecast tier, which a human approves once', async () => {
    const clusterId = uniqueName('learning');
    await registerAgentCluster(stack, clusterId, { ece: null, outcomes: 0 }, JAN_1_2025_MS);
    publishQueue(stack, clusterId, 0.95, JAN_1_2025_MS, ['job-3']);
    const executedBefore = stack.actions.executed().length;

    const decision = await observePredictDecide(stack.deps, {
      clusterId,
      jobId: 'job-3',
      job: { gpus: 8 },
      nowMs: JAN_1_2025_MS + 20,
    });
    const escalationId = decision.escalationId ?? '';
    const pending = await stack.escalations.get(clusterId, escalationId);
    const approved = await decideEscalation(
      { ...stack.deps, logger: stack.logger },
      { clusterId, escalationId, decision: 'approve', by: 'U123', nowMs: JAN_1_2025_MS + 60_000 },
    );
    const again = await decideEscalation(
      { ...stack.deps, logger: stack.logger },
      { clusterId, escalationId, decision: 'reject', by: 'U999', nowMs: JAN_1_2025_MS + 61_000 },
    );

    expect(decision.scope).toBe('learning');
    expect(decision.tier).toBeNull();
    expect(decision.executedActions).toEqual([]);
    expect(decision.answer).toContain('still learning');
    expect(pending?.status).toBe('pending');
    expect(pending?.action.kind).toBe('hold');
    expect(stack.actions.executed().length).toBe(executedBefore + 1);
    expect(approved.status).toBe('decided');
    expect(approved.escalation.status).toBe('executed');
    expect(approved.escalation.decidedBy).toBe('U123');
    expect(approved.escalation.history.map((entry) => [entry.status, entry.by])).toEqual([
      ['pending', 'gate'],
      ['approved', 'U123'],
      ['executed', 'actor'],
    ]);
    expect(again.status).toBe('already_decided');
    expect(again.escalation.status).toBe('executed');
  });

  it('escalate scope (ECE 0.09 → score 0.55): escalation rejected by a human is dropped and nothing runs', async () => {
    const clusterId = uniqueName('escalate');
    await registerAgentCluster(stack, clusterId, { ece: 0.09, outcomes: 300 }, JAN_1_2025_MS);
    publishQueue(stack, clusterId, 0.73, JAN_1_2025_MS, ['job-4']);
    const executedBefore = stack.actions.executed().length;

    const decision = await observePredictDecide(stack.deps, {
      clusterId,
      jobId: 'job-4',
      job: { gpus: 4 },
      nowMs: JAN_1_2025_MS + 30,
    });
    const rejected = await decideEscalation(
      { ...stack.deps, logger: stack.logger },
      {
        clusterId,
        escalationId: decision.escalationId ?? '',
        decision: 'reject',
        by: 'U7',
        nowMs: JAN_1_2025_MS + 90_000,
      },
    );

    expect(decision.scope).toBe('escalate');
    expect(decision.outcome).toBe('escalate');
    expect(decision.proposedAction?.kind).toBe('annotate');
    expect(decision.proposedAction?.value).toMatch(/^vgac SUGGESTS RESCHEDULING/);
    expect(decision.answer).toContain('cannot predict reliably');
    expect(rejected.escalation.status).toBe('rejected');
    expect(stack.actions.executed().length).toBe(executedBefore);
  });

  it('concurrent approvals of one escalation execute its action exactly once', async () => {
    const clusterId = uniqueName('race');
    await registerAgentCluster(stack, clusterId, { ece: null, outcomes: 0 }, JAN_1_2025_MS);
    publishQueue(stack, clusterId, 0.95, JAN_1_2025_MS, ['job-r']);
    const decision = await observePredictDecide(stack.deps, {
      clusterId,
      jobId: 'job-r',
      job: { gpus: 8 },
      nowMs: JAN_1_2025_MS,
    });
    const executedBefore = stack.actions.executed().length;

    const results = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        decideEscalation(
          { ...stack.deps, logger: stack.logger },
          {
            clusterId,
            escalationId: decision.escalationId ?? '',
            decision: 'approve',
            by: `U${index}`,
            nowMs: JAN_1_2025_MS + index,
          },
        ),
      ),
    );

    expect(results.filter((result) => result.status === 'decided')).toHaveLength(1);
    expect(stack.actions.executed().length).toBe(executedBefore + 1);
  });

  it('collector down: "cannot predict now", confidence 0, scope escalate, no action, nothing stored', async () => {
    const clusterId = uniqueName('down');
    await registerAgentCluster(stack, clusterId, { ece: 0.01, outcomes: 200 }, JAN_1_2025_MS);
    publishQueue(stack, clusterId, 0.95, JAN_1_2025_MS, ['job-5']);
    stack.observer.setUnavailable(clusterId, 'slurmctld not responding');
    const executedBefore = stack.actions.executed().length;

    const decision = await observePredictDecide(stack.deps, {
      clusterId,
      jobId: 'job-5',
      job: { gpus: 4 },
      nowMs: JAN_1_2025_MS,
    });

    expect(decision.status).toBe('unavailable');
    expect(decision.confidence).toBe(0);
    expect(decision.scope).toBe('escalate');
    expect(decision.answer).toMatch(/^I cannot predict now on .*slurmctld not responding/);
    expect(stack.actions.executed().length).toBe(executedBefore);
    expect(await stack.learning.predictions.recent(clusterId, { limit: 5 })).toEqual([]);
    expect(gateLines('job-5', clusterId).map((line) => line.fields.outcome)).toEqual(['unavailable']);
  });

  it('collector too slow: times out into "cannot predict now"', async () => {
    const clusterId = uniqueName('slow');
    await registerAgentCluster(stack, clusterId, { ece: 0.01, outcomes: 200 }, JAN_1_2025_MS);
    const hanging: ClusterObserver = { observe: () => new Promise(() => undefined) };

    const decision = await observePredictDecide(
      { ...stack.deps, observer: hanging, observeTimeoutMs: 50 },
      { clusterId, jobId: 'job-6', job: { gpus: 1 }, nowMs: JAN_1_2025_MS },
    );

    expect(decision.status).toBe('unavailable');
    expect(decision.reasons[0]).toContain('did not answer within 50 ms');
  });

  it('a what-if question (no job id) is predicted but neither stored nor acted on', async () => {
    const clusterId = uniqueName('whatif');
    await registerAgentCluster(stack, clusterId, { ece: 0.01, outcomes: 200 }, JAN_1_2025_MS);
    publishQueue(stack, clusterId, 0.95, JAN_1_2025_MS);
    const executedBefore = stack.actions.executed().length;

    const decision = await observePredictDecide(stack.deps, {
      clusterId,
      job: { gpus: 4 },
      question: 'when will my 4-GPU job start?',
      nowMs: JAN_1_2025_MS,
    });

    expect(decision.tier).toBe('require_confirmation');
    expect(decision.proposedAction).toBeNull();
    expect(decision.executedActions).toEqual([]);
    expect(stack.actions.executed().length).toBe(executedBefore);
    expect(await stack.learning.predictions.recent(clusterId, { limit: 5 })).toEqual([]);
  });
});

describe('observePredictDecide when a step after the prediction throws', () => {
  const throwing = (message: string) => () => Promise.reject(new Error(message));

  it('execute throws (autonomous): status failed with the reason, prediction stored, exactly one gate.decision line', async () => {
    const clusterId = uniqueName('exec-throws');
    await registerAgentCluster(stack, clusterId, { ece: 0.01, outcomes: 200 }, JAN_1_2025_MS);
    publishQueue(stack, clusterId, 0.4, JAN_1_2025_MS, ['job-x']);

    const decision = await observePredictDecide(
      { ...stack.deps, actions: { execute: throwing('slurmctld refused scontrol') } },
      { clusterId, jobId: 'job-x', job: { gpus: 1 }, nowMs: JAN_1_2025_MS },
    );
    const lines = gateLines('job-x', clusterId);

    expect(decision.status).toBe('failed');
    expect(decision.failures).toEqual([{ step: 'execute', reason: 'slurmctld refused scontrol' }]);
    expect(decision.executedActions).toEqual([]);
    expect(decision.reasons).toContain('execute failed: slurmctld refused scontrol');
    expect(
      (await stack.learning.predictions.recent(clusterId, { limit: 5 })).map((prediction) => prediction.jobId),
    ).toEqual(['job-x']);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.fields).toMatchObject({
      status: 'failed',
      failures: [{ step: 'execute', reason: 'slurmctld refused scontrol' }],
      executed: [],
    });
  });

  it('notify throws (notify scope): the action stands, notified is false, the failure is logged once', async () => {
    const clusterId = uniqueName('notify-throws');
    await registerAgentCluster(stack, clusterId, { ece: 0.04, outcomes: 120 }, JAN_1_2025_MS);
    publishQueue(stack, clusterId, 0.6, JAN_1_2025_MS, ['job-n']);

    const decision = await observePredictDecide(
      { ...stack.deps, notifier: { notify: throwing('SNS publish denied') } },
      { clusterId, jobId: 'job-n', job: { gpus: 2 }, nowMs: JAN_1_2025_MS },
    );
    const lines = gateLines('job-n', clusterId);

    expect(decision.status).toBe('failed');
    expect(decision.executedActions.map((executed) => executed.result.status)).toEqual(['executed']);
    expect(decision.notified).toBe(false);
    expect(decision.failures).toEqual([{ step: 'notify', reason: 'SNS publish denied' }]);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.fields).toMatchObject({ status: 'failed', notified: false, executed: ['annotate:executed'] });
  });

  it('storing the escalation throws (learning): no escalation id, nobody notified about it, one gate.decision line', async () => {
    const clusterId = uniqueName('escalate-throws');
    await registerAgentCluster(stack, clusterId, { ece: null, outcomes: 0 }, JAN_1_2025_MS);
    publishQueue(stack, clusterId, 0.95, JAN_1_2025_MS, ['job-e']);
    const notificationsBefore = stack.notifier.sent.length;
    const store = stack.escalations;
    const failingCreate: EscalationStore = {
      create: throwing('table throttled'),
      get: (id, escalationId) => store.get(id, escalationId),
      transition: (id, escalationId, from, to, entry) => store.transition(id, escalationId, from, to, entry),
      list: (options) => store.list(options),
    };

    const decision = await observePredictDecide(
      { ...stack.deps, escalations: failingCreate },
      { clusterId, jobId: 'job-e', job: { gpus: 8 }, nowMs: JAN_1_2025_MS },
    );
    const lines = gateLines('job-e', clusterId);

    expect(decision.status).toBe('failed');
    expect(decision.escalationId).toBeNull();
    expect(decision.notified).toBe(false);
    expect(stack.notifier.sent.length).toBe(notificationsBefore);
    expect(decision.failures).toEqual([{ step: 'escalate', reason: 'table throttled' }]);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.fields).toMatchObject({ status: 'failed', escalationId: null, outcome: 'escalate' });
  });

  it('a decision whose steps all succeed is logged with status decided and no failures', async () => {
    const clusterId = uniqueName('all-ok');
    await registerAgentCluster(stack, clusterId, { ece: 0.01, outcomes: 200 }, JAN_1_2025_MS);
    publishQueue(stack, clusterId, 0.4, JAN_1_2025_MS, ['job-ok']);

    const decision = await observePredictDecide(stack.deps, {
      clusterId,
      jobId: 'job-ok',
      job: { gpus: 1 },
      nowMs: JAN_1_2025_MS,
    });

    expect(decision.status).toBe('decided');
    expect(gateLines('job-ok', clusterId)[0]?.fields).toMatchObject({ status: 'decided', failures: [] });
  });
});

describe('decideEscalation when the cluster action throws', () => {
  it('an approved escalation whose action throws becomes failed with the message in its history, and is logged', async () => {
    const clusterId = uniqueName('approve-throws');
    await registerAgentCluster(stack, clusterId, { ece: null, outcomes: 0 }, JAN_1_2025_MS);
    publishQueue(stack, clusterId, 0.95, JAN_1_2025_MS, ['job-t']);
    const decision = await observePredictDecide(stack.deps, {
      clusterId,
      jobId: 'job-t',
      job: { gpus: 8 },
      nowMs: JAN_1_2025_MS,
    });
    const escalationId = decision.escalationId ?? '';
    const failingActions = { execute: () => Promise.reject(new Error('scontrol: connection refused')) };

    const approved = await decideEscalation(
      { escalations: stack.escalations, actions: failingActions, logger: stack.logger },
      { clusterId, escalationId, decision: 'approve', by: 'U42', nowMs: JAN_1_2025_MS + 1000 },
    );
    const stored = await stack.escalations.get(clusterId, escalationId);

    expect(approved.status).toBe('decided');
    expect(stored?.status).toBe('failed');
    expect(stored?.result).toBe('scontrol: connection refused');
    expect(stored?.history.map((entry) => [entry.status, entry.by])).toEqual([
      ['pending', 'gate'],
      ['approved', 'U42'],
      ['failed', 'actor'],
    ]);
    expect(stored?.history.at(-1)?.note).toContain('scontrol: connection refused');
    expect(
      stack.logger.lines.some(
        (line) =>
          line.event === 'escalation.execute_failed' &&
          line.fields.escalationId === escalationId &&
          line.fields.error === 'scontrol: connection refused',
      ),
    ).toBe(true);
  });
});

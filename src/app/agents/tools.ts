/**
 * The agents' tools: Observer, Predictor, Calibrator, Actor and Copilot, each a small set of
 * typed functions named `tool_*` (SPEC's names). A tool is `{ name, description, input, run }`
 * with a zod input schema; {@link toolSpecs} exports the same definitions as Bedrock Converse
 * `toolSpec`s (JSON schema from `z.toJSONSchema`).
 *
 * Read tools only read. Act tools change a cluster or tell a human, and only under a permit: the
 * gate's decision (or a human's approval) must have allowed that action kind on that job; anything
 * else is refused with the reason, never executed.
 */
import * as z from 'zod';
import { driftRatio } from '../../core/gating/drift.ts';
import { UnknownClusterError } from '../errors.ts';
import { predictJob } from '../learning/predict-job.ts';
import { maintainCluster } from '../learning/maintain-cluster.ts';
import { calibrationScore } from '../../core/gating/calibration-score.ts';
import { ClusterActionKind } from '../ports/cluster-actions.ts';
import type { ReasonerToolSpec } from '../ports/reasoner.ts';
import type { AgentDeps } from './agent-deps.ts';
import { summariseCluster } from './cluster-summary.ts';
import { observeCluster } from './observe-cluster.ts';

export const AgentRole = {
  observer: 'observer',
  predictor: 'predictor',
  calibrator: 'calibrator',
  actor: 'actor',
  copilot: 'copilot',
} as const;
export type AgentRole = (typeof AgentRole)[keyof typeof AgentRole];

export const ToolEffect = { read: 'read', act: 'act' } as const;
export type ToolEffect = (typeof ToolEffect)[keyof typeof ToolEffect];

/** What an act tool may do: the action kinds the gate (or a human) allowed on one job. */
export interface ActionPermit {
  readonly clusterId: string;
  readonly jobId: string | null;
  readonly allowedKinds: readonly string[];
  /** Why the permit is what it is (scope, tier), quoted in refusals. */
  readonly basis: string;
}

export interface ToolContext {
  readonly nowMs: number;
  readonly permit: ActionPermit | null;
}

export type ToolResult = Readonly<Record<string, unknown>>;

export interface AgentTool<Schema extends z.ZodType = z.ZodType> {
  readonly name: `tool_${string}`;
  readonly description: string;
  readonly role: AgentRole;
  readonly effect: ToolEffect;
  /** The cluster action kind an act tool performs (for permits); null for read tools. */
  readonly actionKind: string | null;
  readonly input: Schema;
  run(deps: AgentDeps, input: z.infer<Schema>, context: ToolContext): Promise<ToolResult>;
}

const clusterId = z.string().min(1).max(128).describe('cluster id, e.g. slurm-hpc');
const jobId = z.string().min(1).max(128).describe('scheduler job id');

const jobInput = z.object({
  clusterId,
  gpus: z.number().int().min(1).max(4096).describe('GPUs requested'),
  gpuType: z.string().max(32).optional(),
  queue: z.string().max(64).optional(),
  priority: z.number().optional(),
  estimatedDurationMinutes: z.number().min(0).optional(),
});

function defineTool<Schema extends z.ZodType>(tool: AgentTool<Schema>): AgentTool<Schema> {
  return tool;
}

/** The refusal an act tool returns when the permit does not cover it. */
export function permitRefusal(
  tool: Pick<AgentTool, 'name' | 'effect' | 'actionKind'>,
  permit: ActionPermit | null,
  target: { clusterId: string; jobId?: string },
): string | null {
  if (tool.effect === ToolEffect.read) return null;
  if (permit === null) return 'no gate decision or human approval covers this action';
  if (permit.clusterId !== target.clusterId) return `the decision was about cluster '${permit.clusterId}'`;
  if (target.jobId !== undefined && permit.jobId !== target.jobId)
    return `the decision was about job '${permit.jobId ?? 'none'}'`;
  if (tool.actionKind === null || !permit.allowedKinds.includes(tool.actionKind))
    return `the gate does not allow ${tool.actionKind ?? tool.name} (${permit.basis})`;
  return null;
}

async function executeAction(
  deps: AgentDeps,
  tool: Pick<AgentTool, 'name' | 'effect' | 'actionKind'>,
  context: ToolContext,
  action: {
    kind: (typeof ClusterActionKind)[keyof typeof ClusterActionKind];
    clusterId: string;
    jobId: string;
    value?: string | number;
    reason: string;
  },
): Promise<ToolResult> {
  const refusal = permitRefusal(tool, context.permit, action);
  if (refusal !== null) return { status: 'refused', reason: refusal };
  const result = await deps.actions.execute(action, { dryRun: deps.dryRun });
  return { status: result.status, detail: result.detail };
}

export const TOOLS = [
  defineTool({
    name: 'tool_observe_cluster',
    description: 'Queue state of a cluster now: queued and running jobs, GPU use, anomalies.',
    role: AgentRole.observer,
    effect: ToolEffect.read,
    actionKind: null,
    input: z.object({ clusterId }),
    async run(deps, input) {
      const state = await observeCluster(deps.observer, input.clusterId, undefined, deps.observeTimeoutMs);
      return { ...summariseCluster(state) };
    },
  }),
  defineTool({
    name: 'tool_predict_wait_time',
    description: 'Calibrated P(long wait) and wait interval for a job spec (what-if; not stored).',
    role: AgentRole.predictor,
    effect: ToolEffect.read,
    actionKind: null,
    input: jobInput,
    async run(deps, input, context) {
      const { clusterId: cluster, ...job } = input;
      const state = await observeCluster(deps.observer, cluster, job, deps.observeTimeoutMs);
      const { prediction, decision } = await predictJob(deps.learning, {
        clusterId: cluster,
        jobId: `what-if-${context.nowMs}`,
        features: state.features,
        nowMs: context.nowMs,
        store: false,
        logDecision: false,
      });
      return {
        probability: prediction.probability,
        waitEstimate: prediction.waitEstimate,
        scope: decision.scope,
        tier: decision.tier,
      };
    },
  }),
  defineTool({
    name: 'tool_get_calibration_score',
    description:
      'Current calibration of a cluster: the ECE of its issued forecasts with its upper bound, score, outcomes, scope, qualified tiers.',
    role: AgentRole.calibrator,
    effect: ToolEffect.read,
    actionKind: null,
    input: z.object({ clusterId }),
    async run(deps, input) {
      const calibration = await deps.learning.calibration.current(input.clusterId);
      if (calibration === undefined) throw new UnknownClusterError(input.clusterId);
      const evidence = calibration.evidence;
      return {
        ece: evidence?.ece ?? null,
        eceUpperBound: evidence?.upper ?? null,
        score: evidence === null ? null : calibrationScore(evidence.upper, deps.learning.gate),
        outcomes: calibration.outcomes,
        evidence: evidence?.count ?? 0,
        scope: calibration.scope,
        state: calibration.state,
        qualifiedTiers: calibration.qualifiedTiers,
        bundleVersion: calibration.activeBundleVersion,
        longWaitThresholdSeconds: calibration.longWaitThresholdSeconds,
      };
    },
  }),
  defineTool({
    name: 'tool_check_calibration_drift',
    description:
      'Drift of a cluster: its ECE beyond sampling noise over last-known-good ECE, its status, and the last drift alarm.',
    role: AgentRole.calibrator,
    effect: ToolEffect.read,
    actionKind: null,
    input: z.object({ clusterId }),
    async run(deps, input) {
      const calibration = await deps.learning.calibration.current(input.clusterId);
      if (calibration === undefined) throw new UnknownClusterError(input.clusterId);
      const lastKnownGoodEce = deps.learning.gate.baselineEce;
      const beyondNoise = calibration.evidence?.lower ?? null;
      return {
        eceBeyondNoise: beyondNoise,
        lastKnownGoodEce,
        driftRatio: beyondNoise === null ? null : driftRatio(beyondNoise, lastKnownGoodEce),
        driftStatus: calibration.driftStatus,
        lastDriftAlarm: calibration.lastDriftAlarm,
        driftAlarms: calibration.counters.driftAlarms,
      };
    },
  }),
  defineTool({
    name: 'tool_trigger_recalibration',
    description:
      "Run the cluster's learning-loop maintenance now: fold pending outcomes, retrain or checkpoint when due.",
    role: AgentRole.calibrator,
    effect: ToolEffect.act,
    actionKind: 'recalibrate',
    input: z.object({ clusterId }),
    async run(deps, input, context) {
      const refusal = permitRefusal(
        { name: 'tool_trigger_recalibration', effect: ToolEffect.act, actionKind: 'recalibrate' },
        context.permit,
        { clusterId: input.clusterId },
      );
      if (refusal !== null) return { status: 'refused', reason: refusal };
      const result = await maintainCluster(deps.learning, { clusterId: input.clusterId, nowMs: context.nowMs });
      return {
        status: result.steps.length === 0 ? 'nothing_due' : 'maintained',
        steps: result.steps,
        notes: result.notes,
      };
    },
  }),
  defineTool({
    name: 'tool_send_slack_notification',
    description: 'Tell the cluster operators something (Slack or the local bus).',
    role: AgentRole.actor,
    effect: ToolEffect.act,
    actionKind: 'notify',
    input: z.object({ clusterId, text: z.string().min(1).max(500) }),
    async run(deps, input, context) {
      const refusal = permitRefusal(
        { name: 'tool_send_slack_notification', effect: ToolEffect.act, actionKind: 'notify' },
        context.permit,
        { clusterId: input.clusterId },
      );
      if (refusal !== null) return { status: 'refused', reason: refusal };
      await deps.notifier.notify({ subject: `vgac: ${input.clusterId}`, text: input.text, clusterId: input.clusterId });
      return { status: 'sent' };
    },
  }),
  defineTool({
    name: 'tool_requeue_job',
    description: 'Requeue a job (only when the gate allowed it).',
    role: AgentRole.actor,
    effect: ToolEffect.act,
    actionKind: ClusterActionKind.requeue,
    input: z.object({ clusterId, jobId, reason: z.string().min(1).max(300) }),
    async run(deps, input, context) {
      return executeAction(
        deps,
        { name: 'tool_requeue_job', effect: ToolEffect.act, actionKind: ClusterActionKind.requeue },
        context,
        { kind: ClusterActionKind.requeue, clusterId: input.clusterId, jobId: input.jobId, reason: input.reason },
      );
    },
  }),
  defineTool({
    name: 'tool_adjust_priority',
    description: 'Set a job priority (only when the gate allowed it).',
    role: AgentRole.actor,
    effect: ToolEffect.act,
    actionKind: ClusterActionKind.adjustPriority,
    input: z.object({ clusterId, jobId, priority: z.number().int().min(0), reason: z.string().min(1).max(300) }),
    async run(deps, input, context) {
      return executeAction(
        deps,
        { name: 'tool_adjust_priority', effect: ToolEffect.act, actionKind: ClusterActionKind.adjustPriority },
        context,
        {
          kind: ClusterActionKind.adjustPriority,
          clusterId: input.clusterId,
          jobId: input.jobId,
          value: input.priority,
          reason: input.reason,
        },
      );
    },
  }),
  defineTool({
    name: 'tool_escalate_to_human',
    description: 'Ask a human to decide about a job (the gate creates escalations itself).',
    role: AgentRole.actor,
    effect: ToolEffect.act,
    actionKind: 'escalate',
    input: z.object({ clusterId, jobId, reason: z.string().min(1).max(300) }),
    async run(deps, input, context) {
      const refusal = permitRefusal(
        { name: 'tool_escalate_to_human', effect: ToolEffect.act, actionKind: 'escalate' },
        context.permit,
        input,
      );
      if (refusal !== null) return { status: 'refused', reason: refusal };
      const escalationId = deps.newId();
      const action = {
        kind: ClusterActionKind.annotate,
        clusterId: input.clusterId,
        jobId: input.jobId,
        value: input.reason,
        reason: input.reason,
      };
      await deps.escalations.create({
        escalationId,
        clusterId: input.clusterId,
        jobId: input.jobId,
        action,
        probability: 0,
        scope: 'escalate',
        reasons: [input.reason],
        status: 'pending',
        createdAtMs: context.nowMs,
        decidedBy: null,
        decidedAtMs: null,
        result: null,
        history: [{ atMs: context.nowMs, by: 'tool_escalate_to_human', status: 'pending', note: input.reason }],
      });
      return { status: 'escalated', escalationId };
    },
  }),
] as const satisfies readonly AgentTool[];

/** Tools by name. */
export function findTool(name: string): AgentTool | undefined {
  return (TOOLS as readonly AgentTool[]).find((tool) => tool.name === name);
}

/** The tools as Bedrock Converse `toolSpec`s: name, description and the input's JSON schema. */
export function toolSpecs(tools: readonly AgentTool[] = TOOLS): ReasonerToolSpec[] {
  return tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    inputSchema: z.toJSONSchema(tool.input),
  }));
}

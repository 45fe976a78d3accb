/**
 * The only way a model's tool request reaches a tool. The gate has already decided and acted by
 * the time a model writes its explanation, so the model's permit allows nothing: read tools run;
 * an act tool the gate already carried out answers `already_done` (never twice); every other act
 * tool is refused, and the refusal is recorded with its reason (the decision lists it and the
 * `gate.decision` line names it).
 */
import type { ActionScope, Tier } from '../../core/gating/gate-config.ts';
import type { ReasonerToolRequest, ReasonerToolSpec } from '../ports/reasoner.ts';
import type { AgentDeps } from './agent-deps.ts';
import { findTool, permitRefusal, toolSpecs, ToolEffect, TOOLS, type ToolResult } from './tools.ts';

export interface RefusedModelAction {
  readonly tool: string;
  readonly input: unknown;
  readonly reason: string;
}

export interface ModelDecisionContext {
  readonly clusterId: string;
  readonly nowMs: number;
  /** Action kinds the gate executed for this decision. */
  readonly executedKinds: readonly string[];
  readonly escalationId: string | null;
  readonly scope: ActionScope;
  readonly tier: Tier | null;
}

export interface ModelToolRunner {
  readonly run: (request: ReasonerToolRequest) => Promise<ToolResult>;
  readonly refused: () => RefusedModelAction[];
}

/** Every tool, offered to the model (act tools included: asking is allowed, doing is not). */
export function modelToolSpecs(): ReasonerToolSpec[] {
  return toolSpecs(TOOLS);
}

export function modelToolRunner(deps: AgentDeps, context: ModelDecisionContext): ModelToolRunner {
  const refusals: RefusedModelAction[] = [];
  const basis = `scope ${context.scope}, tier ${context.tier ?? 'none'}; a model may only explain`;
  const permit = { clusterId: context.clusterId, jobId: null, allowedKinds: [], basis } as const;
  return {
    async run(request) {
      const tool = findTool(request.name);
      if (tool === undefined) {
        refusals.push({ tool: request.name, input: request.input, reason: 'unknown tool' });
        return { status: 'refused', reason: `unknown tool '${request.name}'` };
      }
      const parsed = tool.input.safeParse(request.input);
      if (!parsed.success)
        return {
          status: 'invalid_input',
          issues: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
        };
      if (tool.effect === ToolEffect.act) {
        if (tool.actionKind !== null && context.executedKinds.includes(tool.actionKind)) {
          return { status: 'already_done', reason: `the gate already carried out ${tool.actionKind}` };
        }
        if (tool.actionKind === 'escalate' && context.escalationId !== null) {
          return { status: 'already_done', reason: `escalation ${context.escalationId} already waits for a human` };
        }
        const reason =
          permitRefusal(tool, permit, { clusterId: context.clusterId }) ?? `the gate does not allow ${tool.name}`;
        refusals.push({ tool: tool.name, input: request.input, reason });
        deps.learning.logger.warn('agent.model_action_refused', {
          clusterId: context.clusterId,
          tool: tool.name,
          reason,
        });
        return { status: 'refused', reason };
      }
      try {
        return await tool.run(deps, parsed.data, { nowMs: context.nowMs, permit: null });
      } catch (error) {
        return { status: 'error', reason: error instanceof Error ? error.message : String(error) };
      }
    },
    refused() {
      return [...refusals];
    },
  };
}

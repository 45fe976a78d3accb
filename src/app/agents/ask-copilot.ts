/**
 * The Copilot: answers a person's question ("when will my 4×A100 job start on slurm-hpc?",
 * "status of eks-prod", "why?") with one observe→predict→decide what-if (nothing stored, nothing
 * done), worded honestly for the cluster's scope:
 * - when: the answer for the scope (learning / escalate say they cannot predict reliably, and why);
 * - status: the cluster's scope, calibration, drift, qualified tiers and queue (statusText);
 * - why: the same what-if as the conversation's last question (its cluster and job), with the
 *   gate's reasons spelled out.
 * The cluster is the first word after `on`/`in`/`for`/… that names a registered cluster, else any
 * registered cluster id in the question, else the conversation's last cluster, else the default.
 * Conversations are remembered in this process only (a Lambda's follow-up "why?" may land in
 * another instance and then asks which cluster).
 * The what-if runs in an AgentRuntime (in this process, or the deployed AgentCore Runtime), in
 * one runtime session per conversation.
 */
import { statusText } from '../../core/agents/answer-text.ts';
import { parseJobQuestion } from '../../core/agents/parse-job-question.ts';
import { parseQuestion, QuestionIntent, type ParsedQuestion } from '../../core/agents/parse-question.ts';
import { calibrationScore } from '../../core/gating/calibration-score.ts';
import { answerJobQuestion, type JobQuestionDeps } from '../jobs/answer-job-question.ts';
import type { LearningDeps } from '../learning/learning-deps.ts';
import type { AgentRuntime } from '../ports/agent-runtime.ts';
import type { ClusterRegistry } from '../ports/cluster-registry.ts';
import { agentSessionId, SessionScope } from './agent-session-id.ts';
import { DecisionStatus, type AgentDecision } from './observe-predict-decide.ts';

/** What the Copilot reads (the registered clusters, their calibration, the gate) and where its what-ifs run. */
export interface CopilotDeps {
  readonly learning: Pick<LearningDeps, 'registry' | 'calibration' | 'gate'>;
  readonly runtime: AgentRuntime;
  /** Questions about a submitted job ("when will 12345 start?", "notify me when 12345 starts"); undefined → not answered. */
  readonly jobs?: JobQuestionDeps;
}

export interface CopilotRequest {
  readonly text: string;
  readonly askedBy: string;
  readonly conversationId: string;
  readonly nowMs: number;
}

export interface CopilotReply {
  readonly text: string;
  readonly clusterId?: string;
  readonly decision?: AgentDecision;
  /** The submitted job a forecast answer is about. */
  readonly job?: { readonly clusterId: string; readonly jobId: string };
}

/** Conversations remembered for "why?" (oldest forgotten first). */
export const MAX_REMEMBERED_CONVERSATIONS = 1000;

export type Copilot = (request: CopilotRequest) => Promise<CopilotReply>;

interface Remembered {
  readonly clusterId: string;
  readonly gpus: number;
  readonly gpuType: string | null;
}

const WHICH_CLUSTER = 'Which cluster? Ask e.g. "when will my 4-GPU job start on slurm-hpc?" or "status of slurm-hpc".';

/** The cluster a question is about (see the module comment); undefined when none can be told. */
async function clusterOf(registry: ClusterRegistry, question: ParsedQuestion, text: string): Promise<string | undefined> {
  const known = new Set(await registry.list());
  const named = question.clusterCandidates.find((candidate) => known.has(candidate));
  if (named !== undefined) return named;
  const mentioned = text.split(/[\s?!.,;:'"()]+/).find((word) => known.has(word));
  return mentioned ?? question.clusterId ?? undefined;
}

/** A Copilot bound to its dependencies (and a small memory of each conversation's last question). */
export function createCopilot(deps: CopilotDeps, options: { readonly defaultClusterId?: string } = {}): Copilot {
  const memory = new Map<string, Remembered>();
  const remember = (conversationId: string, remembered: Remembered): void => {
    memory.delete(conversationId);
    memory.set(conversationId, remembered);
    if (memory.size > MAX_REMEMBERED_CONVERSATIONS) memory.delete(memory.keys().next().value as string);
  };
  return async (request) => {
    const jobQuestion = deps.jobs === undefined ? null : parseJobQuestion(request.text);
    if (jobQuestion !== null && deps.jobs !== undefined) {
      return answerJobQuestion(deps.jobs, jobQuestion, request, memory.get(request.conversationId)?.clusterId ?? options.defaultClusterId);
    }
    const question = parseQuestion(request.text);
    const last = memory.get(request.conversationId);
    const clusterId = (await clusterOf(deps.learning.registry, question, request.text)) ?? last?.clusterId ?? options.defaultClusterId;
    if (clusterId === undefined) return { text: WHICH_CLUSTER };
    // "why?" asks about the last answer: the same cluster and job, unless the question states its own.
    const sameJob = question.intent === QuestionIntent.why && !question.gpusStated && question.gpuType === null && last?.clusterId === clusterId;
    const job = sameJob ? { gpus: last.gpus, gpuType: last.gpuType } : { gpus: question.gpus, gpuType: question.gpuType };
    if (question.intent !== QuestionIntent.status) remember(request.conversationId, { clusterId, ...job });
    const decision = await deps.runtime.invoke(
      { clusterId, job: { gpus: job.gpus, ...(job.gpuType === null ? {} : { gpuType: job.gpuType }) }, question: request.text, complex: question.complex },
      agentSessionId(SessionScope.conversation, request.conversationId),
    );
    return { text: await replyText(deps, question, decision), clusterId, decision };
  };
}

async function replyText(deps: CopilotDeps, question: ParsedQuestion, decision: AgentDecision): Promise<string> {
  switch (question.intent) {
    case QuestionIntent.wait:
      return decision.answer;
    case QuestionIntent.why:
      return `${decision.answer} Why: ${decision.reasons.join('; ')}.`;
    case QuestionIntent.status: {
      const calibration = await deps.learning.calibration.current(decision.clusterId);
      if (calibration === undefined) return decision.answer;
      const { observed } = decision;
      // The scope and score the gate applies now (this very decision), on the stored calibration;
      // when the queue could not be observed there was no gate decision: the stored ones.
      const gated = decision.status !== DecisionStatus.unavailable;
      const evidence = calibration.evidence;
      const text = statusText({
        clusterId: decision.clusterId,
        scope: gated ? decision.scope : calibration.scope,
        ece: evidence?.ece ?? null,
        eceUpper: evidence?.upper ?? null,
        score: evidence === null ? null : calibrationScore(evidence.upper, deps.learning.gate),
        evidenceCount: evidence?.count ?? 0,
        outcomeCount: calibration.outcomes,
        minOutcomes: deps.learning.gate.minOutcomes,
        driftStatus: calibration.driftStatus,
        qualifiedTiers: calibration.qualifiedTiers,
        queue: observed === null ? null : { pendingJobs: observed.queuedJobs, pendingGpus: observed.pendingGpus, runningJobs: observed.runningJobs, utilisationPercent: observed.utilisationPercent, totalGpus: observed.totalGpus },
      });
      return observed === null ? `${text} · queue not observable now (${decision.reasons[0] ?? 'no queue state'})` : text;
    }
  }
}

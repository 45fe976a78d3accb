/**
 * The Copilot: answers a person's question ("when will my 4×A100 job start on slurm-hpc?",
 * "status of eks-prod", "why?") with one observe→predict→decide what-if (nothing stored, nothing
 * done), worded honestly for the cluster's scope:
 * - when: the answer for the scope (learning / escalate say they cannot predict reliably, and why);
 *   with a deadline ("before 17:00", "within 2 hours"), also the chance the job starts by then,
 *   read from its wait distribution's CDF, with the scope's caveat;
 * - status: the cluster's scope, calibration, drift, qualified tiers and queue (statusText);
 * - why: the same what-if as the conversation's last question (its cluster and job), with the
 *   gate's reasons spelled out.
 * The cluster is the first word after `on`/`in`/`for`/… that names a registered cluster, else any
 * registered cluster id in the question, else the conversation's last cluster, else the default;
 * a word that names no registered cluster is never taken for one ("the meaning of life").
 * A question that is none of when / status / why, or whose cluster cannot be told that way, is
 * answered with "I did not understand" and two example questions instead of a guess.
 * Conversations are remembered in this process only (a Lambda's follow-up "why?" may land in
 * another instance and then asks which cluster).
 * The what-if runs in an AgentRuntime (in this process, or the deployed AgentCore Runtime), in
 * one runtime session per conversation.
 */
import { startWithinText, statusText } from '../../core/agents/answer-text.ts';
import { parseJobQuestion } from '../../core/agents/parse-job-question.ts';
import {
  parseQuestion,
  QuestionIntent,
  resolveStartBy,
  type ParsedQuestion,
} from '../../core/agents/parse-question.ts';
import { cdfAt } from '../../core/conformal/wait-distribution.ts';
import { calibrationScore } from '../../core/gating/calibration-score.ts';
import { answerJobQuestion, type JobQuestionDeps } from '../jobs/answer-job-question.ts';
import type { LearningDeps } from '../learning/learning-deps.ts';
import type { AgentRuntime } from '../ports/agent-runtime.ts';
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
  /**
   * How far the asker's clock is ahead of UTC, minutes (a time of day in the question is theirs);
   * unknown: UTC, and the answer says so ("before 17:00 UTC").
   */
  readonly utcOffsetMinutes?: number;
}

export interface CopilotReply {
  readonly text: string;
  /** False when the Copilot did not understand the question (`text` then says so, with examples). */
  readonly understood: boolean;
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

/** Cluster used in the example questions when none is registered. */
const EXAMPLE_CLUSTER = 'slurm-hpc';
/** Registered clusters listed at most in a "which cluster?" reply. */
const MAX_LISTED_CLUSTERS = 5;

/** Two example questions about `clusterId`, for replies that did not understand. */
export function exampleQuestions(clusterId: string): string {
  return `Ask e.g. "when will my 4-GPU job start on ${clusterId}?" or "status of ${clusterId}".`;
}

/** The registered cluster a question names (see the module comment); undefined when it names none. */
function clusterNamed(known: ReadonlySet<string>, question: ParsedQuestion, text: string): string | undefined {
  const named = question.clusterCandidates.find((candidate) => known.has(candidate));
  return named ?? text.split(/[\s?!.,;:'"()]+/).find((word) => known.has(word));
}

/** "I did not understand which cluster…": names the unregistered words it read and the registered clusters. */
function whichClusterText(known: readonly string[], question: ParsedQuestion): string {
  const example = known[0] ?? EXAMPLE_CLUSTER;
  const unknownNamed = question.clusterId === null ? '' : ` "${question.clusterId}" is not a registered cluster.`;
  const listed =
    known.length === 0
      ? ' No cluster is registered yet (vgac onboard).'
      : ` Registered: ${known.slice(0, MAX_LISTED_CLUSTERS).join(', ')}${known.length > MAX_LISTED_CLUSTERS ? `, … (${known.length})` : ''}.`;
  return `I did not understand which cluster you mean.${unknownNamed}${listed} ${exampleQuestions(example)}`;
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
      const answer = await answerJobQuestion(
        deps.jobs,
        jobQuestion,
        request,
        memory.get(request.conversationId)?.clusterId ?? options.defaultClusterId,
      );
      // Without a cluster the job could not be placed: the question was not understood well enough to answer.
      return { ...answer, understood: answer.clusterId !== undefined };
    }
    const question = parseQuestion(request.text);
    const known = [...(await deps.learning.registry.list())].sort();
    if (question.intent === QuestionIntent.unknown) {
      return {
        text: `I did not understand the question: I answer when a job will start, how a cluster is doing, and why. ${exampleQuestions(known[0] ?? EXAMPLE_CLUSTER)}`,
        understood: false,
      };
    }
    const last = memory.get(request.conversationId);
    const clusterId =
      clusterNamed(new Set(known), question, request.text) ?? last?.clusterId ?? options.defaultClusterId;
    if (clusterId === undefined) return { text: whichClusterText(known, question), understood: false };
    // "why?" asks about the last answer: the same cluster and job, unless the question states its own.
    const sameJob =
      question.intent === QuestionIntent.why &&
      !question.gpusStated &&
      question.gpuType === null &&
      last?.clusterId === clusterId;
    const job = sameJob
      ? { gpus: last.gpus, gpuType: last.gpuType }
      : { gpus: question.gpus, gpuType: question.gpuType };
    if (question.intent !== QuestionIntent.status) remember(request.conversationId, { clusterId, ...job });
    const decision = await deps.runtime.invoke(
      {
        clusterId,
        job: { gpus: job.gpus, ...(job.gpuType === null ? {} : { gpuType: job.gpuType }) },
        question: request.text,
        complex: question.complex,
      },
      agentSessionId(SessionScope.conversation, request.conversationId),
    );
    return { text: await replyText(deps, question, decision, request), understood: true, clusterId, decision };
  };
}

/** "Chance it starts before 17:00 (in 7.0 h): 62 %, …" for a wait question with a deadline, or undefined. */
async function startWithinSentence(
  deps: CopilotDeps,
  question: ParsedQuestion,
  decision: AgentDecision,
  request: CopilotRequest,
): Promise<string | undefined> {
  // Nothing predicted (the queue could not be observed): the answer already says so.
  if (question.startBy == null || decision.status === DecisionStatus.unavailable) return undefined;
  const { seconds } = resolveStartBy(question.startBy, request.nowMs, request.utcOffsetMinutes ?? 0);
  const quantiles = decision.waitQuantilesSeconds ?? null;
  const calibration = await deps.learning.calibration.current(decision.clusterId);
  return startWithinText({
    clusterId: decision.clusterId,
    // A time of day read as UTC because the asker's clock is unknown: the answer says which 17:00 it means.
    deadlineText:
      question.startBy.kind !== 'within' && request.utcOffsetMinutes === undefined
        ? `${question.startBy.text} UTC`
        : question.startBy.text,
    seconds,
    probability: quantiles === null ? null : cdfAt(quantiles, seconds),
    scope: decision.scope,
    ece: calibration?.evidence?.ece ?? null,
    outcomeCount: calibration?.outcomes ?? 0,
    minOutcomes: deps.learning.gate.minOutcomes,
  });
}

async function replyText(
  deps: CopilotDeps,
  question: ParsedQuestion,
  decision: AgentDecision,
  request: CopilotRequest,
): Promise<string> {
  switch (question.intent) {
    case QuestionIntent.wait:
    case QuestionIntent.unknown: {
      const sentence = await startWithinSentence(deps, question, decision, request);
      return sentence === undefined ? decision.answer : `${sentence} ${decision.answer}`;
    }
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
        queue:
          observed === null
            ? null
            : {
                pendingJobs: observed.queuedJobs,
                pendingGpus: observed.pendingGpus,
                runningJobs: observed.runningJobs,
                utilisationPercent: observed.utilisationPercent,
                totalGpus: observed.totalGpus,
              },
      });
      return observed === null
        ? `${text} · queue not observable now (${decision.reasons[0] ?? 'no queue state'})`
        : text;
    }
  }
}

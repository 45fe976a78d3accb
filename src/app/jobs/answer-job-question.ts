/**
 * The Copilot's answers about a job already submitted ("when will 12345 start?", "why is 12345
 * pending?", "what if 12345", "notify me when 12345 starts"): the job's forecast in words, with
 * "to start sooner: …" where alternatives were asked for or the job is pending; a subscription
 * for "notify me" (Slack users only: the message is a direct message).
 */
import { JobQuestionIntent, type JobQuestion } from '../../core/agents/parse-job-question.ts';
import type { ClusterRegistry } from '../ports/cluster-registry.ts';
import type { JobSubscriptionStore } from '../ports/job-subscription-store.ts';
import { forecastJob, type JobForecastDeps } from './forecast-job.ts';
import { forecastPhrase, jobAnswerText } from './job-answer-text.ts';
import { subscribeToJob } from './subscribe-to-job.ts';

export interface JobQuestionDeps extends JobForecastDeps {
  readonly registry: ClusterRegistry;
  /** Where "notify me" subscriptions go; undefined → notifications are not offered. */
  readonly subscriptions?: JobSubscriptionStore;
}

export interface JobAnswer {
  readonly text: string;
  readonly clusterId?: string;
  /** The job a forecast answer is about (Slack adds a "Notify me when it starts" button). */
  readonly job?: { readonly clusterId: string; readonly jobId: string };
}

const WHICH_CLUSTER = 'Which cluster is that job on? Ask e.g. "when will 12345 start on slurm-hpc?".';

/** `slack:U123` → `U123`; anyone else (the command line, the API) has no direct messages. */
export function slackUserOf(askedBy: string): string | undefined {
  return /^slack:([A-Z0-9][A-Z0-9._-]{0,127})$/i.exec(askedBy)?.[1];
}

/** True when the cluster's prediction log or scheduler knows the job (an unreachable scheduler does not). */
async function knowsJob(deps: JobQuestionDeps, clusterId: string, jobId: string): Promise<boolean> {
  if ((await deps.learning.predictions.find(clusterId, jobId)) !== undefined) return true;
  const lookup = deps.jobLookup(clusterId);
  if (lookup === undefined) return false;
  return (await lookup.job(jobId).catch(() => undefined)) !== undefined;
}

/**
 * The cluster a job question is about: the one it names, else a registered cluster id it
 * mentions, else the only registered cluster that knows the job, else `fallbackClusterId`.
 */
async function clusterOf(
  deps: JobQuestionDeps,
  question: JobQuestion,
  text: string,
  fallbackClusterId: string | undefined,
): Promise<string | undefined> {
  const registered = await deps.registry.list();
  const known = new Set(registered);
  const named =
    question.clusterCandidates.find((candidate) => known.has(candidate)) ??
    text.split(/[\s?!.,;:'"()]+/).find((word) => known.has(word));
  if (named !== undefined) return named;
  const knowing: string[] = [];
  for (const clusterId of registered) if (await knowsJob(deps, clusterId, question.jobId)) knowing.push(clusterId);
  return knowing.length === 1 ? knowing[0] : fallbackClusterId;
}

/**
 * Answers `question`; `fallbackClusterId` is used when the question names no registered cluster
 * (the conversation's last one, else the default). Throws what {@link forecastJob} throws (an
 * unknown cluster or job: their messages name them) and the stores' errors.
 */
export async function answerJobQuestion(
  deps: JobQuestionDeps,
  question: JobQuestion,
  request: { readonly text: string; readonly askedBy: string; readonly nowMs: number },
  fallbackClusterId: string | undefined,
): Promise<JobAnswer> {
  const clusterId = await clusterOf(deps, question, request.text, fallbackClusterId);
  if (clusterId === undefined) return { text: WHICH_CLUSTER };
  const { jobId } = question;
  if (question.intent === JobQuestionIntent.notify) {
    const userId = slackUserOf(request.askedBy);
    if (userId === undefined)
      return {
        clusterId,
        text: `Notifications are Slack direct messages: ask me in Slack, e.g. \`/vgac notify me when ${jobId} starts\`.`,
      };
    if (deps.subscriptions === undefined)
      return { clusterId, text: 'Notifications are not configured on this deployment.' };
    const result = await subscribeToJob(
      { ...deps, subscriptions: deps.subscriptions },
      { clusterId, jobId, userId, nowMs: request.nowMs },
    );
    if (result.status === 'not_pending')
      return { clusterId, text: `${jobAnswerText(result.forecast)} Nothing to wait for, so no notification is set.` };
    const told = result.forecast.now ?? result.forecast.atSubmit;
    const forecast = told === null ? '' : ` Forecast: ${forecastPhrase(told)}.`;
    const lead =
      result.status === 'created'
        ? 'OK: I will send you a direct message'
        : 'You are already subscribed: I will send you a direct message';
    return {
      clusterId,
      text: `${lead} when job ${jobId} on ${clusterId} starts (and once if its forecast doubles or halves).${forecast}`,
    };
  }
  const alternatives = question.intent === JobQuestionIntent.whatIf || question.intent === JobQuestionIntent.when;
  const forecast = await forecastJob(deps, { clusterId, jobId, nowMs: request.nowMs, alternatives });
  const text = jobAnswerText(forecast, { alternatives });
  return forecast.state === 'pending' ? { clusterId, text, job: { clusterId, jobId } } : { clusterId, text };
}

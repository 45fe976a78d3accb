/**
 * The slow half of every Slack request, run after the 3-second acknowledgement: answer a
 * question through the Copilot and deliver it (response_url for slash commands, a threaded
 * post for mentions), or take an escalation decision and replace the buttons with it — only for
 * a user on the approver list when one is configured (others get an ephemeral refusal).
 * Tasks are plain JSON, so a Lambda can hand them to an asynchronous invocation.
 * Schemas are built on first use (`z.lazy`): building zod schemas costs CPU, and a Lambda cold start
 * should pay only for those its first request reads.
 */
import * as z from 'zod';
import { VgacError } from '../../../core/errors.ts';
import type { ChatReplies } from '../../ports/chat-replies.ts';
import type { Logger } from '../../ports/logger.ts';
import type { UserTimeZones } from '../../ports/user-time-zones.ts';
import type { AskCopilot, Clock, DecideEscalation } from '../http-deps.ts';
import { decisionMessage, jobForecastMessage, plainMessage } from './slack-messages.ts';

const Id = z.string().min(1).max(255);

/** A task as it travels through a queue (JSON): validated again before it runs. */
export const SlackTaskSchema = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('command'),
      text: z.string().max(4000),
      userId: Id,
      teamId: Id,
      channelId: Id,
      responseUrl: z.url(),
    }),
    z.strictObject({
      kind: z.literal('mention'),
      text: z.string().max(40_000),
      userId: Id,
      teamId: Id,
      channelId: Id,
      threadTs: Id,
    }),
    z.strictObject({
      kind: z.literal('notify'),
      clusterId: Id,
      jobId: Id,
      userId: Id,
      responseUrl: z.url().optional(),
    }),
    z.strictObject({
      kind: z.literal('decision'),
      clusterId: Id,
      escalationId: Id,
      decision: z.enum(['approve', 'reject']),
      userId: Id,
      responseUrl: z.url().optional(),
    }),
  ]),
);

export type SlackTask = z.infer<typeof SlackTaskSchema>;

export interface SlackTaskDeps {
  readonly ask: AskCopilot;
  readonly decideEscalation?: DecideEscalation;
  readonly replies: ChatReplies;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Slack user ids who may approve or reject escalations; undefined → anyone in the workspace. */
  readonly approvers?: ReadonlySet<string>;
  /** The askers' clocks (a time of day in a question is theirs); undefined or failing → UTC, said in the answer. */
  readonly timeZones?: UserTimeZones;
}

/** What a Slack user who is not on the approver list is told (only they see it). */
export const NOT_AN_APPROVER =
  "You are not on this deployment's list of escalation approvers; the escalation is unchanged.";

const SORRY = 'Sorry, I could not answer that just now. Please try again in a minute.';

/** Runs one task; never throws (a failure is logged without the payload and, where possible, told to the person). */
export async function runSlackTask(deps: SlackTaskDeps, task: SlackTask): Promise<void> {
  try {
    await run(deps, task);
  } catch (error) {
    deps.logger.error('slack.task_failed', {
      kind: task.kind,
      errorName: error instanceof Error ? error.name : typeof error,
      code: error instanceof VgacError ? error.code : undefined,
    });
    const message = plainMessage(
      error instanceof VgacError && error.code === 'UNKNOWN_ESCALATION' ? error.message : SORRY,
    );
    try {
      if (task.kind === 'mention') await deps.replies.post(task.channelId, message, { threadTs: task.threadTs });
      else if (task.responseUrl !== undefined)
        await deps.replies.respond(task.responseUrl, message, { ephemeral: true });
    } catch (replyError) {
      deps.logger.error('slack.reply_failed', {
        kind: task.kind,
        errorName: replyError instanceof Error ? replyError.name : typeof replyError,
      });
    }
  }
}

/** The asker's UTC offset, or undefined (no lookup configured, or it failed: logged, the question is still answered in UTC). */
async function askerUtcOffset(deps: SlackTaskDeps, userId: string): Promise<number | undefined> {
  if (deps.timeZones === undefined) return undefined;
  try {
    return await deps.timeZones.utcOffsetMinutes(userId);
  } catch (error) {
    deps.logger.warn('slack.time_zone_unavailable', {
      userId,
      reason: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
}

async function run(deps: SlackTaskDeps, task: SlackTask): Promise<void> {
  if (task.kind === 'notify') {
    // The button asks what "/vgac notify me when {job} starts on {cluster}" asks: one path, one subscription.
    const answer = await deps.ask({
      text: `notify me when ${task.jobId} starts on ${task.clusterId}`,
      askedBy: `slack:${task.userId}`,
      conversationId: `slack:button:${task.userId}`,
      nowMs: deps.clock.nowMs(),
    });
    deps.logger.info('slack.answered', { kind: task.kind, clusterId: answer.clusterId, userId: task.userId });
    if (task.responseUrl !== undefined)
      await deps.replies.respond(task.responseUrl, plainMessage(answer.text), { ephemeral: true });
    return;
  }
  if (task.kind === 'decision') {
    if (deps.decideEscalation === undefined) {
      if (task.responseUrl !== undefined)
        await deps.replies.respond(
          task.responseUrl,
          plainMessage('Escalations are not configured on this deployment.'),
          { ephemeral: true },
        );
      return;
    }
    if (deps.approvers !== undefined && !deps.approvers.has(task.userId)) {
      deps.logger.warn('slack.approval_refused', {
        clusterId: task.clusterId,
        escalationId: task.escalationId,
        decision: task.decision,
        by: `slack:${task.userId}`,
      });
      if (task.responseUrl !== undefined)
        await deps.replies.respond(task.responseUrl, plainMessage(NOT_AN_APPROVER), { ephemeral: true });
      return;
    }
    const outcome = await deps.decideEscalation({
      clusterId: task.clusterId,
      escalationId: task.escalationId,
      decision: task.decision,
      by: `slack:${task.userId}`,
      nowMs: deps.clock.nowMs(),
    });
    deps.logger.info('slack.escalation_decided', {
      clusterId: task.clusterId,
      escalationId: task.escalationId,
      decision: task.decision,
      by: `slack:${task.userId}`,
      status: outcome.status,
    });
    if (task.responseUrl !== undefined)
      await deps.replies.respond(
        task.responseUrl,
        decisionMessage(outcome.escalation, outcome.status === 'already_decided'),
        { replaceOriginal: true },
      );
    return;
  }
  const utcOffsetMinutes = await askerUtcOffset(deps, task.userId);
  const answer = await deps.ask({
    text: task.text,
    askedBy: `slack:${task.userId}`,
    conversationId: `slack:${task.teamId}:${task.channelId}:${task.userId}`,
    nowMs: deps.clock.nowMs(),
    ...(utcOffsetMinutes === undefined ? {} : { utcOffsetMinutes }),
  });
  deps.logger.info('slack.answered', { kind: task.kind, clusterId: answer.clusterId, userId: task.userId });
  const message = answer.job === undefined ? plainMessage(answer.text) : jobForecastMessage(answer.text, answer.job);
  if (task.kind === 'command') await deps.replies.respond(task.responseUrl, message, { ephemeral: true });
  else await deps.replies.post(task.channelId, message, { threadTs: task.threadTs });
}

/**
 * The Slack app as a Hono sub-app, mounted at `/slack` of the one HTTP app:
 * - `POST /slack/commands`: the `/vgac` slash command;
 * - `POST /slack/events`: the Events API (url_verification challenge, app mentions);
 * - `POST /slack/interactions`: Block Kit buttons (Approve / Reject on escalations, "Notify me when it
 *   starts" on a job's forecast).
 *
 * Every request is verified first (v0 signature, 5-minute window; failures → 401, logged
 * without the payload). Each route acknowledges at once and queues the slow work (Slack wants
 * an answer within 3 s); a delivery is claimed once through the OnceGuard (a conditional write,
 * TTL'd), so Slack's retries (`X-Slack-Retry-Num`) never cause duplicate work or messages.
 * When the work cannot be queued the claim is released before the 500, so Slack's retry of that
 * delivery is processed instead of being dropped as a duplicate.
 */
import { Hono } from 'hono';
import type { z } from 'zod';
import type { Logger } from '../../ports/logger.ts';
import type { OnceGuard } from '../../ports/once-guard.ts';
import type { TaskQueue } from '../../ports/task-queue.ts';
import { mapError, logMappedError } from '../error-response.ts';
import type { Clock } from '../http-deps.ts';
import { AppMention, BlockActions, InteractionEnvelope, SlackEventEnvelope, SlashCommand } from './slack-payloads.ts';
import {
  ESCALATION_ACTION,
  JOB_NOTIFY_ACTION,
  parseEscalationButtonValue,
  parseJobButtonValue,
  SLACK_HELP,
  WORKING_ON_IT,
} from './slack-messages.ts';
import { verifySlackSignature } from './slack-signature.ts';
import type { SlackTask } from './slack-task.ts';

/** How long a claimed delivery is remembered: far beyond Slack's retry schedule (minutes). */
export const SLACK_DEDUPE_TTL_SECONDS = 3600;

export interface SlackRouteDeps {
  readonly signingSecret: string;
  readonly once: OnceGuard;
  readonly tasks: TaskQueue<SlackTask>;
  readonly clock: Clock;
  readonly logger: Logger;
}

const encoder = new TextEncoder();

async function dedupeKey(...parts: readonly string[]): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(parts.join('\n'))));
  return `slack:${Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

function parsed<Schema extends z.ZodType>(schema: Schema, value: unknown): z.infer<Schema> | undefined {
  const result = schema.safeParse(value);
  return result.success ? result.data : undefined;
}

function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Removes the leading `<@U123>` mentions of the app from a mention's text. */
export function questionOfMention(text: string): string {
  return text.replace(/^(\s*<@[A-Z0-9]+(\|[^>]*)?>\s*)+/, '').trim();
}

export function createSlackRoutes(deps: SlackRouteDeps): Hono {
  /** Claims `key`, then enqueues `task`; a failed enqueue gives the claim back and rethrows. False when the delivery was already claimed. */
  const claimAndEnqueue = async (key: string, task: SlackTask): Promise<boolean> => {
    const claimedAtMs = deps.clock.nowMs();
    if (!(await deps.once.claim(key, claimedAtMs, SLACK_DEDUPE_TTL_SECONDS))) return false;
    try {
      await deps.tasks.enqueue(task);
    } catch (error) {
      try {
        await deps.once.release(key, claimedAtMs);
      } catch (releaseError) {
        deps.logger.error('slack.release_failed', {
          kind: task.kind,
          errorName: releaseError instanceof Error ? releaseError.name : typeof releaseError,
        });
      }
      throw error;
    }
    return true;
  };

  const app = new Hono();
  // The verified raw body by request (the signature covers the bytes, so handlers parse exactly those).
  const rawBodies = new WeakMap<Request, string>();
  const rawBodyOf = (request: Request): string => rawBodies.get(request) ?? '';

  app.onError((error, c) => {
    const mapped = mapError(error);
    logMappedError(deps.logger, mapped, error, { method: c.req.method, path: c.req.path });
    return c.json(mapped.body, mapped.status);
  });

  app.use('*', async (c, next) => {
    const rawBody = await c.req.text();
    const check = await verifySlackSignature(
      deps.signingSecret,
      { timestamp: c.req.header('x-slack-request-timestamp'), signature: c.req.header('x-slack-signature'), rawBody },
      deps.clock.nowMs(),
    );
    if (!check.valid) {
      // Never the payload or the headers' values: only why, where and how big.
      deps.logger.warn('slack.signature_rejected', {
        reason: check.reason,
        path: c.req.path,
        bodyBytes: encoder.encode(rawBody).length,
      });
      return c.json({ error: { code: 'UNAUTHORIZED', message: `invalid Slack signature (${check.reason})` } }, 401);
    }
    rawBodies.set(c.req.raw, rawBody);
    return next();
  });

  const bad = (what: string) => ({ error: { code: 'INVALID_REQUEST', message: `not a Slack ${what} payload` } });
  const retryOf = (header: string | undefined) => (header === undefined ? 0 : Number(header) || 0);

  app.post('/commands', async (c) => {
    const command = parsed(SlashCommand, Object.fromEntries(new URLSearchParams(rawBodyOf(c.req.raw))));
    if (command === undefined) return c.json(bad('slash command'), 400);
    const text = command.text.trim();
    if (text === '' || /^help$/i.test(text)) return c.json({ response_type: 'ephemeral', text: SLACK_HELP });
    const key = await dedupeKey('command', command.team_id, command.trigger_id, command.command, text);
    const task: SlackTask = {
      kind: 'command',
      text,
      userId: command.user_id,
      teamId: command.team_id,
      channelId: command.channel_id,
      responseUrl: command.response_url,
    };
    if (!(await claimAndEnqueue(key, task))) {
      deps.logger.info('slack.duplicate', { kind: 'command', retry: retryOf(c.req.header('x-slack-retry-num')) });
      return c.body(null, 200);
    }
    return c.json({ response_type: 'ephemeral', text: WORKING_ON_IT });
  });

  app.post('/events', async (c) => {
    const envelope = parsed(SlackEventEnvelope, jsonOrUndefined(rawBodyOf(c.req.raw)));
    if (envelope === undefined) return c.json(bad('Events API'), 400);
    if (envelope.type === 'url_verification') return c.json({ challenge: envelope.challenge });
    const mention = parsed(AppMention, envelope.event);
    // Ignore other event types and anything a bot wrote (our own replies included): no loops.
    if (mention === undefined || mention.bot_id !== undefined) return c.json({ ok: true });
    const question = questionOfMention(mention.text);
    const key = await dedupeKey('event', envelope.team_id, envelope.event_id);
    const task: SlackTask = {
      kind: 'mention',
      text: question === '' ? 'help' : question,
      userId: mention.user,
      teamId: envelope.team_id,
      channelId: mention.channel,
      threadTs: mention.thread_ts ?? mention.ts,
    };
    if (!(await claimAndEnqueue(key, task))) {
      deps.logger.info('slack.duplicate', {
        kind: 'event',
        eventId: envelope.event_id,
        retry: retryOf(c.req.header('x-slack-retry-num')),
      });
    }
    return c.json({ ok: true });
  });

  app.post('/interactions', async (c) => {
    const payloadText = new URLSearchParams(rawBodyOf(c.req.raw)).get('payload');
    const envelope = parsed(InteractionEnvelope, jsonOrUndefined(payloadText ?? ''));
    if (envelope === undefined) return c.json(bad('interaction'), 400);
    const actions = parsed(BlockActions, envelope);
    if (actions === undefined) return c.body(null, 200);
    for (const action of actions.actions) {
      if (action.action_id === JOB_NOTIFY_ACTION) {
        const job = parseJobButtonValue(action.value);
        if (job === undefined) continue;
        const key = await dedupeKey(
          'action',
          actions.trigger_id,
          action.action_id,
          action.value ?? '',
          action.action_ts ?? '',
        );
        await claimAndEnqueue(key, {
          kind: 'notify',
          ...job,
          userId: actions.user.id,
          ...(actions.response_url === undefined ? {} : { responseUrl: actions.response_url }),
        });
        continue;
      }
      const decision =
        action.action_id === ESCALATION_ACTION.approve
          ? 'approve'
          : action.action_id === ESCALATION_ACTION.reject
            ? 'reject'
            : undefined;
      const target = parseEscalationButtonValue(action.value);
      if (decision === undefined || target === undefined) continue;
      const key = await dedupeKey(
        'action',
        actions.trigger_id,
        action.action_id,
        action.value ?? '',
        action.action_ts ?? '',
      );
      await claimAndEnqueue(key, {
        kind: 'decision',
        ...target,
        decision,
        userId: actions.user.id,
        responseUrl: actions.response_url,
      });
    }
    return c.body(null, 200);
  });

  return app;
}

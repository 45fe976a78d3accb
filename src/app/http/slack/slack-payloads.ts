/**
 * The Slack wire formats this app accepts, as zod schemas (unknown fields pass: Slack adds
 * fields over time). Slash commands and interactions arrive form-encoded (interactions as one
 * `payload` field of JSON); the Events API sends JSON.
 * References: https://api.slack.com/interactivity/slash-commands,
 * https://api.slack.com/apis/events-api, https://api.slack.com/reference/interaction-payloads/block-actions
 * Schemas are built on first use (`z.lazy`): building zod schemas costs CPU, and a Lambda cold start
 * should pay only for those its first request reads.
 */
import * as z from 'zod';

export const SlashCommand = z.lazy(() =>
  z.object({
    team_id: z.string().min(1),
    channel_id: z.string().min(1),
    user_id: z.string().min(1),
    command: z.string().min(1),
    text: z.string().default(''),
    response_url: z.url(),
    trigger_id: z.string().min(1),
  }),
);
export type SlashCommand = z.infer<typeof SlashCommand>;

export const UrlVerification = z.lazy(() =>
  z.object({ type: z.literal('url_verification'), challenge: z.string().min(1).max(512) }),
);

export const AppMention = z.lazy(() =>
  z.object({
    type: z.literal('app_mention'),
    user: z.string().min(1),
    text: z.string(),
    channel: z.string().min(1),
    ts: z.string().min(1),
    thread_ts: z.string().optional(),
    bot_id: z.string().optional(),
  }),
);

export const EventCallback = z.lazy(() =>
  z.object({
    type: z.literal('event_callback'),
    team_id: z.string().min(1),
    event_id: z.string().min(1),
    // Other event types are acknowledged and ignored; only app mentions are parsed further.
    event: z.looseObject({ type: z.string() }),
  }),
);

export const SlackEventEnvelope = z.lazy(() => z.discriminatedUnion('type', [UrlVerification, EventCallback]));

export const BlockAction = z.lazy(() =>
  z.object({
    action_id: z.string().min(1),
    value: z.string().max(2000).optional(),
    action_ts: z.string().optional(),
  }),
);

export const BlockActions = z.lazy(() =>
  z.object({
    type: z.literal('block_actions'),
    user: z.object({ id: z.string().min(1) }),
    trigger_id: z.string().min(1),
    response_url: z.url().optional(),
    actions: z.array(BlockAction).min(1),
  }),
);

/** Interactions we do not handle (view submissions, shortcuts) are acknowledged and ignored. */
export const InteractionEnvelope = z.lazy(() => z.looseObject({ type: z.string() }));

/**
 * The Slack app this server answers, as a Slack app manifest
 * (https://api.slack.com/reference/manifests): the `/vgac` slash command, the `app_mention` event,
 * interactivity (the Approve / Reject buttons) — each pointing at one of the routes in
 * slack-routes.ts under `baseUrl` — a bot user, and the bot scopes the code uses: `commands` (the
 * slash command), `app_mentions:read` (mentions), `chat:write` (escalations, threaded answers and
 * job notifications through chat.postMessage) and `users:read` (users.info: the asker's time zone,
 * so that "before 17:00" means their 17:00). Nothing else: answers to commands and buttons go to
 * Slack's `response_url`, which needs no scope.
 */
import { SLACK_USAGE_HINT } from './slack-messages.ts';

/** The bot token scopes the code uses (see the file comment). */
export const SLACK_BOT_SCOPES = ['app_mentions:read', 'chat:write', 'commands', 'users:read'] as const;

/** The base URL the repository's `slack/manifest.json` is written with: `vgac slack-manifest --url` fills in the real one. */
export const MANIFEST_PLACEHOLDER_URL = 'https://YOUR-API-ID.execute-api.YOUR-REGION.amazonaws.com';

/** The slash command's name; also what `/slack/commands` is registered for. */
export const SLASH_COMMAND = '/vgac';

/**
 * The manifest for a server at `baseUrl` (an absolute http(s) URL, any trailing `/` ignored).
 * Key order follows Slack's documented example, so the JSON reads like theirs.
 */
export function slackManifest(baseUrl: string): Record<string, unknown> {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    _metadata: { major_version: 1, minor_version: 1 },
    display_information: {
      name: 'vgac',
      description: 'When will my GPU job start? Calibrated answers and gated queue actions.',
      long_description:
        "vgac predicts when a GPU job will start on your cluster, with probabilities calibrated on that cluster's own outcomes, and acts on the queue only as far as that calibration allows. Ask /vgac when will my 4-GPU job start on slurm-hpc?, /vgac status of slurm-hpc, or /vgac why? after an answer. Escalations arrive with Approve / Reject buttons.",
      background_color: '#1d3557',
    },
    features: {
      // The Messages tab carries the direct messages about a job ("notify me when 12345 starts"); nobody writes to the app there.
      app_home: { home_tab_enabled: false, messages_tab_enabled: true, messages_tab_read_only_enabled: true },
      bot_user: { display_name: 'vgac', always_online: true },
      slash_commands: [
        {
          command: SLASH_COMMAND,
          url: `${base}/slack/commands`,
          description: 'Ask when a GPU job will start, or how a cluster is doing',
          usage_hint: SLACK_USAGE_HINT,
          should_escape: false,
        },
      ],
    },
    oauth_config: { scopes: { bot: [...SLACK_BOT_SCOPES] } },
    settings: {
      event_subscriptions: { request_url: `${base}/slack/events`, bot_events: ['app_mention'] },
      interactivity: { is_enabled: true, request_url: `${base}/slack/interactions` },
      org_deploy_enabled: false,
      socket_mode_enabled: false,
      token_rotation_enabled: false,
    },
  };
}

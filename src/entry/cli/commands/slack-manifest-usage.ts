/** What `vgac slack-manifest --help` and `vgac --help` show without loading the command (slack-manifest.ts): its summary, help and options. */
export const summary = "Print the Slack app manifest (slash command, events, interactivity, scopes) for your API's URL";

export const USAGE = 'usage: vgac slack-manifest --url BASE [--out FILE]';

export const help = `${USAGE}

Prints the Slack app manifest (slack/manifest.json in the repository) with every Request URL
under BASE: the /vgac slash command (BASE/slack/commands), the app_mention event
(BASE/slack/events), interactivity for the Approve / Reject buttons (BASE/slack/interactions),
a bot user, and the bot scopes the code uses (app_mentions:read, chat:write, commands).
Paste it at api.slack.com/apps → Create New App → From an app manifest (docs/deploy.md).
BASE is the stack's ApiUrl output, e.g.
  vgac slack-manifest --url https://abc123.execute-api.us-east-1.amazonaws.com

options:
  --url BASE   the API's base URL (https, or http on a loopback name for local tests)
  --json       print the manifest as JSON (the default; accepted like every reporting command)
  --out FILE   write the manifest to FILE instead of printing it
  -h, --help   show this help
`;

/** Everything `vgac slack-manifest` accepts (node:util parseArgs options). */
export const options = {
  url: { type: 'string' },
  json: { type: 'boolean' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

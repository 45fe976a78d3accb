import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MANIFEST_PLACEHOLDER_URL } from '../../../app/http/slack/slack-manifest.ts';
import { REPOSITORY_ROOT, runVgac } from '../../../../test/support/run-vgac.ts';

interface Manifest {
  features: { bot_user: { display_name: string }; slash_commands: { command: string; url: string }[] };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string };
  };
}

describe('vgac slack-manifest', () => {
  it("prints the repository's slack/manifest.json with every Request URL under --url (a trailing / ignored)", async () => {
    const base = 'https://abc123.execute-api.eu-west-1.amazonaws.com';

    const result = await runVgac('slack-manifest', '--url', `${base}/`);

    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as Manifest;
    const inRepository = await readFile(join(REPOSITORY_ROOT, 'slack/manifest.json'), 'utf8');
    expect(printed).toEqual(JSON.parse(inRepository.replaceAll(MANIFEST_PLACEHOLDER_URL, base)));
    expect(printed.features.slash_commands).toEqual([
      expect.objectContaining({ command: '/vgac', url: `${base}/slack/commands` }),
    ]);
    expect(printed.settings.event_subscriptions).toEqual({
      request_url: `${base}/slack/events`,
      bot_events: ['app_mention'],
    });
    expect(printed.settings.interactivity).toEqual({ is_enabled: true, request_url: `${base}/slack/interactions` });
    expect(printed.features.bot_user.display_name).toBe('vgac');
  });

  it("asks only for the scopes the code uses: chat.postMessage, the slash command, mentions and users.info (the asker's time zone)", async () => {
    const result = await runVgac('slack-manifest', '--url', 'http://127.0.0.1:8080');

    const printed = JSON.parse(result.stdout) as Manifest;
    expect(printed.oauth_config.scopes.bot.toSorted()).toEqual([
      'app_mentions:read',
      'chat:write',
      'commands',
      'users:read',
    ]);
    expect(printed.features.slash_commands[0]?.url).toBe('http://127.0.0.1:8080/slack/commands');
  });

  it.each([
    [[], /--url is required/],
    [['--url', 'abc'], /--url 'abc' is not an absolute URL/],
    [['--url', 'http://example.com'], /must use https/],
    [['--url', 'https://example.com/?a=1'], /must not carry a query/],
  ])('refuses %j with exit 2 and one line naming the problem', async (args, message) => {
    const result = await runVgac('slack-manifest', ...args);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toBe('');
  });
});

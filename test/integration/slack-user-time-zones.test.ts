/**
 * FetchSlackUserTimeZones (users.info with fetch) against the loopback Slack stand-in speaking the
 * documented wire format: the offset in minutes, one lookup per user and TTL, Slack's error code
 * named on failure (never the token).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FetchSlackUserTimeZones,
  SLACK_TIME_ZONE_TTL_MS,
} from '../../src/adapters/slack/fetch-slack-user-time-zones.ts';
import { startSlackApiServer, type SlackApiServer } from '../support/slack-api-server.ts';

const TOKEN = 'xoxb-test-time-zones';
let slack: SlackApiServer;

beforeAll(async () => {
  slack = await startSlackApiServer();
  slack.setUserZone('U_STOCKHOLM', { tz: 'Europe/Stockholm', tzOffsetSeconds: 3600 });
  slack.setUserZone('U_KOLKATA', { tz: 'Asia/Kolkata', tzOffsetSeconds: 19_800 });
  slack.setUserZone('U_LA', { tz: 'America/Los_Angeles', tzOffsetSeconds: -28_800 });
});

afterAll(async () => {
  await slack.close();
});

describe('FetchSlackUserTimeZones', () => {
  it("reads each user's tz_offset in minutes (half-hour and negative offsets included), with the bot token", async () => {
    const zones = new FetchSlackUserTimeZones({ botToken: TOKEN, apiUrl: slack.apiUrl });
    const before = slack.userLookups.length;

    const minutes = [
      await zones.utcOffsetMinutes('U_STOCKHOLM'),
      await zones.utcOffsetMinutes('U_KOLKATA'),
      await zones.utcOffsetMinutes('U_LA'),
    ];

    expect(minutes).toEqual([60, 330, -480]);
    expect(slack.userLookups.slice(before)).toEqual([
      { user: 'U_STOCKHOLM', authorization: `Bearer ${TOKEN}` },
      { user: 'U_KOLKATA', authorization: `Bearer ${TOKEN}` },
      { user: 'U_LA', authorization: `Bearer ${TOKEN}` },
    ]);
  });

  it('asks Slack once per user within the TTL, and again after it (a changed offset is then seen)', async () => {
    let nowMs = 1_000_000;
    const zones = new FetchSlackUserTimeZones({ botToken: TOKEN, apiUrl: slack.apiUrl, nowMs: () => nowMs });
    slack.setUserZone('U_TRAVELLER', { tz: 'Europe/London', tzOffsetSeconds: 0 });
    const before = slack.userLookups.length;

    const first = await zones.utcOffsetMinutes('U_TRAVELLER');
    slack.setUserZone('U_TRAVELLER', { tz: 'Asia/Tokyo', tzOffsetSeconds: 32_400 });
    nowMs += SLACK_TIME_ZONE_TTL_MS - 1;
    const cached = await zones.utcOffsetMinutes('U_TRAVELLER');
    nowMs += 1;
    const refreshed = await zones.utcOffsetMinutes('U_TRAVELLER');

    expect([first, cached, refreshed]).toEqual([0, 0, 540]);
    expect(slack.userLookups.length - before).toBe(2);
  });

  it("names Slack's error code, never the token, and does not remember the failure", async () => {
    const zones = new FetchSlackUserTimeZones({ botToken: TOKEN, apiUrl: slack.apiUrl });

    const failure = await zones.utcOffsetMinutes('U_NOBODY').catch((error: unknown) => error);
    slack.setUserZone('U_NOBODY', { tz: 'Europe/Paris', tzOffsetSeconds: 3600 });
    const later = await zones.utcOffsetMinutes('U_NOBODY');

    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe('Slack users.info failed: user_not_found');
    expect((failure as Error).message).not.toContain(TOKEN);
    expect(later).toBe(60);
  });

  it('an unreachable Web API is an InfrastructureError naming users.info', async () => {
    const zones = new FetchSlackUserTimeZones({ botToken: TOKEN, apiUrl: 'http://127.0.0.1:9/api/' });

    await expect(zones.utcOffsetMinutes('U_STOCKHOLM')).rejects.toThrow(/^Slack users\.info unreachable: /);
  });
});

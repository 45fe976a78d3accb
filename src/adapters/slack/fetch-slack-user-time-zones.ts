/**
 * `UserTimeZones` on Slack's Web API `users.info` (https://api.slack.com/methods/users.info, bot
 * scope `users:read`): the user's `tz_offset` (seconds ahead of UTC, daylight saving included).
 * Each user's offset is kept for SLACK_TIME_ZONE_TTL_MS: a question asks for it once per user and
 * hour at most, and an offset changes only when the user travels or the clocks change. Failures
 * become InfrastructureError naming the method and Slack's error code — never the token.
 */
import { InfrastructureError } from '../../app/errors.ts';
import type { UserTimeZones } from '../../app/ports/user-time-zones.ts';
import { parseAnswer, SLACK_REQUEST_TIMEOUT_MS } from './fetch-slack-chat-replies.ts';

/** How long a user's offset is reused, ms. */
export const SLACK_TIME_ZONE_TTL_MS = 60 * 60_000;

export interface FetchSlackUserTimeZonesOptions {
  /** Bot token (`xoxb-…`) with the `users:read` scope. */
  readonly botToken: string;
  /** Web API base URL, e.g. https://slack.com/api/ (a trailing `/` is added when missing). */
  readonly apiUrl: string;
  /** Epoch ms now (tests pass a controlled one); default Date.now. */
  readonly nowMs?: () => number;
}

export class FetchSlackUserTimeZones implements UserTimeZones {
  readonly #botToken: string;
  readonly #infoUrl: string;
  readonly #nowMs: () => number;
  readonly #known = new Map<string, { readonly minutes: number; readonly untilMs: number }>();

  constructor(options: FetchSlackUserTimeZonesOptions) {
    this.#botToken = options.botToken;
    this.#infoUrl = `${options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`}users.info`;
    this.#nowMs = options.nowMs ?? Date.now;
  }

  async utcOffsetMinutes(userId: string): Promise<number> {
    const nowMs = this.#nowMs();
    const known = this.#known.get(userId);
    if (known !== undefined && known.untilMs > nowMs) return known.minutes;
    let response: Response;
    try {
      response = await fetch(`${this.#infoUrl}?${new URLSearchParams({ user: userId }).toString()}`, {
        headers: { authorization: `Bearer ${this.#botToken}` },
        signal: AbortSignal.timeout(SLACK_REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new InfrastructureError(
        `Slack users.info unreachable: ${error instanceof Error ? error.name : 'unknown error'}`,
        { cause: error },
      );
    }
    const text = await response.text().catch(() => '');
    const answer = parseAnswer(text);
    const user = answer?.user as { tz_offset?: unknown } | undefined;
    const offsetSeconds = user?.tz_offset;
    if (answer?.ok !== true || typeof offsetSeconds !== 'number' || !Number.isFinite(offsetSeconds))
      throw new InfrastructureError(
        `Slack users.info failed: ${typeof answer?.error === 'string' ? answer.error : answer?.ok === true ? 'no tz_offset' : `HTTP ${response.status}`}`,
      );
    const minutes = Math.round(offsetSeconds / 60);
    this.#known.set(userId, { minutes, untilMs: nowMs + SLACK_TIME_ZONE_TTL_MS });
    return minutes;
  }
}

/**
 * `ChatReplies` on Slack with plain `fetch` (no @slack/web-api: ≈ 60 KB less in every Lambda
 * bundle that posts to Slack). `post` calls the Web API's `chat.postMessage`
 * (https://api.slack.com/methods/chat.postMessage) with a JSON body and the bot token as a
 * Bearer header — Slack's documented JSON form for write methods; `respond` POSTs JSON to an
 * interaction's `response_url`. Rate limits (HTTP 429, honouring `Retry-After`, capped), 5xx
 * answers and network failures are retried with exponential backoff; a Slack `ok: false` answer
 * is not (its error code is final). Failures become InfrastructureError naming the method and
 * Slack's error code only — never the token or the message.
 */
import { InfrastructureError } from '../../app/errors.ts';
import type { ChatMessage, ChatReplies } from '../../app/ports/chat-replies.ts';

/** How long one HTTP request may take before it is abandoned, in milliseconds. */
export const SLACK_REQUEST_TIMEOUT_MS = 5_000;
/** First retry delay, doubled each retry, in milliseconds. */
export const SLACK_RETRY_BASE_MS = 200;
/** Longest wait between retries (a larger `Retry-After` is capped to it), in milliseconds. */
export const SLACK_RETRY_MAX_MS = 2_000;

export interface FetchSlackChatRepliesOptions {
  /** Bot token (`xoxb-…`); posting is refused without one. */
  readonly botToken: string | undefined;
  /** Web API base URL, e.g. https://slack.com/api/ (a trailing `/` is added when missing). */
  readonly apiUrl: string;
  /** Retries of a failed Web API call (rate limits included), ≥ 0. Default 2. */
  readonly retries?: number;
  /** Waits between retries (tests pass a recording one); default setTimeout. */
  readonly sleep?: (ms: number) => Promise<void>;
}

const sleepFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Retry-After (seconds, per RFC 9110 §10.2.3) in ms, capped; the backoff when absent or unparsable. */
function retryDelayMs(retryAfter: string | null, attempt: number): number {
  const backoff = Math.min(SLACK_RETRY_BASE_MS * 2 ** attempt, SLACK_RETRY_MAX_MS);
  if (retryAfter === null || !/^\d+$/.test(retryAfter.trim())) return backoff;
  return Math.min(Number(retryAfter.trim()) * 1000, SLACK_RETRY_MAX_MS);
}

export class FetchSlackChatReplies implements ChatReplies {
  readonly #botToken: string | undefined;
  readonly #postUrl: string;
  readonly #retries: number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(options: FetchSlackChatRepliesOptions) {
    const retries = options.retries ?? 2;
    if (!Number.isInteger(retries) || retries < 0)
      throw new InfrastructureError(`invalid Slack retries ${retries}: expected an integer ≥ 0`);
    this.#botToken = options.botToken;
    this.#postUrl = `${options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`}chat.postMessage`;
    this.#retries = retries;
    this.#sleep = options.sleep ?? sleepFor;
  }

  async post(channel: string, message: ChatMessage, options: { readonly threadTs?: string } = {}): Promise<void> {
    if (this.#botToken === undefined)
      throw new InfrastructureError('Slack bot token is not configured: cannot post messages');
    const body = JSON.stringify({
      channel,
      text: message.text,
      ...(message.blocks === undefined ? {} : { blocks: message.blocks }),
      ...(options.threadTs === undefined ? {} : { thread_ts: options.threadTs }),
    });
    let failure = 'unknown error';
    for (let attempt = 0; attempt <= this.#retries; attempt += 1) {
      let response: Response;
      try {
        response = await fetch(this.#postUrl, {
          method: 'POST',
          headers: { authorization: `Bearer ${this.#botToken}`, 'content-type': 'application/json; charset=utf-8' },
          body,
          signal: AbortSignal.timeout(SLACK_REQUEST_TIMEOUT_MS),
        });
      } catch (error) {
        failure = error instanceof Error ? error.name : 'unknown error';
        if (attempt < this.#retries) await this.#sleep(retryDelayMs(null, attempt));
        continue;
      }
      const text = await response.text().catch(() => '');
      if (response.status === 429 || response.status >= 500) {
        failure = response.status === 429 ? 'ratelimited' : `HTTP ${response.status}`;
        if (attempt < this.#retries) await this.#sleep(retryDelayMs(response.headers.get('retry-after'), attempt));
        continue;
      }
      const answer = parseAnswer(text);
      if (answer?.ok === true) return;
      throw new InfrastructureError(
        `Slack chat.postMessage failed: ${typeof answer?.error === 'string' ? answer.error : `HTTP ${response.status}`}`,
      );
    }
    throw new InfrastructureError(`Slack chat.postMessage failed: ${failure}`);
  }

  async respond(
    responseUrl: string,
    message: ChatMessage,
    options: { readonly ephemeral?: boolean; readonly replaceOriginal?: boolean } = {},
  ): Promise<void> {
    const body = {
      text: message.text,
      ...(message.blocks === undefined ? {} : { blocks: message.blocks }),
      response_type: options.ephemeral === true ? 'ephemeral' : 'in_channel',
      ...(options.replaceOriginal === true ? { replace_original: true } : {}),
    };
    let response: Response;
    try {
      response = await fetch(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(SLACK_REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new InfrastructureError(
        `Slack response_url unreachable: ${error instanceof Error ? error.name : 'unknown error'}`,
        { cause: error },
      );
    }
    // Drain the body so the connection can be reused.
    await response.text().catch(() => '');
    if (!response.ok) throw new InfrastructureError(`Slack response_url answered HTTP ${response.status}`);
  }
}

/** A Web API answer's JSON object (`ok`, `error` and the method's own fields, unchecked); undefined when the body is not one. */
export function parseAnswer(text: string): ({ ok?: unknown; error?: unknown } & Record<string, unknown>) | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `ChatReplies` on Slack: posts through the Web API's `chat.postMessage` with @slack/web-api
 * (its `slackApiUrl` option points it at a loopback server in tests), and replies to an
 * interaction's `response_url` with a plain JSON POST (the documented way; the SDK's
 * IncomingWebhook lives in another package and adds nothing here). Slack errors are translated
 * to InfrastructureError at this boundary, naming the method and Slack's error code only.
 */
import { WebClient, LogLevel } from '@slack/web-api';
import { InfrastructureError } from '../../app/errors.ts';
import type { ChatMessage, ChatReplies } from '../../app/ports.ts';

/** How long a response_url POST may take before it is abandoned, in milliseconds. */
export const RESPONSE_URL_TIMEOUT_MS = 5_000;

export interface SlackChatRepliesOptions {
  /** Bot token (`xoxb-…`); posting is refused without one. */
  readonly botToken: string | undefined;
  /** Web API base URL ending in `/`, e.g. https://slack.com/api/. */
  readonly apiUrl: string;
  /** Retries of a failed Web API call (rate limits included). Default 2. */
  readonly retries?: number;
}

export class SlackChatReplies implements ChatReplies {
  readonly #client: WebClient | undefined;

  constructor(options: SlackChatRepliesOptions) {
    this.#client =
      options.botToken === undefined
        ? undefined
        : new WebClient(options.botToken, {
            slackApiUrl: options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`,
            retryConfig: { retries: options.retries ?? 2, factor: 2, minTimeout: 200, maxTimeout: 2_000 },
            logLevel: LogLevel.ERROR,
          });
  }

  async post(channel: string, message: ChatMessage, options: { readonly threadTs?: string } = {}): Promise<void> {
    if (this.#client === undefined) throw new InfrastructureError('Slack bot token is not configured: cannot post messages');
    try {
      await this.#client.chat.postMessage({
        channel,
        text: message.text,
        ...(message.blocks === undefined ? {} : { blocks: message.blocks as never }),
        ...(options.threadTs === undefined ? {} : { thread_ts: options.threadTs }),
      });
    } catch (error) {
      throw new InfrastructureError(`Slack chat.postMessage failed: ${slackErrorCode(error)}`, { cause: error });
    }
  }

  async respond(responseUrl: string, message: ChatMessage, options: { readonly ephemeral?: boolean; readonly replaceOriginal?: boolean } = {}): Promise<void> {
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
        signal: AbortSignal.timeout(RESPONSE_URL_TIMEOUT_MS),
      });
    } catch (error) {
      throw new InfrastructureError(`Slack response_url unreachable: ${error instanceof Error ? error.name : 'unknown error'}`, { cause: error });
    }
    // Drain the body so the connection can be reused.
    await response.text().catch(() => '');
    if (!response.ok) throw new InfrastructureError(`Slack response_url answered HTTP ${response.status}`);
  }
}

function slackErrorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const data = (error as { data?: { error?: unknown } }).data;
    if (typeof data?.error === 'string') return data.error;
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return error instanceof Error ? error.name : 'unknown error';
}

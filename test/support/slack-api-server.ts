/**
 * A loopback HTTP server standing in for Slack: the Web API's `chat.postMessage`
 * (`POST /api/chat.postMessage`, form- or JSON-encoded, answering `{ ok, channel, ts }` as
 * https://api.slack.com/methods/chat.postMessage documents), `users.info` (`GET /api/users.info?user=U`,
 * answering `{ ok, user: { id, tz, tz_offset } }` for the users given a time zone, else
 * `{ ok: false, error: 'user_not_found' }`, as https://api.slack.com/methods/users.info documents)
 * and interaction `response_url`s (`POST /response/{id}`, JSON). Everything posted or asked is
 * recorded for assertions.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedPost {
  readonly channel: string;
  readonly text: string;
  readonly threadTs: string | undefined;
  readonly blocks: unknown;
  readonly authorization: string | undefined;
}

export interface RecordedResponse {
  readonly id: string;
  readonly body: Record<string, unknown>;
}

/** A workspace user's time zone, as users.info reports it. */
export interface SlackUserZone {
  /** IANA name, e.g. 'Europe/Stockholm'. */
  readonly tz: string;
  /** Seconds ahead of UTC now. */
  readonly tzOffsetSeconds: number;
}

export interface SlackApiServer {
  /** Base URL of the stand-in Web API (what `VGAC_SLACK_API_URL` points at), ending in `/api/`. */
  readonly apiUrl: string;
  readonly posts: RecordedPost[];
  readonly responses: RecordedResponse[];
  /** users.info requests: the user asked about and the Authorization header. */
  readonly userLookups: { readonly user: string; readonly authorization: string | undefined }[];
  /** Gives `user` a time zone (users.info answers it from then on). */
  setUserZone(user: string, zone: SlackUserZone): void;
  /** A response_url on this server. */
  responseUrl(id: string): string;
  /** Resolves once at least `count` posts + responses have arrived (rejects after `timeoutMs`). */
  waitForDeliveries(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function fieldsOf(contentType: string, text: string): Record<string, unknown> {
  if (contentType.includes('application/json')) return JSON.parse(text) as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) fields[key] = value;
  return fields;
}

export async function startSlackApiServer(): Promise<SlackApiServer> {
  const posts: RecordedPost[] = [];
  const responses: RecordedResponse[] = [];
  const userLookups: { user: string; authorization: string | undefined }[] = [];
  const zones = new Map<string, SlackUserZone>();
  let messageCounter = 0;
  const server: Server = createServer((request, response) => {
    void (async () => {
      const text = await readBody(request);
      const url = new URL(request.url ?? '/', 'http://localhost');
      const contentType = request.headers['content-type'] ?? '';
      response.setHeader('content-type', 'application/json');
      if (request.method === 'POST' && url.pathname === '/api/chat.postMessage') {
        const fields = fieldsOf(contentType, text);
        const blocks = typeof fields.blocks === 'string' ? (JSON.parse(fields.blocks) as unknown) : fields.blocks;
        const textOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
        posts.push({
          channel: textOf(fields.channel) ?? '',
          text: textOf(fields.text) ?? '',
          threadTs: textOf(fields.thread_ts),
          blocks,
          authorization: request.headers.authorization,
        });
        messageCounter += 1;
        response.end(
          JSON.stringify({
            ok: true,
            channel: fields.channel,
            ts: `1700000000.${String(messageCounter).padStart(6, '0')}`,
          }),
        );
        return;
      }
      if (request.method === 'GET' && url.pathname === '/api/users.info') {
        const user = url.searchParams.get('user') ?? '';
        userLookups.push({ user, authorization: request.headers.authorization });
        const zone = zones.get(user);
        response.end(
          JSON.stringify(
            zone === undefined
              ? { ok: false, error: 'user_not_found' }
              : { ok: true, user: { id: user, tz: zone.tz, tz_offset: zone.tzOffsetSeconds } },
          ),
        );
        return;
      }
      const responseMatch = /^\/response\/([A-Za-z0-9_-]+)$/.exec(url.pathname);
      if (request.method === 'POST' && responseMatch !== null) {
        responses.push({ id: responseMatch[1] as string, body: JSON.parse(text) as Record<string, unknown> });
        response.end('ok');
        return;
      }
      response.statusCode = 404;
      response.end(JSON.stringify({ ok: false, error: 'unknown_method' }));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return {
    apiUrl: `${base}/api/`,
    posts,
    responses,
    userLookups,
    setUserZone: (user, zone) => zones.set(user, zone),
    responseUrl: (id) => `${base}/response/${id}`,
    async waitForDeliveries(count, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (posts.length + responses.length < count) {
        if (Date.now() > deadline)
          throw new Error(`expected ${count} Slack deliveries, got ${posts.length + responses.length}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

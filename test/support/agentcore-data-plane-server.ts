/**
 * A loopback HTTP server speaking the Bedrock AgentCore data plane's InvokeAgentRuntime wire
 * format (https://docs.aws.amazon.com/bedrock-agentcore/latest/APIReference/API_InvokeAgentRuntime.html):
 * `POST /runtimes/{agentRuntimeArn, URL-encoded}/invocations?qualifier=…` with the payload as the
 * body, `Content-Type`, `Accept` and `X-Amzn-Bedrock-AgentCore-Runtime-Session-Id` headers and a
 * SigV4 `Authorization` for the service `bedrock-agentcore`; the agent's reply as the body, with
 * its `Content-Type` (application/json, or text/event-stream) and the session id echoed. Errors
 * are AWS REST-JSON errors (`x-amzn-errortype` header + `{ message }`): 429 ThrottlingException,
 * 500 InternalServerException, 424 RuntimeClientError, 403 AccessDeniedException…
 *
 * By default each request is forwarded to `agent` (a fetch function: e.g. the AgentCore routes of
 * the one HTTP app, as the runtime's server answers `POST /invocations`); scripted replies take
 * precedence, in order. `hang` answers nothing (a runtime past the client's deadline).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface InvocationRecord {
  readonly method: string;
  /** Path and query as sent, e.g. `/runtimes/arn%3Aaws%3A…/invocations?qualifier=DEFAULT`. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export type DataPlaneReply =
  { readonly status: number; readonly body: string; readonly headers?: Readonly<Record<string, string>> } | 'hang';

export interface AgentCoreDataPlaneServer {
  readonly endpoint: string;
  readonly requests: InvocationRecord[];
  /** Replies for the next requests, in order, before falling back to the agent. */
  script(...replies: DataPlaneReply[]): void;
  /** Drops the replies not used yet. */
  clearScript(): void;
  close(): Promise<void>;
}

/** An AWS REST-JSON error reply. */
export function dataPlaneError(status: number, errorType: string, message: string): DataPlaneReply {
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': errorType },
    body: JSON.stringify({ message }),
  };
}

export async function startAgentCoreDataPlaneServer(
  agent: (request: Request) => Response | Promise<Response>,
): Promise<AgentCoreDataPlaneServer> {
  const requests: InvocationRecord[] = [];
  const scripted: DataPlaneReply[] = [];
  const hanging = new Set<() => void>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const record: InvocationRecord = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body,
      };
      requests.push(record);
      const reply = scripted.shift();
      if (reply === 'hang') {
        hanging.add(() => response.destroy());
        return;
      }
      void (async () => {
        if (reply !== undefined) {
          response.writeHead(reply.status, reply.headers ?? {});
          response.end(reply.body);
          return;
        }
        const match = /^\/runtimes\/([^/]+)\/invocations(\?.*)?$/.exec(record.url);
        const sessionId = request.headers['x-amzn-bedrock-agentcore-runtime-session-id'];
        if (request.method !== 'POST' || match === null || typeof sessionId !== 'string') {
          response.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': 'ValidationException' });
          response.end(JSON.stringify({ message: 'not an InvokeAgentRuntime request' }));
          return;
        }
        // What AgentCore does with the payload: POST it to the runtime's /invocations with the session header.
        const answer = await agent(
          new Request('http://127.0.0.1:8080/invocations', {
            method: 'POST',
            headers: {
              'content-type': String(request.headers['content-type'] ?? 'application/json'),
              'x-amzn-bedrock-agentcore-runtime-session-id': sessionId,
            },
            body,
          }),
        );
        const text = await answer.text();
        if (answer.status >= 400) {
          // The agent's own error: AgentCore answers 424 RuntimeClientError carrying the agent's body.
          response.writeHead(424, { 'content-type': 'application/json', 'x-amzn-errortype': 'RuntimeClientError' });
          response.end(JSON.stringify({ message: text }));
          return;
        }
        response.writeHead(200, {
          'content-type': answer.headers.get('content-type') ?? 'application/json',
          'x-amzn-bedrock-agentcore-runtime-session-id': sessionId,
        });
        response.end(text);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    script: (...replies) => void scripted.push(...replies),
    clearScript: () => void scripted.splice(0),
    close: () =>
      new Promise<void>((resolve) => {
        for (const release of hanging) release();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

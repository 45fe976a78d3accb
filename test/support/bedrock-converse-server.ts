/**
 * A loopback HTTP server speaking Bedrock Runtime's Converse wire format
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html):
 * `POST /model/{modelId}/converse` with a JSON body (`messages`, `system`, `inferenceConfig`,
 * `toolConfig`) → `{ output: { message: { role, content } }, stopReason, usage, metrics }`.
 * Errors as AWS JSON protocol errors (`x-amzn-ErrorType` header + `{ message }`), e.g. 429
 * ThrottlingException, 404 ResourceNotFoundException (a model past its end of life), 403
 * AccessDeniedException, 400 ValidationException. Replies come from a script (one per request, in
 * order), then the default; a reply may be held back `delayMs` (to run into a client's deadline).
 * Records every request so tests can count model calls. Speaks HTTP/2 over cleartext (h2c): the
 * Bedrock Runtime client's default handler is HTTP/2, as it is against AWS.
 */
import { createServer, type Http2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';

export interface ConverseRequestRecord {
  readonly modelId: string;
  readonly body: {
    readonly messages: { role: string; content: Record<string, unknown>[] }[];
    readonly system?: { text: string }[];
    readonly inferenceConfig?: { maxTokens?: number; temperature?: number };
    readonly additionalModelRequestFields?: Record<string, unknown>;
    readonly toolConfig?: { tools: { toolSpec: { name: string; inputSchema: { json: unknown } } }[] };
  };
}

export interface ScriptedReply {
  readonly status: number;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Milliseconds to wait before answering. */
  readonly delayMs?: number;
}

export type ReplyScript = ScriptedReply | ((request: ConverseRequestRecord) => ScriptedReply);

export interface BedrockConverseServer {
  readonly endpoint: string;
  readonly requests: ConverseRequestRecord[];
  /** Queues replies for the next requests, in order. */
  script(...replies: ReplyScript[]): void;
  close(): Promise<void>;
}

/** A plain text answer with the given token usage. */
export function textReply(text: string, usage = { inputTokens: 20, outputTokens: 12 }): ScriptedReply {
  return {
    status: 200,
    body: JSON.stringify({
      output: { message: { role: 'assistant', content: [{ text }] } },
      stopReason: 'end_turn',
      usage: { ...usage, totalTokens: usage.inputTokens + usage.outputTokens },
      metrics: { latencyMs: 5 },
    }),
  };
}

/** An assistant turn that asks for one tool. */
export function toolUseReply(
  name: string,
  input: unknown,
  toolUseId = 'tooluse-1',
  usage = { inputTokens: 40, outputTokens: 20 },
): ScriptedReply {
  return {
    status: 200,
    body: JSON.stringify({
      output: {
        message: { role: 'assistant', content: [{ text: 'Let me check.' }, { toolUse: { toolUseId, name, input } }] },
      },
      stopReason: 'tool_use',
      usage: { ...usage, totalTokens: usage.inputTokens + usage.outputTokens },
      metrics: { latencyMs: 5 },
    }),
  };
}

/** An AWS JSON protocol error reply: the `x-amzn-errortype` header and `{ message }`. */
export function errorReply(status: number, errorType: string, message: string): ScriptedReply {
  return {
    status,
    headers: { 'x-amzn-errortype': `${errorType}:http://internal.amazon.com/coral/com.amazon.bedrock/` },
    body: JSON.stringify({ message }),
  };
}

export const THROTTLING_REPLY: ScriptedReply = errorReply(
  429,
  'ThrottlingException',
  'Too many requests, please wait before trying again.',
);

/** What Bedrock answers for a model past its end of life. */
export const END_OF_LIFE_REPLY: ScriptedReply = errorReply(
  404,
  'ResourceNotFoundException',
  'This model version has reached the end of its life. Please refer to the AWS documentation for more details.',
);

export const ACCESS_DENIED_REPLY: ScriptedReply = errorReply(
  403,
  'AccessDeniedException',
  "You don't have access to the model with the specified model ID.",
);

export async function startBedrockConverseServer(
  defaultReply: ReplyScript = textReply('The queue is busy; expect a moderate wait.'),
): Promise<BedrockConverseServer> {
  const requests: ConverseRequestRecord[] = [];
  const queue: ReplyScript[] = [];
  const server: Http2Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const match = /^\/model\/([^/]+)\/converse$/.exec(incoming.url ?? '');
      if (incoming.method !== 'POST' || match === null) {
        outgoing.writeHead(404, {
          'content-type': 'application/json',
          'x-amzn-errortype': 'UnknownOperationException',
        });
        outgoing.end(JSON.stringify({ message: `no route ${incoming.method ?? '?'} ${incoming.url ?? '?'}` }));
        return;
      }
      const record: ConverseRequestRecord = {
        modelId: decodeURIComponent(match[1] ?? ''),
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as ConverseRequestRecord['body'],
      };
      requests.push(record);
      const next = queue.shift() ?? defaultReply;
      const reply = typeof next === 'function' ? next(record) : next;
      const send = () => {
        if (outgoing.destroyed || outgoing.closed) return;
        outgoing.writeHead(reply.status, {
          'content-type': 'application/json',
          'x-amzn-requestid': `req-${requests.length}`,
          ...reply.headers,
        });
        outgoing.end(reply.body);
      };
      if (reply.delayMs === undefined) send();
      else setTimeout(send, reply.delayMs).unref();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    script(...replies) {
      queue.push(...replies);
    },
    close: () =>
      new Promise<void>((resolve, reject) =>
        server.close((error) => (error === undefined ? resolve() : reject(error))),
      ),
  };
}

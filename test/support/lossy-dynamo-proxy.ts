/**
 * A loopback HTTP proxy in front of dynalite that can lose a response: for a chosen DynamoDB
 * operation (from the `X-Amz-Target` header) and request body, it forwards the request, lets
 * dynalite apply it, then destroys the client's connection instead of relaying the answer. The
 * SDK sees a reset socket (`ECONNRESET`, a transient error), and retries the identical request —
 * exactly the "applied, but the response was lost" case conditional writes must survive.
 * It can also refuse requests: reset the connection without forwarding (never applied), for as
 * many matching requests as asked — enough to outlast the SDK's retries and fail the call.
 */
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { assertLoopbackEndpoints } from './embedded-aws.ts';

export interface LossRule {
  /** DynamoDB operation name, e.g. `UpdateItem`, `PutItem`. */
  readonly operation: string;
  /** Only requests whose JSON body contains this text (e.g. a sort key); any request when absent. */
  readonly bodyIncludes?: string;
}

/** A request whose response was dropped. */
export interface LostResponse {
  readonly operation: string;
  /** dynalite's status for the applied request (200 when it succeeded). */
  readonly statusCode: number;
}

export interface LossyDynamoProxy {
  /** `http://127.0.0.1:{port}`: point a DynamoDB client here. */
  readonly endpoint: string;
  /** Drops the response of the next request matching `rule` (once per call). */
  loseNextResponse(rule: LossRule): void;
  /** Resets the connection of the next `times` requests matching `rule` without forwarding them. */
  refuseNext(rule: LossRule, times: number): void;
  /** Requests refused so far (operation names, in order). */
  readonly refused: readonly string[];
  /** Responses dropped so far, in order. */
  readonly lost: readonly LostResponse[];
  /** Operation names of every request received, in order (retries included). */
  readonly received: readonly string[];
  close(): Promise<void>;
}

async function readBody(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Starts the proxy on a free loopback port, forwarding to `targetEndpoint` (which must be loopback too). */
export async function startLossyDynamoProxy(targetEndpoint: string): Promise<LossyDynamoProxy> {
  assertLoopbackEndpoints(targetEndpoint);
  const target = new URL(targetEndpoint);
  const rules: LossRule[] = [];
  const lost: LostResponse[] = [];
  const received: string[] = [];
  const refusals: { rule: LossRule; left: number }[] = [];
  const refused: string[] = [];
  const matches = (rule: LossRule, operation: string, text: string): boolean =>
    rule.operation === operation && (rule.bodyIncludes === undefined || text.includes(rule.bodyIncludes));

  const server = createServer((clientRequest, clientResponse) => {
    void (async () => {
      const body = await readBody(clientRequest);
      const operation =
        String(clientRequest.headers['x-amz-target'] ?? '')
          .split('.')
          .pop() ?? '';
      received.push(operation);
      const text = body.toString('utf8');
      const refusal = refusals.find((entry) => entry.left > 0 && matches(entry.rule, operation, text));
      if (refusal !== undefined) {
        refusal.left -= 1;
        refused.push(operation);
        clientRequest.socket.destroy();
        return;
      }
      const ruleIndex = rules.findIndex(
        (rule) => rule.operation === operation && (rule.bodyIncludes === undefined || text.includes(rule.bodyIncludes)),
      );
      // Taken now, so a retry arriving while this request is still upstream is relayed.
      const loseThis = ruleIndex >= 0;
      if (loseThis) rules.splice(ruleIndex, 1);
      const upstream = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: clientRequest.method,
          path: clientRequest.url,
          headers: clientRequest.headers,
        },
        (upstreamResponse) => {
          void readBody(upstreamResponse).then((answer) => {
            if (loseThis) {
              lost.push({ operation, statusCode: upstreamResponse.statusCode ?? 0 });
              // The request is applied; the client never hears about it.
              clientRequest.socket.destroy();
              return;
            }
            clientResponse.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
            clientResponse.end(answer);
          });
        },
      );
      upstream.on('error', () => clientRequest.socket.destroy());
      upstream.end(body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    loseNextResponse(rule: LossRule): void {
      rules.push(rule);
    },
    refuseNext(rule: LossRule, times: number): void {
      refusals.push({ rule, left: times });
    },
    refused,
    lost,
    received,
    async close(): Promise<void> {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error === undefined ? resolve() : reject(error))),
      );
    },
  };
}

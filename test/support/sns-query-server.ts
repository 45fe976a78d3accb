/**
 * A loopback server speaking the part of Amazon SNS's Query API the product uses: `POST /` with
 * a form-encoded body `Action=Publish&TopicArn=…&Subject=…&Message=…` (plus
 * `MessageAttributes.entry.N.*`), answered with SNS's documented XML
 * (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html). Every publish is recorded for
 * assertions. Any other action gets SNS's XML error response with status 400.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PublishedMessage {
  readonly topicArn: string;
  readonly subject: string | undefined;
  readonly message: string;
  /** Message attributes by name (string values only). */
  readonly attributes: Readonly<Record<string, string>>;
  readonly messageId: string;
}

export interface SnsQueryServer {
  readonly endpoint: string;
  readonly published: PublishedMessage[];
  /** The next `count` publishes fail with 500 InternalError (to test failure paths). */
  failNext(count: number): void;
  stop(): Promise<void>;
}

function attributesOf(form: URLSearchParams): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (let index = 1; form.has(`MessageAttributes.entry.${index}.Name`); index += 1) {
    const name = form.get(`MessageAttributes.entry.${index}.Name`) as string;
    attributes[name] = form.get(`MessageAttributes.entry.${index}.Value.StringValue`) ?? '';
  }
  return attributes;
}

function errorXml(code: string, message: string): string {
  return `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
}

export async function startSnsQueryServer(): Promise<SnsQueryServer> {
  const published: PublishedMessage[] = [];
  let failures = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      response.setHeader('content-type', 'text/xml');
      if (request.method !== 'POST' || form.get('Action') !== 'Publish') {
        response.statusCode = 400;
        response.end(errorXml('InvalidAction', `unsupported action ${form.get('Action') ?? '(none)'}`));
        return;
      }
      if (failures > 0) {
        failures -= 1;
        response.statusCode = 500;
        response.end(errorXml('InternalError', 'injected failure'));
        return;
      }
      const messageId = randomUUID();
      published.push({
        topicArn: form.get('TopicArn') ?? '',
        subject: form.get('Subject') ?? undefined,
        message: form.get('Message') ?? '',
        attributes: attributesOf(form),
        messageId,
      });
      response.end(
        `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    published,
    failNext(count) {
      failures = count;
    },
    stop: () =>
      new Promise<void>((resolve, reject) =>
        server.close((error) => (error === undefined ? resolve() : reject(error))),
      ),
  };
}

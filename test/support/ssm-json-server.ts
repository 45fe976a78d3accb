/**
 * A loopback server speaking SSM Parameter Store's JSON protocol for `GetParameter`
 * (`POST /`, `X-Amz-Target: AmazonSSM.GetParameter`, body `{"Name", "WithDecryption"}`,
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html).
 * Unknown names get SSM's `ParameterNotFound` error (400). Every request is recorded.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SsmJsonServer {
  readonly endpoint: string;
  readonly requests: { readonly name: string; readonly withDecryption: boolean }[];
  stop(): Promise<void>;
}

export async function startSsmJsonServer(parameters: Readonly<Record<string, string>>): Promise<SsmJsonServer> {
  const requests: { name: string; withDecryption: boolean }[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      response.setHeader('content-type', 'application/x-amz-json-1.1');
      const target = request.headers['x-amz-target'];
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as {
        Name?: string;
        WithDecryption?: boolean;
      };
      if (target !== 'AmazonSSM.GetParameter' || typeof body.Name !== 'string') {
        response.statusCode = 400;
        response.end(JSON.stringify({ __type: 'InvalidAction', message: `unsupported target ${String(target)}` }));
        return;
      }
      requests.push({ name: body.Name, withDecryption: body.WithDecryption === true });
      const value = parameters[body.Name];
      if (value === undefined) {
        response.statusCode = 400;
        response.end(JSON.stringify({ __type: 'ParameterNotFound', message: 'Parameter not found.' }));
        return;
      }
      response.end(
        JSON.stringify({
          Parameter: {
            Name: body.Name,
            Type: 'SecureString',
            Value: value,
            Version: 1,
            LastModifiedDate: 1_767_225_600,
            ARN: `arn:aws:ssm:us-east-1:123456789012:parameter${body.Name}`,
            DataType: 'text',
          },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve, reject) =>
        server.close((error) => (error === undefined ? resolve() : reject(error))),
      ),
  };
}

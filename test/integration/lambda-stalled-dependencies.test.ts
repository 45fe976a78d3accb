/**
 * The Lambda runtime's lazily built clients are bounded like its DynamoDB client: against a
 * loopback server that accepts connections and never answers (a stalled S3, a stalled SSM),
 * - a bundle read fails with DependencyUnavailableError naming `s3` after the configured
 *   attempts, instead of holding the invocation until the function's own timeout;
 * - after the configured failures in a row S3's breaker is open: `/health`'s view (the runtime's
 *   `health.failing()`) names `s3`, and the next read fails at once without reaching the server;
 * - a secret read from SSM fails too, instead of hanging.
 * DynamoDB is never called here; its endpoint is a closed port.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DependencyUnavailableError } from '../../src/app/errors.ts';
import { loadConfig } from '../../src/entry/config.ts';
import { createLambdaRuntime, type LambdaRuntime } from '../../src/entry/lambda/lambda-runtime.ts';
import { lazySsmSecrets } from '../../src/entry/lambda/lazy-ssm-secrets.ts';

/** Accepts every connection and reads what it is sent, but never writes a byte back. */
class SilentServer {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  connections = 0;

  constructor() {
    this.#server = createServer((socket) => {
      this.connections += 1;
      this.#sockets.add(socket);
      socket.on('data', () => undefined);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return `http://127.0.0.1:${address.port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

const silent = new SilentServer();
let runtime: LambdaRuntime | undefined;

beforeAll(async () => {
  const endpoint = await silent.start();
  runtime = await createLambdaRuntime(
    loadConfig({
      VGAC_MODE: 'aws',
      AWS_REGION: 'us-east-1',
      VGAC_TABLE: 'vgac-stall',
      VGAC_BUCKET: 'vgac-stall',
      VGAC_DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
      VGAC_S3_ENDPOINT: endpoint,
      VGAC_SSM_ENDPOINT: endpoint,
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_METRICS_DISABLED: 'true',
      VGAC_LOG_LEVEL: 'silent',
      VGAC_API_AUTH: 'off',
      VGAC_AWS_TIMEOUT_MS: '300',
      VGAC_AWS_MAX_ATTEMPTS: '2',
      VGAC_BREAKER_FAILURES: '2',
      VGAC_BREAKER_HALF_OPEN_MS: '60000',
    }),
  );
});

function started(): LambdaRuntime {
  if (runtime === undefined) throw new Error('the runtime did not start');
  return runtime;
}

afterAll(async () => {
  await runtime?.close();
  await silent.stop();
});

describe('a Lambda runtime against a stalled S3 and SSM', () => {
  it('fails S3 calls as s3 unavailable after its attempts, then opens the breaker and reports s3 degraded', async () => {
    expect(await started().health.failing()).toEqual([]);
    for (let call = 0; call < 2; call += 1) {
      const error = await started()
        .learning.bundles.getBundle('c1', 1)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DependencyUnavailableError);
      expect((error as DependencyUnavailableError).dependency).toBe('s3');
    }
    expect(await started().health.failing()).toEqual(['s3']);
    // Open: refused at once, without another connection to the silent server.
    const before = silent.connections;
    const refused = await started()
      .learning.bundles.getBundle('c1', 1)
      .catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(DependencyUnavailableError);
    expect(silent.connections).toBe(before);
  });

  it('fails an SSM secret read instead of waiting for an answer', async () => {
    const secrets = lazySsmSecrets({
      region: started().config.region,
      endpoint: started().config.lambda.ssmEndpoint,
      tracer: started().tracer,
      callPolicy: started().config.callPolicy,
    });
    const before = silent.connections;
    await expect(secrets.get('/vgac/stalled')).rejects.toThrow();
    // Each of the policy's attempts opened a connection, and gave up on it.
    expect(silent.connections - before).toBe(started().config.callPolicy.maxAttempts);
  });
});

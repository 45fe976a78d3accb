/**
 * A loopback VGAC platform API speaking the SPEC contract's `POST /api/predict/wait`: P(long wait)
 * 0.8 and a 5-minute estimate for every job, or HTTP 503 while `down`. Records each request's
 * path, body and `x-api-key` header.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PlatformRequest {
  readonly path: string;
  readonly body: Record<string, unknown>;
  readonly apiKey: string | undefined;
}

export interface VgacPlatformServer {
  readonly url: string;
  readonly requests: PlatformRequest[];
  down: boolean;
  close(): Promise<void>;
}

/** What the platform answers while up. */
export const PLATFORM_PROBABILITY = 0.8;

export async function startVgacPlatformServer(): Promise<VgacPlatformServer> {
  const requests: PlatformRequest[] = [];
  const platform = { down: false } as { down: boolean };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const apiKey = request.headers['x-api-key'];
      requests.push({
        path: request.url ?? '',
        body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>,
        apiKey: typeof apiKey === 'string' ? apiKey : undefined,
      });
      response.writeHead(platform.down ? 503 : 200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify(
          platform.down
            ? { error: 'maintenance' }
            : {
                probability_long_wait: PLATFORM_PROBABILITY,
                estimated_wait_seconds: 300,
                wait_category: 'long',
                is_calibrated: false,
              },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(platform, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthError, SourceUnavailableError } from '../../app/errors.ts';
import { seededRandom } from '../../core/random.ts';
import { VgacPlatformClient } from './vgac-platform-client.ts';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly apiKey: string | undefined;
  readonly body: unknown;
}

type Handler = (request: Seen, response: ServerResponse) => void;

const servers: Server[] = [];

async function loopback(handler: Handler): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const entry = {
        method: request.method ?? '',
        url: request.url ?? '',
        apiKey: request.headers['x-api-key'] as string | undefined,
        body: text === '' ? undefined : (JSON.parse(text) as unknown),
      };
      seen.push(entry);
      handler(entry, response);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

const PREDICTION = {
  probability_long_wait: 0.73,
  estimated_wait_seconds: 1500,
  wait_category: 'long',
  confidence: 0.9,
  is_calibrated: true,
  recommendation: 'wait',
  latency_us: 120,
};

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(resolve);
        }),
    ),
  );
});

describe('VgacPlatformClient', () => {
  it('predictWait_sendsSnakeCaseJobAndKey_andParsesThePrediction', async () => {
    const { url, seen } = await loopback((_request, response) => json(response, 200, PREDICTION));
    const client = new VgacPlatformClient({ baseUrl: url, apiKey: 'k'.repeat(20) });

    const prediction = await client.predictWait(
      { gpus: 4, cpuMillicores: 8000, estimatedDurationMinutes: 90, gpuType: 'a100' },
      { clusterId: 'slurm-hpc', jobId: 'j1' },
    );

    expect(seen).toEqual([
      {
        method: 'POST',
        url: '/api/predict/wait',
        apiKey: 'k'.repeat(20),
        body: {
          gpus: 4,
          cpu: 8000,
          estimated_duration_minutes: 90,
          gpu_type: 'a100',
          cluster_id: 'slurm-hpc',
          job_id: 'j1',
        },
      },
    ]);
    expect(prediction).toEqual({
      probabilityLongWait: 0.73,
      estimatedWaitSeconds: 1500,
      waitCategory: 'long',
      confidence: 0.9,
      isCalibrated: true,
      recommendation: 'wait',
      latencyUs: 120,
    });
  });

  it('call_retriesTransientFailuresWithSeededJitter_thenSucceeds', async () => {
    let calls = 0;
    const { url } = await loopback((_request, response) => {
      calls += 1;
      if (calls <= 2) json(response, 503, { error: 'busy' });
      else json(response, 200, { pending: 3 });
    });
    const sleeps: number[] = [];
    const client = new VgacPlatformClient({
      baseUrl: url,
      retries: 2,
      retryBaseDelayMs: 100,
      random: seededRandom(7),
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    });
    const reference = seededRandom(7);
    // Equal jitter: attempt k waits base·2^(k−1)/2 + u·base·2^(k−1)/2.
    const expectedSleeps = [50 + reference() * 50, 100 + reference() * 100];

    const summary = await client.clusterSummary('slurm-hpc');

    expect(summary).toEqual({ pending: 3 });
    expect(calls).toBe(3);
    expect(sleeps).toEqual(expectedSleeps);
  });

  it('call_platformDown_isSourceUnavailable_andTheBreakerOpensThenHalfOpensThenCloses', async () => {
    let healthy = false;
    const { url, seen } = await loopback((_request, response) =>
      healthy ? json(response, 200, PREDICTION) : json(response, 500, { error: 'down' }),
    );
    let nowMs = 1_000_000;
    const client = new VgacPlatformClient({
      baseUrl: url,
      retries: 1,
      sleep: () => Promise.resolve(),
      clock: () => nowMs,
      breaker: { failureThreshold: 2, openMs: 10_000 },
    });

    const first = await client.predictWait({ gpus: 1 }).catch((error: unknown) => error);
    const second = await client.predictWait({ gpus: 1 }).catch((error: unknown) => error);
    const requestsWhenOpened = seen.length;
    const stateAfterTwoFailures = client.breakerState();
    const refused = await client.predictWait({ gpus: 1 }).catch((error: unknown) => error);
    const requestsWhileOpen = seen.length;
    nowMs += 10_000;
    const stateAfterOpenMs = client.breakerState();
    healthy = true;
    const trial = await client.predictWait({ gpus: 1 });

    expect(first).toBeInstanceOf(SourceUnavailableError);
    expect((first as Error).message).toBe(
      `VGAC platform at ${url} answered /api/predict/wait with HTTP 500 (2 attempts)`,
    );
    expect(second).toBeInstanceOf(SourceUnavailableError);
    expect(requestsWhenOpened).toBe(4);
    expect(stateAfterTwoFailures).toBe('open');
    expect(refused).toBeInstanceOf(SourceUnavailableError);
    expect((refused as Error).message).toMatch(/circuit open until 1970-01-01T00:16:50\.000Z/);
    expect(requestsWhileOpen).toBe(4);
    expect(stateAfterOpenMs).toBe('half_open');
    expect(trial.probabilityLongWait).toBe(0.73);
    expect(client.breakerState()).toBe('closed');
  });

  it('call_noAnswerWithinTimeout_isSourceUnavailableNamingTheTimeout', async () => {
    const { url } = await loopback(() => undefined);
    const client = new VgacPlatformClient({ baseUrl: url, timeoutMs: 150, retries: 0 });

    const error = await client.calibration().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SourceUnavailableError);
    expect((error as Error).message).toBe(
      `VGAC platform at ${url} did not answer /api/jobs/predict/calibration within 150 ms (1 attempts)`,
    );
  });

  it('call_unreachable_isSourceUnavailable', async () => {
    const { url } = await loopback(() => undefined);
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
    const client = new VgacPlatformClient({ baseUrl: url, retries: 0 });

    const error = await client.jobsQueue().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SourceUnavailableError);
    expect((error as Error).message).toBe(`VGAC platform at ${url} is unreachable (1 attempts)`);
  });

  it('call_rejectedKey_isAuthErrorWithoutRetry', async () => {
    const { url, seen } = await loopback((_request, response) => json(response, 401, { error: 'no' }));
    const client = new VgacPlatformClient({
      baseUrl: url,
      apiKey: 's'.repeat(20),
      retries: 3,
      sleep: () => Promise.resolve(),
    });

    const error = await client.predictBatch([{ gpus: 1 }, { gpus: 2 }]).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).not.toContain('s'.repeat(20));
    expect(seen).toHaveLength(1);
    expect(seen[0]?.body).toEqual({ jobs: [{ gpus: 1 }, { gpus: 2 }] });
  });
});

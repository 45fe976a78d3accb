/**
 * `POST /api/clusters/{id}/events` through the real HTTP server on dynalite/s3rver, fed by the
 * agent's real spool and HTTP publisher: a submit becomes a stored prediction, a start its outcome,
 * a departure after the threshold a long wait; a push whose acknowledgement was lost (the agent
 * crashed between push and acknowledge) is replayed from the spool and deduplicated by the API;
 * client mistakes are 4xx naming the field.
 */
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return --
   response bodies are untyped JSON read with `Json`; every access is an assertion on its shape. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/app/http/app.ts';
import { createPushAgent } from '../../src/app/collection/push-agent.ts';
import { registerCluster } from '../../src/app/learning/register-cluster.ts';
import type { ClusterObserver } from '../../src/app/ports/cluster-observer.ts';
import { queueEventId, type QueueEvent } from '../../src/app/records/queue-event.ts';
import { FileEventSpool } from '../../src/adapters/spool/file-event-spool.ts';
import { HttpQueueEventPublisher } from '../../src/adapters/vgac-api/http-queue-event-publisher.ts';
import { startHttpServer, type HttpServer } from '../../src/entry/local/http-server.ts';
import { startHttpStack, type HttpStack } from '../support/http-stack.ts';
import { smallPrior, SMALL_PRIOR_THRESHOLD_SECONDS } from '../support/slurm/small-prior.ts';

const API_KEY = 'agent-events-key-0123456789';
const CLUSTER = 'pushed';
const T0_MS = Date.UTC(2025, 0, 1, 10, 0, 0);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let stack: HttpStack;
let server: HttpServer;
let spoolDir = '';

const noObserver: ClusterObserver = {
  observe: () => Promise.reject(new Error('not used: these tests push spooled events')),
};

function submit(jobId: string, atMs: number): Extract<QueueEvent, { kind: 'submit' }> {
  return {
    id: queueEventId(jobId, 'submit', atMs),
    kind: 'submit',
    jobId,
    atMs,
    observedAtMs: atMs + 400,
    features: { pendingGpusAhead: 2, gpusInUse: 3, requestedGpus: 2 },
  };
}

function started(jobId: string, submittedAtMs: number, atMs: number): QueueEvent {
  return {
    id: queueEventId(jobId, 'start', atMs),
    kind: 'start',
    jobId,
    atMs,
    submittedAtMs,
    observedAtMs: atMs + 400,
  };
}

async function post(
  body: unknown,
  options: { readonly cluster?: string; readonly key?: string | null; readonly raw?: string } = {},
): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.key !== null) headers['x-api-key'] = options.key ?? API_KEY;
  const response = await fetch(`${server.url}/api/clusters/${options.cluster ?? CLUSTER}/events`, {
    method: 'POST',
    headers,
    body: options.raw ?? JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

beforeAll(async () => {
  stack = await startHttpStack();
  await registerCluster(stack.learning, { clusterId: CLUSTER, prior: smallPrior(), platform: 'slurm', nowMs: T0_MS });
  server = await startHttpServer(createHttpApp(stack.deps({ apiKey: API_KEY })), {
    host: '127.0.0.1',
    port: 0,
    acceptedHosts: 'any',
  });
  spoolDir = await mkdtemp(join(tmpdir(), 'vgac-agent-events-'));
}, 60_000);

afterAll(async () => {
  await server?.close();
  await stack?.stop();
  if (spoolDir !== '') await rm(spoolDir, { recursive: true, force: true });
});

describe('the agent pushing to POST /api/clusters/{id}/events', () => {
  it('push_crashBetweenPushAndAcknowledge_isReplayedFromTheSpool_andCountedOnce', async () => {
    const publisher = new HttpQueueEventPublisher({ baseUrl: server.url, apiKey: API_KEY });
    const events = [
      submit('9001', T0_MS),
      submit('9002', T0_MS + 1000),
      started('9001', T0_MS, T0_MS + 3000),
      started('9002', T0_MS + 1000, T0_MS + 9000),
    ];
    const firstRun = await FileEventSpool.open(spoolDir);
    await firstRun.append(events);
    const outcomesBefore = (await stack.learning.calibration.current(CLUSTER))?.outcomes ?? 0;

    // The API applies the batch, then the agent dies before it acknowledges anything.
    const delivered = await publisher.publish(CLUSTER, firstRun.pending(10));
    const restarted = await FileEventSpool.open(spoolDir);
    const replayedCount = restarted.size();
    const agent = createPushAgent(
      { observer: noObserver, spool: restarted, publisher, logger: stack.logger },
      { clusterId: CLUSTER, startedAtMs: T0_MS },
    );
    const replay = await agent.push();
    const emptied = await FileEventSpool.open(spoolDir);

    expect(delivered).toEqual({ status: 'acknowledged', acknowledgedIds: events.map((event) => event.id) });
    expect(replayedCount).toBe(4);
    expect(replay).toEqual({ status: 'delivered', acknowledged: 4, quarantined: 0, pending: 0 });
    expect(emptied.size()).toBe(0);
    const ingests = stack.logger.lines.filter(
      (line) => line.event === 'ingest.events' && line.fields.clusterId === CLUSTER,
    );
    expect(
      ingests.map((line) => ({
        predicted: line.fields.predicted,
        recorded: line.fields.recorded,
        already: line.fields.already_predicted,
        duplicate: line.fields.duplicate,
      })),
    ).toEqual([
      { predicted: 2, recorded: 2, already: undefined, duplicate: undefined },
      { predicted: undefined, recorded: undefined, already: 2, duplicate: 2 },
    ]);
    const predictions = await stack.learning.predictions.recent(CLUSTER, { limit: 50 });
    expect(predictions.filter((entry) => entry.jobId === '9001' || entry.jobId === '9002')).toHaveLength(2);
    const waits = Object.fromEntries(predictions.map((entry) => [entry.jobId, entry.outcome?.waitSeconds]));
    // start − submit: 3000 ms and 8000 ms.
    expect(waits).toMatchObject({ 9001: 3, 9002: 8 });
    expect((await stack.learning.calibration.current(CLUSTER))?.outcomes).toBe(outcomesBefore + 2);
    expect(predictions.find((entry) => entry.jobId === '9001')?.features).toEqual({
      pendingGpusAhead: 2,
      gpusInUse: 3,
      requestedGpus: 2,
    });
  });

  it('events_departures_censorBelowTheThreshold_andRecordALongWaitAboveIt', async () => {
    const shortLeft = T0_MS + 20_000;
    const longLeft = T0_MS + 21_000;

    const { status, body } = await post({
      events: [
        {
          id: `9101:submit:${shortLeft}`,
          type: 'submit',
          job_id: '9101',
          at_ms: shortLeft,
          observed_at_ms: shortLeft,
          features: { gpusInUse: 4 },
        },
        {
          id: `9102:submit:${longLeft}`,
          type: 'submit',
          job_id: '9102',
          at_ms: longLeft,
          observed_at_ms: longLeft,
          features: { gpusInUse: 4 },
        },
        // Waited 2 s, then cancelled: shorter than the 5 s threshold, so its label is unknown.
        {
          id: `9101:leave:${shortLeft + 2000}`,
          type: 'leave',
          job_id: '9101',
          at_ms: shortLeft + 2000,
          observed_at_ms: shortLeft + 2500,
          submitted_at_ms: shortLeft,
        },
        // Waited past the threshold before leaving: certainly a long wait.
        {
          id: `9102:leave:${longLeft + (SMALL_PRIOR_THRESHOLD_SECONDS + 1) * 1000}`,
          type: 'leave',
          job_id: '9102',
          at_ms: longLeft + (SMALL_PRIOR_THRESHOLD_SECONDS + 1) * 1000,
          observed_at_ms: longLeft + 7000,
          submitted_at_ms: longLeft,
        },
        // A start of a job queued before the agent began: nobody predicted it.
        {
          id: `8000:start:${T0_MS}`,
          type: 'start',
          job_id: '8000',
          at_ms: T0_MS,
          observed_at_ms: T0_MS,
          submitted_at_ms: T0_MS - 60_000,
        },
      ],
    });

    expect(status).toBe(200);
    expect(body.acknowledged.map((entry: Json) => entry.status)).toEqual([
      'predicted',
      'predicted',
      'censored',
      'recorded_long_wait',
      'unpredicted',
    ]);
    const byJob = new Map(
      (await stack.learning.predictions.recent(CLUSTER, { limit: 50 })).map((entry) => [entry.jobId, entry]),
    );
    expect(byJob.get('9101')?.outcome).toBeUndefined();
    expect(byJob.get('9102')?.outcome).toMatchObject({
      waitSeconds: SMALL_PRIOR_THRESHOLD_SECONDS + 1,
      longWait: true,
    });
    expect(byJob.has('8000')).toBe(false);
  });

  it('events_clientMistakes_are4xxNamingTheField', async () => {
    const good = {
      id: `9201:submit:${T0_MS}`,
      type: 'submit',
      job_id: '9201',
      at_ms: T0_MS,
      observed_at_ms: T0_MS,
      features: { gpusInUse: 1 },
    };

    const wrongId = await post({ events: [{ ...good, id: '9201:submit:1' }] });
    const missing = await post({
      events: [{ id: `9201:start:${T0_MS}`, type: 'start', job_id: '9201', at_ms: T0_MS, observed_at_ms: T0_MS }],
    });
    const badType = await post({ events: [{ ...good, type: 'finish' }] });
    const extra = await post({ events: [good], cursor: 3 });
    const empty = await post({ events: [] });
    const badFeature = await post({ events: [{ ...good, features: { gpusInUse: 'four' } }] });
    const notJson = await post(undefined, { raw: '{"events":' });
    const unknownCluster = await post({ events: [good] }, { cluster: 'nowhere' });
    const noKey = await post({ events: [good] }, { key: null });

    expect(wrongId.status).toBe(400);
    expect(wrongId.body.error.issues[0].path).toBe('body.events.0.id');
    expect(wrongId.body.error.message).toContain(`9201:submit:${T0_MS}`);
    expect(missing.status).toBe(400);
    expect(missing.body.error.issues.map((issue: Json) => issue.path)).toContain('body.events.0.submitted_at_ms');
    expect(badType.status).toBe(400);
    expect(badType.body.error.issues[0].path).toBe('body.events.0.type');
    expect(extra.status).toBe(400);
    expect(extra.body.error.message).toContain('cursor');
    expect(empty.status).toBe(400);
    expect(empty.body.error.issues[0].path).toBe('body.events');
    expect(badFeature.status).toBe(400);
    expect(badFeature.body.error.issues[0].path).toBe('body.events.0.features.gpusInUse');
    expect(notJson.status).toBe(400);
    expect(unknownCluster.status).toBe(404);
    expect(unknownCluster.body.error.code).toBe('UNKNOWN_CLUSTER');
    expect(noKey.status).toBe(401);
    expect(await stack.learning.predictions.find(CLUSTER, '9201')).toBeUndefined();
  });

  it('publisher_answersTranslated_rejectedBatchIsQuarantined_unknownClusterStaysPending', async () => {
    const publisher = new HttpQueueEventPublisher({ baseUrl: server.url, apiKey: API_KEY });
    const wrongKey = new HttpQueueEventPublisher({ baseUrl: server.url, apiKey: 'not-the-key-0123456789' });
    const dir = await mkdtemp(join(tmpdir(), 'vgac-agent-reject-'));
    try {
      const spool = await FileEventSpool.open(dir);
      // Passes the agent's own check, but this API refuses more than 64 features.
      const tooMany = Object.fromEntries(Array.from({ length: 65 }, (_, index) => [`feature${index}`, index]));
      await spool.append([{ ...submit('9301', T0_MS), features: tooMany }]);
      const agent = createPushAgent(
        { observer: noObserver, spool, publisher, logger: stack.logger },
        { clusterId: CLUSTER, startedAtMs: T0_MS },
      );

      const quarantined = await agent.push();
      await spool.append([submit('9302', T0_MS)]);
      const unknown = await createPushAgent(
        { observer: noObserver, spool, publisher, logger: stack.logger },
        { clusterId: 'not-registered', startedAtMs: T0_MS },
      ).push();
      const refusedKey = await createPushAgent(
        { observer: noObserver, spool, publisher: wrongKey, logger: stack.logger },
        { clusterId: CLUSTER, startedAtMs: T0_MS },
      ).push();

      expect(quarantined).toEqual({ status: 'delivered', acknowledged: 0, quarantined: 1, pending: 0 });
      expect(unknown).toMatchObject({ status: 'unavailable', code: 'UNKNOWN_CLUSTER', pending: 1 });
      expect(refusedKey).toMatchObject({ status: 'unavailable', code: 'AUTH', pending: 1 });
      expect(spool.size()).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

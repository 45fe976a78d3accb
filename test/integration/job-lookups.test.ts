/**
 * The JobLookup adapters against one real Slurm 22.05 (loopback, partitions gpu and debug, 4
 * GPUs): the shared contract (test/support/job-lookup-contract.ts) run against the client
 * commands (SlurmCliJobLookup), slurmrestd v0.0.38 (SlurmrestdJobLookup) and the queue state the
 * push agent sent (its real squeue/scontrol listing → the AWS API composition over HTTP →
 * DynamoDB on dynalite → pushedStateJobLookup) on the same cluster state, and each new adapter
 * end to end through the HTTP app (GET /api/jobs/{id}/forecast) with the real learning loop on
 * dynalite + s3rver.
 */
import { Buffer } from 'node:buffer';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/app/http/app.ts';
import { DEFAULT_BODY_LIMIT_BYTES } from '../../src/app/http/http-deps.ts';
import { createLearningDeps, type LearningDeps } from '../../src/app/learning/learning-deps.ts';
import { registerCluster } from '../../src/app/learning/register-cluster.ts';
import type { JobLookup } from '../../src/app/ports/job-lookup.ts';
import type { SecretSource } from '../../src/app/ports/secret-source.ts';
import type { JobDetails } from '../../src/app/records/job-details.ts';
import type { QueuedJob } from '../../src/app/records/queue.ts';
import { AuthError, SourceUnavailableError } from '../../src/app/errors.ts';
import { SlurmCliJobLookup } from '../../src/adapters/collectors/slurm-cli-job-lookup.ts';
import { SlurmrestdJobLookup } from '../../src/adapters/collectors/slurmrestd-job-lookup.ts';
import { SlurmrestdObserver } from '../../src/adapters/collectors/slurmrestd-observer.ts';
import { ensureTable } from '../../src/adapters/dynamodb/table-definition.ts';
import { ensureBucket, S3BundleStore } from '../../src/adapters/s3/s3-bundle-store.ts';
import { DEFAULT_GATE_CONFIG } from '../../src/core/gating/gate-config.ts';
import { dynamoLearningStores } from '../../src/entry/learning-stores.ts';
import { loadConfig } from '../../src/entry/config.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPushAgent, type PushResult } from '../../src/app/collection/push-agent.ts';
import { MAX_QUEUE_STATE_BYTES } from '../../src/app/collection/queue-state-wire.ts';
import { pushedStateJobLookup } from '../../src/app/jobs/pushed-state-job-lookup.ts';
import { storedStateObserver } from '../../src/app/agents/stored-state-observer.ts';
import { unavailableClusterActions } from '../../src/app/agents/unavailable-cluster-actions.ts';
import { SlurmCliObserver } from '../../src/adapters/collectors/slurm-cli-observer.ts';
import { DynamoPushedQueueStateStore } from '../../src/adapters/dynamodb/dynamo-pushed-queue-state-store.ts';
import { FileEventSpool } from '../../src/adapters/spool/file-event-spool.ts';
import { HttpQueueEventPublisher } from '../../src/adapters/vgac-api/http-queue-event-publisher.ts';
import { HttpQueueStatePublisher } from '../../src/adapters/vgac-api/http-queue-state-publisher.ts';
import { VgacApiSender } from '../../src/adapters/vgac-api/vgac-api-sender.ts';
import { createApiApp } from '../../src/entry/lambda/api-app.ts';
import { startHttpServer, type HttpServer } from '../../src/entry/local/http-server.ts';
import { createRuntime, type Runtime } from '../../src/entry/runtime.ts';
import { liveSlurmRoute } from '../../src/entry/local/slurm-collector.ts';
import { assertLoopbackEndpoints, startTestAws, uniqueName, type TestAws } from '../support/embedded-aws.ts';
import { jobLookupContract, type JobLookupScenario } from '../support/job-lookup-contract.ts';
import { smallPrior } from '../support/slurm/small-prior.ts';
import { startLocalSlurm, waitFor, type LocalSlurm } from '../support/slurm/local-slurm.ts';

const CLUSTER = 'slurm-lookups';
const API_KEY = 'lookup-test-api-key-0123456789';
const GPUS = 4;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** What the scenario submitted, by job id: the request every adapter must read back. */
interface Submitted {
  readonly partition: string;
  readonly gpus: number;
  readonly cpus: number;
  readonly timeLimitSeconds: number;
}

/**
 * squeue's own view of a job (a client no lookup uses): state, priority, submit and start times
 * from its format, the reason's code from `squeue --json` (`%r` prints Slurm's description
 * instead when the scheduler set one).
 */
async function squeueJob(slurm: LocalSlurm, jobId: string, submitted: Submitted): Promise<QueuedJob> {
  const line = (await slurm.run('squeue', ['-h', '-j', jobId, '-o', '%T|%Q|%V|%S|%u'])).trim();
  const [state = '', priority = '', submit = '', start = '', user = ''] = line.split('|');
  const listing = JSON.parse(await slurm.run('squeue', ['--json', '-j', jobId])) as {
    jobs: { job_id: number; state_reason: string }[];
  };
  const reason = listing.jobs.find((job) => String(job.job_id) === jobId)?.state_reason ?? '';
  const running = state === 'RUNNING';
  return {
    jobId,
    user,
    partition: submitted.partition,
    state: running ? 'running' : 'pending',
    // squeue prints the host's local time without a zone, like scontrol; Date.parse reads it in the host's zone.
    submitTimeMs: Date.parse(submit),
    startTimeMs: running ? Date.parse(start) : null,
    requestedGpus: submitted.gpus,
    requestedCpus: submitted.cpus,
    timeLimitSeconds: submitted.timeLimitSeconds,
    priority: Number(priority),
    reason: reason === 'None' ? null : reason,
    endTimeMs: null,
  };
}

/** The JWT as a SecretSource (what SSM gives a Lambda), counting reads. */
function staticSecret(token: () => string): SecretSource & { reads: number } {
  const source = {
    reads: 0,
    get: () => {
      source.reads += 1;
      return Promise.resolve(token());
    },
  };
  return source;
}

describe('JobLookup adapters on a real Slurm', () => {
  let slurm: LocalSlurm;
  let aws: TestAws;
  let learning: LearningDeps;
  let scenario: JobLookupScenario;
  let cli: SlurmCliJobLookup;
  let rest: SlurmrestdJobLookup;
  let runtime: Runtime;
  let api: HttpServer;
  let pushed: JobLookup;
  let pushResult: PushResult;
  let spoolDir = '';
  const ids = { running: '', first: '', second: '', held: '', debug: '' };

  beforeAll(async () => {
    [slurm, aws] = await Promise.all([
      startLocalSlurm({ gpus: GPUS, partitions: ['gpu', 'debug'], minJobAgeSeconds: 600 }),
      startTestAws(),
    ]);
    assertLoopbackEndpoints(slurm.restUrl);
    const submitted = new Map<string, Submitted>();
    const submit = async (request: Submitted, extra: readonly string[]): Promise<string> => {
      const jobId = await slurm.sbatch([
        `--partition=${request.partition}`,
        `--gres=gpu:${request.gpus}`,
        `--cpus-per-task=${request.cpus}`,
        `--time=${request.timeLimitSeconds / 60}`,
        ...extra,
        '--wrap',
        'sleep 600',
      ]);
      submitted.set(jobId, request);
      return jobId;
    };
    ids.running = await submit({ partition: 'gpu', gpus: GPUS, cpus: 1, timeLimitSeconds: 600 }, []);
    await waitFor('the job holding every GPU to run', async () =>
      (await slurm.run('squeue', ['-h', '-j', ids.running, '-o', '%T'])).trim() === 'RUNNING' ? true : undefined,
    );
    ids.first = await submit({ partition: 'gpu', gpus: 2, cpus: 2, timeLimitSeconds: 1_800 }, []);
    ids.second = await submit({ partition: 'gpu', gpus: 1, cpus: 1, timeLimitSeconds: 86_400 }, []);
    ids.held = await submit({ partition: 'gpu', gpus: 1, cpus: 1, timeLimitSeconds: 300 }, ['--hold']);
    ids.debug = await submit({ partition: 'debug', gpus: 1, cpus: 1, timeLimitSeconds: 1_200 }, []);
    // Until the scheduler has looked at them, fresh jobs carry reason None: wait for its verdicts.
    await waitFor('the scheduler to give every pending job a reason', async () => {
      const reasons = (await slurm.run('squeue', ['-h', '-t', 'PENDING', '-o', '%r'])).split('\n').filter(Boolean);
      return reasons.length === 4 && reasons.every((reason) => reason.trim() !== 'None') ? true : undefined;
    });

    // By hand: gpu's pending jobs in priority order are first, second (priority/basic: earlier
    // submissions first), then the held job (priority 0); debug has one.
    const ranks = new Map([
      [ids.first, { position: 1, pendingInPartition: 3 }],
      [ids.second, { position: 2, pendingInPartition: 3 }],
      [ids.held, { position: 3, pendingInPartition: 3 }],
      [ids.debug, { position: 1, pendingInPartition: 1 }],
    ]);
    const jobs = new Map<string, JobDetails>();
    for (const [jobId, request] of submitted) {
      const job = await squeueJob(slurm, jobId, request);
      jobs.set(jobId, { job, account: null, priorityRank: ranks.get(jobId) ?? null });
    }
    // The start-slurm.sh cluster: one node in both partitions, its GPUs in its gres (accounting does not track gres/gpu).
    const partitions = ['gpu', 'debug'].map((name) => ({
      name,
      gpus: GPUS,
      maxTimeSeconds: null,
      up: true,
      allowAccounts: null,
    }));
    scenario = { jobs, partitions, unknownJobId: '987654' };

    cli = new SlurmCliJobLookup({ env: slurm.env, timeoutMs: 5_000 });
    rest = new SlurmrestdJobLookup({
      baseUrl: slurm.restUrl,
      userName: 'root',
      secrets: staticSecret(() => slurm.token),
      jwtSecretName: 'jwt',
      timeoutMs: 5_000,
    });

    const table = uniqueName('lookups');
    const bucket = uniqueName('lookups');
    await ensureTable(aws.clients.dynamo, table);
    await ensureBucket(aws.clients.s3, bucket);
    learning = createLearningDeps({
      ...dynamoLearningStores(aws.clients.dynamo, table),
      bundles: new S3BundleStore({ client: aws.clients.s3, bucket }),
      gate: DEFAULT_GATE_CONFIG,
      logger: silent,
    });
    await registerCluster(learning, { clusterId: CLUSTER, prior: smallPrior(), platform: 'slurm', nowMs: Date.now() });

    // The AWS side: the API function's composition (no scheduler reachable) on the same table, served on loopback.
    runtime = await createRuntime(
      loadConfig({
        VGAC_DYNAMODB_ENDPOINT: aws.dynamoEndpoint,
        VGAC_S3_ENDPOINT: aws.s3Endpoint,
        VGAC_TABLE: table,
        VGAC_BUCKET: bucket,
        VGAC_API_KEY: API_KEY,
      }),
      { logger: silent },
    );
    api = await startHttpServer(
      createApiApp(runtime, {
        observer: storedStateObserver(runtime.learning.predictions),
        actions: unavailableClusterActions('read-only in this test'),
      }).app,
      { host: '127.0.0.1', port: 0, acceptedHosts: 'any' },
    );
    // The login node's side: `vgac agent --push` as agent.ts builds it, reading the real Slurm.
    spoolDir = await mkdtemp(join(tmpdir(), 'vgac-lookups-spool-'));
    const sender = new VgacApiSender({ baseUrl: api.url, apiKey: API_KEY });
    const agent = createPushAgent(
      {
        observer: new SlurmCliObserver({ env: slurm.env, timeoutMs: 5_000 }),
        spool: await FileEventSpool.open(spoolDir),
        publisher: new HttpQueueEventPublisher({ sender }),
        logger: silent,
        queueState: {
          publisher: new HttpQueueStatePublisher({ sender }),
          partitions: () => cli.partitions(),
          intervalMs: 60_000,
          clock: () => Date.now(),
        },
      },
      { clusterId: CLUSTER, startedAtMs: Date.now() },
    );
    await agent.observe();
    pushResult = await agent.push();
    pushed = pushedStateJobLookup(
      new DynamoPushedQueueStateStore({ client: aws.clients.dynamo, tableName: table }),
      CLUSTER,
      () => Date.now(),
    );
  }, 120_000);

  afterAll(async () => {
    await api?.close();
    await runtime?.close();
    await slurm?.stop();
    await aws?.stop();
    if (spoolDir !== '') await rm(spoolDir, { recursive: true, force: true });
  });

  describe('SlurmCliJobLookup (contract)', () => {
    jobLookupContract(() => ({ lookup: cli, scenario }));
  });

  describe('SlurmrestdJobLookup (contract)', () => {
    jobLookupContract(() => ({ lookup: rest, scenario }));
  });

  describe('pushedStateJobLookup over DynamoPushedQueueStateStore (contract)', () => {
    jobLookupContract(() => ({ lookup: pushed, scenario }));
  });

  describe('pushed queue state (AWS)', () => {
    it('forecastRoute_ofTheApiFunction_answersFromThePushedStateWithReasonRankAndRealPartitions', async () => {
      const get = (path: string): Promise<Response> =>
        fetch(`${api.url}${path}`, { headers: { 'x-api-key': API_KEY } });

      const response = await get(`/api/jobs/${ids.second}/forecast?cluster=${CLUSTER}&alternatives=true`);
      const body = (await response.json()) as {
        source: string;
        scheduler_note: unknown;
        state: string;
        requested_gpus: number;
        time_limit_seconds: number;
        pending_reason: { code: string };
        priority_rank: unknown;
        forecast_now: unknown;
        alternatives: { kind: string; partition: string; gpus: number }[];
      };
      const unknown = await get(`/api/jobs/987654/forecast?cluster=${CLUSTER}`);

      expect(pushResult.queueState).toBe('sent');
      expect(response.status).toBe(200);
      expect(body.source).toBe('scheduler');
      expect(body.scheduler_note).toBeNull();
      expect(body.state).toBe('pending');
      expect(body.requested_gpus).toBe(1);
      expect(body.time_limit_seconds).toBe(86_400);
      expect(body.pending_reason.code).toBe(scenario.jobs.get(ids.second)?.job.reason);
      expect(body.priority_rank).toEqual({ position: 2, pending_in_partition: 3 });
      // The pushed listing is the queue of the fresh forecast (the stored-state observer has no prediction to read).
      expect(body.forecast_now).not.toBeNull();
      // 1 GPU, 24 h: half the limit on gpu, and the same request on debug.
      expect(body.alternatives.map((entry) => [entry.kind, entry.partition, entry.gpus]).sort()).toEqual([
        ['other_partition', 'debug', 1],
        ['shorter_limit', 'gpu', 1],
      ]);
      expect(unknown.status).toBe(404);
    });

    it('queueStateRoute_badOrFutureOrOversizedState_is400NamingIt_andAnUnknownCluster404', async () => {
      const put = (cluster: string, body: unknown): Promise<Response> =>
        fetch(`${api.url}/api/clusters/${cluster}/queue-state`, {
          method: 'PUT',
          headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const valid = {
        observed_at_ms: Date.now(),
        interval_ms: 60_000,
        total_gpus: 4,
        omitted_jobs: 0,
        pending_by_partition: {},
        partitions: [],
        jobs: [],
      };
      const longReason = 'r'.repeat(256);
      const tooMany = Array.from({ length: 700 }, (_, index) => [
        String(index),
        'u',
        'gpu',
        'pending',
        0,
        null,
        1,
        1,
        null,
        null,
        longReason,
      ]);

      const misspelt = await put(CLUSTER, { ...valid, total_gpu: 4 });
      const future = await put(CLUSTER, { ...valid, observed_at_ms: Date.now() + 3_600_000 });
      const oversized = await put(CLUSTER, { ...valid, jobs: tooMany });
      const unknownCluster = await put('no-such-cluster', valid);
      const older = await put(CLUSTER, { ...valid, observed_at_ms: 1 });

      expect(misspelt.status).toBe(400);
      expect(await misspelt.text()).toContain('total_gpu');
      expect(future.status).toBe(400);
      expect(await future.text()).toContain('observed_at_ms');
      // 700 jobs of ~300 bytes: over MAX_QUEUE_STATE_BYTES, under the API's 256 KB body limit (DEFAULT_BODY_LIMIT_BYTES).
      expect(JSON.stringify(tooMany).length).toBeGreaterThan(MAX_QUEUE_STATE_BYTES);
      expect(JSON.stringify(tooMany).length).toBeLessThan(DEFAULT_BODY_LIMIT_BYTES - 1_000);
      expect(oversized.status).toBe(400);
      expect(await oversized.text()).toContain(`more than ${MAX_QUEUE_STATE_BYTES}`);
      expect(unknownCluster.status).toBe(404);
      expect(await older.json()).toMatchObject({ stored: false });
      expect((await pushed.job(ids.first))?.job.jobId).toBe(ids.first);
    });
  });

  describe('SlurmrestdJobLookup', () => {
    it('forecastRoute_throughSlurmrestd_answersFromTheSchedulerWithReasonRankAndRealPartitions', async () => {
      const observer = new SlurmrestdObserver({ baseUrl: slurm.restUrl, userName: 'root', token: slurm.token });
      const app = createHttpApp({
        learning,
        observer,
        jobLookup: (clusterId) => (clusterId === CLUSTER ? rest : undefined),
        clock: { nowMs: () => Date.now(), monotonicMs: () => performance.now() },
        settings: { apiKey: undefined, corsOrigin: undefined },
      });
      const squeueReason = (await slurm.run('squeue', ['-h', '-j', ids.held, '-o', '%r'])).trim();

      const held = await app.request(`/api/jobs/${ids.held}/forecast?cluster=${CLUSTER}&alternatives=true`);
      const body = (await held.json()) as {
        source: string;
        state: string;
        partition: string;
        requested_gpus: number;
        pending_reason: { code: string };
        priority_rank: unknown;
        forecast_now: unknown;
        alternatives: { kind: string; partition: string; gpus: number }[];
      };
      const unknown = await app.request(`/api/jobs/987654/forecast?cluster=${CLUSTER}`);

      expect(held.status).toBe(200);
      expect(body.source).toBe('scheduler');
      expect(body.state).toBe('pending');
      expect(body.partition).toBe('gpu');
      expect(body.requested_gpus).toBe(1);
      expect(squeueReason).toBe('JobHeldUser');
      expect(body.pending_reason.code).toBe(squeueReason);
      expect(body.priority_rank).toEqual({ position: 3, pending_in_partition: 3 });
      expect(body.forecast_now).not.toBeNull();
      // 1 GPU, 5 min: no fewer GPUs, 10 min is the shortest limit proposed, so only the other partition.
      expect(body.alternatives.map((entry) => [entry.kind, entry.partition, entry.gpus])).toEqual([
        ['other_partition', 'debug', 1],
      ]);
      expect(unknown.status).toBe(404);
      expect(await unknown.text()).toContain("job '987654'");
    });

    it('liveSlurmRoute_slurmrestdCollector_carriesASlurmrestdJobLookup', async () => {
      const config = loadConfig({
        VGAC_SLURMRESTD_URL: slurm.restUrl,
        VGAC_SLURM_USER: 'root',
        VGAC_SLURM_JWT: slurm.token,
        VGAC_SLURM_CLUSTER_ID: CLUSTER,
      });

      const route = liveSlurmRoute(config, 'slurmrestd', silent);
      const details = await route.jobLookup?.job(ids.first);

      expect(route.jobLookup).toBeInstanceOf(SlurmrestdJobLookup);
      expect(details).toEqual(scenario.jobs.get(ids.first));
    });

    it('job_forgedOrExpiredJwt_isAuthError_afterOneReRead_andUnreachableIsSourceUnavailable', async () => {
      const forged = staticSecret(() => forgedJwt());
      const lookup = (secrets: SecretSource, baseUrl = slurm.restUrl): JobLookup =>
        new SlurmrestdJobLookup({ baseUrl, userName: 'root', secrets, jwtSecretName: 'jwt', connectRetries: 1 });
      const refreshing = Object.assign(forged, { refresh: () => Promise.resolve(forgedJwt()) });

      const refused = await lookup(refreshing)
        .job(ids.first)
        .catch((error: unknown) => error);
      const down = await lookup(
        staticSecret(() => slurm.token),
        `http://127.0.0.1:${await closedPort()}`,
      )
        .partitions()
        .catch((error: unknown) => error);

      expect(refused).toBeInstanceOf(AuthError);
      expect((refused as Error).message).toMatch(/not valid on this cluster|rejected the JWT/);
      expect((refused as Error).message).not.toContain(slurm.token);
      expect(down).toBeInstanceOf(SourceUnavailableError);
      expect((down as Error).message).toContain('ECONNREFUSED');
    });
  });
});

/** A loopback port nothing listens on (taken from the system, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A well-formed JWT that expires far in the future, signed with a key slurmctld does not have. */
function forgedJwt(): string {
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ sun: 'root', exp: 4_102_444_800 })}.${Buffer.from('not-the-cluster-key').toString('base64url')}`;
}

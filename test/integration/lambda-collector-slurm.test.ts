/**
 * The collector Lambda wired from its environment (VGAC_COLLECTOR=slurmrestd) against a real
 * local Slurm's slurmrestd, with the JWT read from SSM (a loopback server speaking SSM's JSON
 * protocol) and the stores on dynalite + s3rver: jobs submitted with sbatch are predicted at their
 * submit instant and their starts recorded as outcomes across scheduled invocations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLearningDeps, type LearningDeps } from '../../src/app/learning/learning-deps.ts';
import { registerCluster } from '../../src/app/learning/register-cluster.ts';
import type { Logger } from '../../src/app/ports/logger.ts';
import { dynamoLearningStores } from '../../src/entry/learning-stores.ts';
import { pushedStateJobLookup } from '../../src/app/jobs/pushed-state-job-lookup.ts';
import { DynamoPushedQueueStateStore } from '../../src/adapters/dynamodb/dynamo-pushed-queue-state-store.ts';
import { ensureTable } from '../../src/adapters/dynamodb/table-definition.ts';
import { ensureBucket, S3BundleStore } from '../../src/adapters/s3/s3-bundle-store.ts';
import { DEFAULT_GATE_CONFIG } from '../../src/core/gating/gate-config.ts';
import type { CollectOutput } from '../../src/entry/lambda/collect.ts';
import { assertLoopbackEndpoints, startTestAws, uniqueName, type TestAws } from '../support/embedded-aws.ts';
import { captureOutput, importFresh, loadEventFixture, setEnvironment } from '../support/lambda-harness.ts';
import { startLocalSlurm, waitFor, type LocalSlurm } from '../support/slurm/local-slurm.ts';
import { smallPrior } from '../support/slurm/small-prior.ts';
import { startSsmJsonServer, type SsmJsonServer } from '../support/ssm-json-server.ts';

type CollectModule = typeof import('../../src/entry/lambda/collect.ts');

const CLUSTER = 'live-slurm';
const JWT_PARAMETER = '/vgac/slurm/jwt';
const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

let aws: TestAws;
let slurm: LocalSlurm;
let ssm: SsmJsonServer;
let deps: LearningDeps;
let table = '';
let restoreEnvironment: () => void;
/** What the SSM server holds (read live: a test may rotate the JWT). */
const parameters: Record<string, string> = {};

beforeAll(async () => {
  [aws, slurm] = await Promise.all([startTestAws(), startLocalSlurm({ gpus: 4, cpus: 8 })]);
  ssm = await startSsmJsonServer(parameters);
  parameters[JWT_PARAMETER] = slurm.token;
  assertLoopbackEndpoints(aws.dynamoEndpoint, aws.s3Endpoint, ssm.endpoint, slurm.restUrl);
  table = uniqueName('slurmcollect');
  const bucket = uniqueName('slurmcollect');
  await ensureTable(aws.clients.dynamo, table);
  await ensureBucket(aws.clients.s3, bucket);
  restoreEnvironment = setEnvironment({
    VGAC_MODE: 'aws',
    VGAC_TABLE: table,
    VGAC_BUCKET: bucket,
    VGAC_DYNAMODB_ENDPOINT: aws.dynamoEndpoint,
    VGAC_S3_ENDPOINT: aws.s3Endpoint,
    VGAC_SSM_ENDPOINT: ssm.endpoint,
    VGAC_API_KEY_PARAM: '/vgac/api-key',
    VGAC_COLLECTOR: 'slurmrestd',
    VGAC_SLURMRESTD_URL: slurm.restUrl,
    VGAC_SLURM_USER: 'root',
    VGAC_SLURM_JWT_PARAM: JWT_PARAMETER,
    VGAC_SLURM_JWT: undefined,
    VGAC_SLURM_API_VERSION: 'v0.0.38',
    VGAC_SLURM_CLUSTER_ID: CLUSTER,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    POWERTOOLS_SERVICE_NAME: 'vgac-test',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_DEV: undefined,
  });
  deps = createLearningDeps({
    ...dynamoLearningStores(aws.clients.dynamo, table),
    bundles: new S3BundleStore({ client: aws.clients.s3, bucket }),
    gate: DEFAULT_GATE_CONFIG,
    logger: silent,
  });
  await registerCluster(deps, { clusterId: CLUSTER, prior: smallPrior(), platform: 'slurm', nowMs: Date.now() });
}, 120_000);

afterAll(async () => {
  restoreEnvironment();
  await Promise.all([slurm?.stop(), ssm?.stop(), aws?.stop()]);
}, 60_000);

describe('collector handler on slurmrestd', () => {
  it('predicts sbatch jobs at their submit instant and records their starts, the JWT read from SSM', async () => {
    const { handler } = await importFresh<CollectModule>('../../src/entry/lambda/collect.ts');
    const event = await loadEventFixture('eventbridge-scheduled.json');
    const first = await captureOutput(() => handler(event));
    // Capture began: a job holding every GPU, then one that must wait for it.
    const holder = await slurm.sbatch(['--gres=gpu:4', '--time=1', '--wrap', 'sleep 60']);
    await waitFor('the holder to run', async () =>
      (await slurm.run('squeue', ['-h', '-j', holder, '-o', '%T'])).trim() === 'RUNNING' ? true : undefined,
    );
    const waiter = await slurm.sbatch(['--gres=gpu:2', '--time=1', '--wrap', 'sleep 1']);

    const waiterSubmittedMs = Date.now();
    const second = await captureOutput(() => handler(event));
    // What the API's job questions read (no scheduler reachable from the API function): the state the pass stored.
    const questions = pushedStateJobLookup(
      new DynamoPushedQueueStateStore({ client: aws.clients.dynamo, tableName: table }),
      CLUSTER,
      () => Date.now(),
    );
    const waiterAsked = await questions.job(waiter);
    const partitionsAsked = await questions.partitions();
    // Slurm's times are whole seconds: keep the waiter pending for two of them before freeing the GPUs.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, waiterSubmittedMs + 2_000 - Date.now())));
    // The premise of a long wait: the holder still holds the GPUs and the waiter still waits. Checked,
    // not assumed — on a loaded machine the holder can end early, and the waiter then starts at once.
    expect(
      (await slurm.run('squeue', ['-h', '-t', 'all', '-j', `${holder},${waiter}`, '-o', '%i %T']))
        .trim()
        .split('\n')
        .sort(),
    ).toEqual([`${holder} RUNNING`, `${waiter} PENDING`].sort());
    await slurm.run('scancel', [holder]);
    await waitFor('the waiter to start', async () =>
      ['RUNNING', 'COMPLETED'].includes(
        (await slurm.run('squeue', ['-h', '-t', 'all', '-j', waiter, '-o', '%T'])).trim(),
      )
        ? true
        : undefined,
    );
    const third = await captureOutput(() => handler(event));

    for (const run of [first, second, third]) expect(run.error).toBeUndefined();
    const cluster = (run: typeof first): unknown =>
      (run.result as CollectOutput & { status: 'collected' }).clusters.find((entry) => entry.clusterId === CLUSTER);
    expect(cluster(first)).toEqual({
      clusterId: CLUSTER,
      status: 'collected',
      predicted: 0,
      outcomes: 0,
      censored: 0,
      adopted: 0,
    });
    // Both are new: the holder already runs (its outcome, wait ≈ 0, comes at once), the waiter is pending.
    expect(cluster(second)).toEqual({
      clusterId: CLUSTER,
      status: 'collected',
      predicted: 2,
      outcomes: 1,
      censored: 0,
      adopted: 0,
    });
    expect(cluster(third)).toMatchObject({ predicted: 0, outcomes: 1 });
    expect(waiterAsked?.job).toMatchObject({ jobId: waiter, state: 'pending', requestedGpus: 2, timeLimitSeconds: 60 });
    expect(waiterAsked?.priorityRank).toEqual({ position: 1, pendingInPartition: 1 });
    expect(partitionsAsked).toEqual([{ name: 'gpu', gpus: 4, maxTimeSeconds: null, up: true, allowAccounts: null }]);
    expect(ssm.requests.filter((request) => request.name === JWT_PARAMETER)).toHaveLength(1);
    const stored = new Map(
      (await deps.predictions.recent(CLUSTER, { limit: 10 })).map((prediction) => [prediction.jobId, prediction]),
    );
    // At the waiter's submit instant the holder used all 4 GPUs and nothing was pending ahead of it.
    expect(stored.get(waiter)?.features).toMatchObject({ gpusInUse: 4, requestedGpus: 2, pendingGpusAhead: 0 });
    expect(stored.get(holder)?.outcome?.waitSeconds).toBeLessThan(5);
    // The recorded wait is Slurm's own start − submit (whole seconds), read independently from scontrol.
    const scontrolLine = await slurm.run('scontrol', ['show', 'job', '-o', waiter]);
    const scontrolWaitSeconds =
      (Date.parse(/StartTime=(\S+)/.exec(scontrolLine)?.[1] ?? '') -
        Date.parse(/SubmitTime=(\S+)/.exec(scontrolLine)?.[1] ?? '')) /
      1000;
    expect(stored.get(waiter)?.outcome?.waitSeconds).toBe(scontrolWaitSeconds);
    expect(stored.get(waiter)?.outcome?.waitSeconds).toBeGreaterThanOrEqual(1);
  }, 120_000);

  it('re-reads a rotated JWT from SSM when slurmrestd refuses the one the warm function holds', async () => {
    const base64url = (text: string): string => Buffer.from(text).toString('base64url');
    const good = parameters[JWT_PARAMETER] as string;
    parameters[JWT_PARAMETER] =
      `${base64url('{"alg":"HS256","typ":"JWT"}')}.${base64url('{"exp":1000,"sun":"root"}')}.${base64url('signature')}`;
    const { handler } = await importFresh<CollectModule>('../../src/entry/lambda/collect.ts');
    const event = await loadEventFixture('eventbridge-scheduled.json');
    const readsBefore = ssm.requests.filter((request) => request.name === JWT_PARAMETER).length;

    const withExpired = await captureOutput(() => handler(event));
    parameters[JWT_PARAMETER] = good;
    const afterRotation = await captureOutput(() => handler(event));

    expect(withExpired.error).toBeInstanceOf(Error);
    expect(String((withExpired.error as Error).message)).toMatch(/expired/);
    expect(afterRotation.error).toBeUndefined();
    expect(
      (afterRotation.result as CollectOutput & { status: 'collected' }).clusters.find(
        (entry) => entry.clusterId === CLUSTER,
      ),
    ).toMatchObject({ status: 'collected' });
    // After the cold start's read: one refresh when the token was refused (still the expired one), one that found the rotated one.
    expect(ssm.requests.filter((request) => request.name === JWT_PARAMETER).length - readsBefore).toBe(2);
  }, 60_000);
});

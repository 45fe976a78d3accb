/**
 * SlurmrestdClusterActions against a real Slurm 22.05 and its slurmrestd (v0.0.38) on loopback
 * (test/support/slurm), with the JWT read through SsmSecrets from a loopback SSM server: every
 * effect is checked independently with `scontrol show job -o`. Covers each action kind, dry runs,
 * refusals (unknown job, wrong state, Slurm's own), expired / forged / rotated JWTs, connection
 * failures, and a stopped slurmctld.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { Buffer } from 'node:buffer';
import { promisify } from 'node:util';
import { SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceUnavailableError } from '../../src/app/errors.ts';
import type { ClusterAction } from '../../src/app/ports/cluster-actions.ts';
import type { Logger } from '../../src/app/ports/logger.ts';
import { SsmSecrets } from '../../src/adapters/ssm/ssm-secrets.ts';
import {
  DEFAULT_SLURMRESTD_CONNECT_RETRIES,
  SlurmrestdClusterActions,
  type SlurmrestdClusterActionsOptions,
} from '../../src/adapters/slurm/slurmrestd-cluster-actions.ts';
import { LOCAL_DUMMY_CREDENTIALS } from '../../src/entry/aws-clients.ts';
import { loadConfig } from '../../src/entry/config.ts';
import { liveSlurmRoute } from '../../src/entry/local/slurm-collector.ts';
import { assertLoopbackEndpoints } from '../support/embedded-aws.ts';
import { startLocalSlurm, waitFor, type LocalSlurm } from '../support/slurm/local-slurm.ts';
import { startSsmJsonServer, type SsmJsonServer } from '../support/ssm-json-server.ts';

const execFileAsync = promisify(execFile);
const CLUSTER = 'slurm-rest';
const JWT_PARAMETER = '/vgac/slurm/jwt';
const OWNER_JWT_PARAMETER = '/vgac/slurm/jwt-nobody';

interface LogLine {
  readonly level: string;
  readonly event: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

function capturingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (event, fields = {}) => lines.push({ level: 'info', event, fields }),
    warn: (event, fields = {}) => lines.push({ level: 'warn', event, fields }),
    error: (event, fields = {}) => lines.push({ level: 'error', event, fields }),
  };
}

/** A well-formed JWT that expires far in the future, signed with a key slurmctld does not have. */
function forgedJwt(): string {
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ sun: 'root', exp: 4_102_444_800 })}.${Buffer.from('not-the-cluster-key').toString('base64url')}`;
}

function action(kind: ClusterAction['kind'], jobId: string, value?: string | number): ClusterAction {
  return { kind, clusterId: CLUSTER, jobId, reason: 'test', ...(value === undefined ? {} : { value }) };
}

async function jobField(slurm: LocalSlurm, jobId: string, field: string): Promise<string> {
  const line = await slurm.run('scontrol', ['show', 'job', '-o', jobId]);
  return new RegExp(`(?:^|\\s)${field}=(.*?)(?=\\s+[\\w:/]+=|\\s*$)`).exec(line)?.[1] ?? '';
}

async function listen(server: Server | TcpServer): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('SlurmrestdClusterActions on a real slurmrestd', () => {
  let slurm: LocalSlurm;
  let ssm: SsmJsonServer;
  let ssmClient: SSMClient;
  const parameters: Record<string, string> = {};
  let running = '';
  let pendingA = '';
  let pendingB = '';

  const actionsWith = (
    logger: Logger,
    options: Partial<SlurmrestdClusterActionsOptions> = {},
  ): SlurmrestdClusterActions =>
    new SlurmrestdClusterActions({
      clusterId: CLUSTER,
      baseUrl: slurm.restUrl,
      userName: 'root',
      secrets: new SsmSecrets({ client: ssmClient }),
      jwtSecretName: JWT_PARAMETER,
      logger,
      timeoutMs: 4_000,
      ...options,
    });

  beforeAll(async () => {
    slurm = await startLocalSlurm({ gpus: 4, partitions: ['gpu', 'debug'] });
    parameters[JWT_PARAMETER] = slurm.token;
    ssm = await startSsmJsonServer(parameters);
    assertLoopbackEndpoints(ssm.endpoint, slurm.restUrl);
    ssmClient = new SSMClient({
      region: 'us-east-1',
      endpoint: ssm.endpoint,
      credentials: { ...LOCAL_DUMMY_CREDENTIALS },
      maxAttempts: 1,
    });
    running = await slurm.sbatch(['--gres=gpu:3', '--time=10', '--wrap', 'sleep 300']);
    await waitFor('the 3-GPU job to run', async () =>
      (await jobField(slurm, running, 'JobState')) === 'RUNNING' ? true : undefined,
    );
    // One GPU is left: both 2-GPU jobs stay pending (Resources / Priority) while the first runs.
    pendingA = await slurm.sbatch(['--gres=gpu:2', '--time=5', '--wrap', 'sleep 5']);
    pendingB = await slurm.sbatch(['--gres=gpu:2', '--time=3', '--wrap', 'sleep 5']);
  }, 90_000);

  afterAll(async () => {
    ssmClient?.destroy();
    await ssm?.stop();
    await slurm?.stop();
  });

  it('actions_changeRealJobs_asScontrolShows_andAuditEachOnce', async () => {
    const logger = capturingLogger();
    const actions = actionsWith(logger);
    const priorityBefore = await jobField(slurm, pendingA, 'Priority');

    const annotated = await actions.execute(action('annotate', pendingA, 'vgac: long wait likely (p=0.82) → "hold?"'));
    const prioritised = await actions.execute(action('adjust_priority', pendingB, 7));
    const held = await actions.execute(action('hold', pendingA));
    const heldReason = await jobField(slurm, pendingA, 'Reason');
    const heldPriority = await jobField(slurm, pendingA, 'Priority');
    const released = await actions.execute(action('release', pendingA));
    const moved = await actions.execute(action('move_partition', pendingB, 'debug'));

    expect(annotated).toEqual({
      status: 'executed',
      detail: `sent POST /slurm/v0.0.38/job/${pendingA} {"comment":"vgac: long wait likely (p=0.82) → \\"hold?\\""}`,
    });
    expect(await jobField(slurm, pendingA, 'Comment')).toBe('vgac: long wait likely (p=0.82) → "hold?"');
    expect(prioritised).toEqual({
      status: 'executed',
      detail: `sent POST /slurm/v0.0.38/job/${pendingB} {"priority":"7"}`,
    });
    expect(await jobField(slurm, pendingB, 'Priority')).toBe('7');
    // root is a Slurm operator: v0.0.38's hold is then an admin hold, and the result says so.
    expect(heldReason).toBe('JobHeldAdmin');
    expect(heldPriority).toBe('0');
    expect(held.status).toBe('executed');
    expect(held.detail).toMatch(
      /\{"hold":true\}; Slurm reports JobHeldAdmin \(slurmrestd user 'root' is a Slurm operator: only an operator may release it\)$/,
    );
    expect(released.status).toBe('executed');
    expect(await jobField(slurm, pendingA, 'Reason')).not.toMatch(/^JobHeld/);
    expect(Number(await jobField(slurm, pendingA, 'Priority'))).toBeGreaterThan(0);
    expect(priorityBefore).not.toBe('0');
    expect(moved.status).toBe('executed');
    expect(await jobField(slurm, pendingB, 'Partition')).toBe('debug');
    const audited = logger.lines.filter((line) => line.event === 'cluster.action');
    expect(
      audited.map((line) => [line.fields.kind, line.fields.jobId, line.fields.status, line.fields.dryRun]),
    ).toEqual([
      ['annotate', pendingA, 'executed', false],
      ['adjust_priority', pendingB, 'executed', false],
      ['hold', pendingA, 'executed', false],
      ['release', pendingA, 'executed', false],
      ['move_partition', pendingB, 'executed', false],
    ]);
    expect(logger.lines).toHaveLength(audited.length);
    expect(JSON.stringify(logger.lines)).not.toContain(slurm.token.split('.')[2] ?? slurm.token);
  }, 60_000);

  it('hold_byTheJobsOwnToken_isAUserHoldThatTheOwnerReleases', async () => {
    const logger = capturingLogger();
    // A job of an ordinary user (nobody), deferred an hour so it stays pending, and that user's own JWT.
    const { stdout } = await execFileAsync(
      'runuser',
      [
        '-u',
        'nobody',
        '--',
        'sbatch',
        '--parsable',
        '--output=/dev/null',
        '--begin=now+1hour',
        '--gres=gpu:1',
        '--time=1',
        '--wrap',
        'sleep 1',
      ],
      { env: slurm.env, cwd: '/tmp', timeout: 15_000 },
    );
    const ownersJob = stdout.trim().split(';')[0] ?? '';
    parameters[OWNER_JWT_PARAMETER] = (await slurm.run('scontrol', ['token', 'username=nobody', 'lifespan=3600']))
      .trim()
      .replace(/^SLURM_JWT=/, '');
    const owner = actionsWith(logger, { userName: 'nobody', jwtSecretName: OWNER_JWT_PARAMETER });

    const held = await owner.execute(action('hold', ownersJob));
    const heldReason = await jobField(slurm, ownersJob, 'Reason');
    const released = await owner.execute(action('release', ownersJob));
    const raisedByOwner = await owner.execute(action('adjust_priority', ownersJob, 0xfffffff0));

    expect(await jobField(slurm, ownersJob, 'UserId')).toMatch(/^nobody\(/);
    expect(heldReason).toBe('JobHeldUser');
    expect(held.detail).toMatch(/Slurm reports JobHeldUser \(the job's owner may release it\)$/);
    expect(released.status).toBe('executed');
    expect(await jobField(slurm, ownersJob, 'Reason')).not.toMatch(/^JobHeld/);
    expect(Number(await jobField(slurm, ownersJob, 'Priority'))).toBeGreaterThan(0);
    // Raising a priority is an operator's right: Slurm's own refusal, passed on.
    expect(raisedByOwner.status).toBe('failed');
    expect(raisedByOwner.detail).toBe(
      `Slurm refused POST /slurm/v0.0.38/job/${ownersJob} {"priority":"4294967280"}: Access/permission denied`,
    );
  }, 60_000);

  it('requeue_isRefusedHonestly_andTheRunningJobKeepsRunning', async () => {
    const logger = capturingLogger();

    const requeued = await actionsWith(logger).execute(action('requeue', running));

    expect(requeued.status).toBe('failed');
    expect(requeued.detail).toBe(
      `refused: requeue is not possible through slurmrestd v0.0.38: its job update's 'requeue' field only marks whether a job may be requeued, and it has no requeue operation; job ${running} is unchanged`,
    );
    expect(await jobField(slurm, running, 'JobState')).toBe('RUNNING');
    expect(await jobField(slurm, running, 'Restarts')).toBe('0');
    expect(logger.lines.map((line) => [line.event, line.fields.status, line.fields.request])).toEqual([
      ['cluster.action', 'failed', null],
    ]);
  });

  it('dryRun_checksTheJobAndItsState_andChangesNothing', async () => {
    const logger = capturingLogger();
    const actions = actionsWith(logger);
    const priorityBefore = await jobField(slurm, pendingA, 'Priority');
    const commentBefore = await jobField(slurm, pendingA, 'Comment');

    const priority = await actions.execute(action('adjust_priority', pendingA, 3), { dryRun: true });
    const annotate = await actions.execute(action('annotate', pendingA, 'dry run only'), { dryRun: true });
    const moveRunning = await actions.execute(action('move_partition', running, 'debug'), { dryRun: true });
    const releaseNotHeld = await actions.execute(action('release', pendingA), { dryRun: true });
    const unknown = await actions.execute(action('hold', '999999'), { dryRun: true });
    const alwaysDry = await actionsWith(logger, { dryRun: true }).execute(action('hold', pendingA));

    expect(priority.status).toBe('dry_run');
    expect(priority.detail).toMatch(
      new RegExp(
        `^dry run: job ${pendingA} is PENDING( \\(\\w+\\))?; would send POST /slurm/v0\\.0\\.38/job/${pendingA} \\{"priority":"3"\\}$`,
      ),
    );
    expect(annotate.status).toBe('dry_run');
    expect(alwaysDry.status).toBe('dry_run');
    expect(moveRunning).toEqual({
      status: 'failed',
      detail: `refused: job ${running} is RUNNING: move_partition applies only to pending jobs; nothing sent`,
    });
    expect(releaseNotHeld.status).toBe('failed');
    expect(releaseNotHeld.detail).toMatch(
      new RegExp(`^refused: job ${pendingA} is not held \\(\\w+\\): nothing to release; nothing sent$`),
    );
    expect(unknown).toEqual({
      status: 'failed',
      detail: 'job 999999 not found on slurm-rest (slurmctld: Invalid job id specified); nothing sent',
    });
    expect(await jobField(slurm, pendingA, 'Priority')).toBe(priorityBefore);
    expect(await jobField(slurm, pendingA, 'Comment')).toBe(commentBefore);
    expect(await jobField(slurm, pendingA, 'Reason')).not.toMatch(/^JobHeld/);
    expect(await jobField(slurm, running, 'Partition')).toBe('gpu');
    expect(logger.lines.map((line) => line.fields.dryRun)).toEqual([true, true, true, true, true, true]);
  });

  it('refusals_areFailedResultsNamingTheJob_andChangeNothing', async () => {
    const logger = capturingLogger();
    const actions = actionsWith(logger);
    const priorityB = await jobField(slurm, pendingB, 'Priority');

    const unknownJob = await actions.execute(action('annotate', '999999', 'x'));
    const unknownPartition = await actions.execute(action('move_partition', pendingB, 'nosuch'));
    // hold:false on a job that is not held would reset its priority: refused before it is sent.
    const releaseNotHeld = await actions.execute(action('release', pendingB));
    const holdRunning = await actions.execute(action('hold', running));
    const badId = await actions.execute(action('hold', '12; rm -rf /'));
    const otherCluster = await actions.execute({ ...action('hold', pendingB), clusterId: 'k8s-a' });
    const zeroPriority = await actions.execute(action('adjust_priority', pendingB, 0));

    expect(unknownJob).toEqual({
      status: 'failed',
      detail: 'job 999999 not found on slurm-rest (slurmctld: Invalid job id specified); nothing sent',
    });
    expect(unknownPartition).toEqual({
      status: 'failed',
      detail: `Slurm refused POST /slurm/v0.0.38/job/${pendingB} {"partition":"nosuch"}: Invalid partition name specified`,
    });
    expect(releaseNotHeld.status).toBe('failed');
    expect(releaseNotHeld.detail).toContain(`job ${pendingB} is not held`);
    expect(await jobField(slurm, pendingB, 'Priority')).toBe(priorityB);
    expect(await jobField(slurm, pendingB, 'Partition')).toBe('debug');
    expect(holdRunning).toEqual({
      status: 'failed',
      detail: `refused: job ${running} is RUNNING: hold applies only to pending jobs; nothing sent`,
    });
    expect(await jobField(slurm, running, 'Priority')).not.toBe('0');
    expect(badId).toEqual({ status: 'failed', detail: "refused: job id '12; rm -rf /' is not a Slurm job id" });
    expect(otherCluster.detail).toBe(`refused: this Slurm is cluster '${CLUSTER}', not 'k8s-a'`);
    expect(zeroPriority.detail).toMatch(/^refused: priority must be an integer in \[1, 4294967293\] \(hold sets 0\)/);
    expect(logger.lines.every((line) => line.level === 'warn' && line.fields.status === 'failed')).toBe(true);
  });

  it('jwt_expiredOrForged_isAFailedResult_andARotatedOneIsReReadOnce', async () => {
    const logger = capturingLogger();
    const expired = (await slurm.run('scontrol', ['token', 'username=root', 'lifespan=1']))
      .trim()
      .replace(/^SLURM_JWT=/, '');
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const commentBefore = await jobField(slurm, pendingB, 'Comment');
    const withToken = (name: string, token: string): SlurmrestdClusterActions => {
      parameters[name] = token;
      return actionsWith(logger, { jwtSecretName: name });
    };

    const expiredResult = await withToken('/t/expired', expired).execute(action('annotate', pendingB, 'expired'));
    const garbageResult = await withToken('/t/garbage', 'not-a-token').execute(action('annotate', pendingB, 'garbage'));
    const forgedResult = await withToken('/t/forged', forgedJwt()).execute(action('annotate', pendingB, 'forged'));
    const commentAfterRefusals = await jobField(slurm, pendingB, 'Comment');
    // Rotation: the process holds the forged token; an operator stores a good one; the next refusal re-reads it.
    const rotating = withToken('/t/rotating', forgedJwt());
    const readsBefore = ssm.requests.filter((request) => request.name === '/t/rotating').length;
    const beforeRotation = await rotating.execute(action('annotate', pendingB, 'rotated'));
    parameters['/t/rotating'] = slurm.token;
    const afterRotation = await rotating.execute(action('annotate', pendingB, 'rotated'));

    expect(expiredResult.status).toBe('failed');
    expect(expiredResult.detail).toMatch(
      new RegExp(`^not done: the Slurm JWT for user 'root' expired at \\d{4}-.*; job ${pendingB} unchanged$`),
    );
    expect(garbageResult.detail).toMatch(/^not done: the Slurm JWT for user 'root' is malformed/);
    expect(forgedResult.status).toBe('failed');
    expect(forgedResult.detail).toMatch(
      new RegExp(
        `^not done: slurmctld refused GET /slurm/v0.0.38/job/${pendingB} at once \\(.*\\): the JWT for user 'root' is not valid on this cluster; job ${pendingB} unchanged$`,
      ),
    );
    expect(commentAfterRefusals).toBe(commentBefore);
    expect(beforeRotation.status).toBe('failed');
    expect(afterRotation.status).toBe('executed');
    expect(await jobField(slurm, pendingB, 'Comment')).toBe('rotated');
    // First execution: the cold read and one re-read (still forged); second: one re-read that found the good token.
    expect(ssm.requests.filter((request) => request.name === '/t/rotating').length - readsBefore).toBe(3);
    for (const line of logger.lines) {
      for (const token of [expired, forgedJwt(), slurm.token])
        expect(JSON.stringify(line)).not.toContain(token.split('.')[2] ?? token);
    }
  }, 60_000);

  it('connectionFailures_areRetriedThenAnInfrastructureError_butHttpAnswersAreNot', async () => {
    const logger = capturingLogger();
    let connections = 0;
    const dropping = createTcpServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    let requests = 0;
    const refusing = createServer((request, response) => {
      requests += 1;
      request.resume();
      response.writeHead(400, { 'content-type': 'text/plain' }).end('Unable to parse query.');
    });
    const droppingUrl = await listen(dropping);
    const refusingUrl = await listen(refusing);

    const dropped = await actionsWith(logger, { baseUrl: droppingUrl })
      .execute(action('annotate', pendingA, 'x'))
      .catch((error: unknown) => error);
    const refused = await actionsWith(logger, { baseUrl: refusingUrl }).execute(action('annotate', pendingA, 'x'));
    await new Promise<void>((resolve) => dropping.close(() => resolve()));
    await new Promise<void>((resolve) => refusing.close(() => resolve()));

    expect(dropped).toBeInstanceOf(SourceUnavailableError);
    expect((dropped as Error).message).toBe(
      `slurmrestd at ${droppingUrl} is unreachable (UND_ERR_SOCKET); no change was sent`,
    );
    expect(connections).toBe(1 + DEFAULT_SLURMRESTD_CONNECT_RETRIES);
    expect(refused).toEqual({
      status: 'failed',
      detail: `Slurm refused to show job ${pendingA}: HTTP 400 from slurmrestd; nothing sent`,
    });
    expect(requests).toBe(1);
    expect(logger.lines.map((line) => [line.level, line.fields.status, line.fields.error])).toEqual([
      ['error', 'failed', 'SOURCE_UNAVAILABLE'],
      ['warn', 'failed', undefined],
    ]);
  });

  it('vgacStart_withVGAC_COLLECTOR_slurmrestd_actsThroughSlurmrestd', async () => {
    const logger = capturingLogger();
    const config = loadConfig({
      VGAC_COLLECTOR: 'slurmrestd',
      VGAC_SLURMRESTD_URL: slurm.restUrl,
      VGAC_SLURM_USER: 'root',
      VGAC_SLURM_JWT: slurm.token,
      VGAC_SLURM_CLUSTER_ID: CLUSTER,
    });

    const route = liveSlurmRoute(config, 'slurmrestd', logger);
    const result = await route.actions.execute(action('annotate', pendingA, 'through vgac start'));

    expect(route.actions).toBeInstanceOf(SlurmrestdClusterActions);
    expect(result.status).toBe('executed');
    expect(await jobField(slurm, pendingA, 'Comment')).toBe('through vgac start');
    expect(logger.lines.map((line) => [line.event, line.fields.via])).toEqual([['cluster.action', 'slurmrestd']]);
  });

  it('controllerDown_isAnInfrastructureErrorAndNoChange_thenActionsWorkAgain', async () => {
    const logger = capturingLogger();
    const actions = actionsWith(logger, { timeoutMs: 3_000 });
    const commentBefore = await jobField(slurm, pendingA, 'Comment');

    await slurm.stopController();
    const whileDown = await actions
      .execute(action('annotate', pendingA, 'should not land'))
      .catch((error: unknown) => error);
    await slurm.startController();
    const commentAfterRestart = await jobField(slurm, pendingA, 'Comment');
    const afterRestart = await waitFor('actions to work again', async () => {
      const result = await actions.execute(action('annotate', pendingA, 'after restart'));
      return result.status === 'executed' ? result : undefined;
    });

    expect(whileDown).toBeInstanceOf(SourceUnavailableError);
    expect((whileDown as Error).message).toMatch(
      new RegExp(
        `^slurmrestd at http://127\\.0\\.0\\.1:\\d+ did not answer GET /slurm/v0\\.0\\.38/job/${pendingA} within 3000 ms \\(slurmctld down\\?\\); no change was sent$`,
      ),
    );
    expect(commentAfterRestart).toBe(commentBefore);
    expect(afterRestart.status).toBe('executed');
    expect(await jobField(slurm, pendingA, 'Comment')).toBe('after restart');
    expect(logger.lines[0]?.fields).toMatchObject({
      kind: 'annotate',
      jobId: pendingA,
      status: 'failed',
      error: 'SOURCE_UNAVAILABLE',
    });
  }, 90_000);
});

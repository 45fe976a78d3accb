/**
 * The Slurm collectors and actions against a real Slurm 22.05 on loopback (test/support/slurm):
 * both collectors report the same queue, actions change real jobs (checked with scontrol/squeue),
 * a stopped slurmctld gives clear errors and no action, and bad or expired JWTs are named.
 */
import { Buffer } from 'node:buffer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, SourceUnavailableError } from '../../src/app/errors.ts';
import type { ClusterAction } from '../../src/app/ports/cluster-actions.ts';
import type { ClusterState, QueuedJob } from '../../src/app/records/queue.ts';
import type { Logger } from '../../src/app/ports/logger.ts';
import { SlurmCliObserver, SlurmJobSource } from '../../src/adapters/collectors/slurm-cli-observer.ts';
import { SlurmrestdObserver } from '../../src/adapters/collectors/slurmrestd-observer.ts';
import { SlurmClusterActions } from '../../src/adapters/slurm/slurm-cluster-actions.ts';
import { startLocalSlurm, waitFor, type LocalSlurm } from '../support/slurm/local-slurm.ts';

const CLUSTER = 'slurm-local';

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

/** A JWT with the given claims and a signature nobody issued. */
function forgedJwt(claims: Record<string, unknown>): string {
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}.${Buffer.from('not-the-cluster-key').toString('base64url')}`;
}

function byId(state: ClusterState, jobId: string): QueuedJob {
  const job = state.jobs.find((entry) => entry.jobId === jobId);
  if (job === undefined) throw new Error(`job ${jobId} not in the listing`);
  return job;
}

async function jobField(slurm: LocalSlurm, jobId: string, field: string): Promise<string> {
  const line = await slurm.run('scontrol', ['show', 'job', '-o', jobId]);
  return new RegExp(`(?:^|\\s)${field}=(.*?)(?=\\s+[\\w:/]+=|\\s*$)`).exec(line)?.[1] ?? '';
}

describe('Slurm collectors and actions on a real Slurm', () => {
  let slurm: LocalSlurm;
  let cli: SlurmCliObserver;
  let scontrolCli: SlurmCliObserver;
  let rest: SlurmrestdObserver;
  let running = '';
  let pendingA = '';
  let pendingB = '';

  beforeAll(async () => {
    slurm = await startLocalSlurm({ gpus: 4, partitions: ['gpu', 'debug'] });
    cli = new SlurmCliObserver({ env: slurm.env, timeoutMs: 4_000 });
    scontrolCli = new SlurmCliObserver({ env: slurm.env, timeoutMs: 4_000, jobSource: SlurmJobSource.scontrol });
    rest = new SlurmrestdObserver({ baseUrl: slurm.restUrl, userName: 'root', token: slurm.token, timeoutMs: 4_000 });
    running = await slurm.sbatch(['--gres=gpu:3', '--time=10', '--wrap', 'sleep 300']);
    await waitFor('the 3-GPU job to start', async () =>
      (await cli.listJobs()).find((job) => job.jobId === running)?.state === 'running' ? true : undefined,
    );
    pendingA = await slurm.sbatch(['--gres=gpu:2', '--time=5', '--wrap', 'sleep 5']);
    pendingB = await slurm.sbatch(['--gres=gpu:2', '--time=3', '--wrap', 'sleep 5']);
    // Right after submission the reason is "None" until the scheduler has looked at the job.
    await waitFor('the scheduler to give a pending reason', async () =>
      (await cli.listJobs()).find((job) => job.jobId === pendingA)?.reason === 'Resources' ? true : undefined,
    );
  });

  afterAll(async () => {
    await slurm?.stop();
  });

  it('observers_reportTheSameQueueWithGpusLimitsReasonsAndCapacity', async () => {
    const spec = { gpus: 1, estimatedDurationMinutes: 4 };

    const states = [
      await cli.observe(CLUSTER, spec),
      await scontrolCli.observe(CLUSTER, spec),
      await rest.observe(CLUSTER, spec),
    ];

    for (const state of states) {
      expect(state.totalGpus).toBe(4);
      expect(state.gpusInUse).toBe(3);
      expect(byId(state, running)).toMatchObject({
        state: 'running',
        requestedGpus: 3,
        timeLimitSeconds: 600,
        partition: 'gpu',
        user: 'root',
      });
      expect(byId(state, running).startTimeMs).not.toBeNull();
      expect(byId(state, pendingA)).toMatchObject({
        state: 'pending',
        requestedGpus: 2,
        timeLimitSeconds: 300,
        startTimeMs: null,
        reason: 'Resources',
      });
      expect(byId(state, pendingB)).toMatchObject({
        state: 'pending',
        requestedGpus: 2,
        timeLimitSeconds: 180,
        startTimeMs: null,
      });
      expect(state.features).toMatchObject({
        pendingJobsAhead: 2,
        pendingGpusAhead: 4,
        runningJobs: 1,
        gpusInUse: 3,
        requestedGpus: 1,
        requestedTimeSeconds: 240,
        totalGpus: 4,
        gpuUtilisation: 0.75,
      });
    }
    const [fromSqueue, fromScontrol, fromRest] = states as [ClusterState, ClusterState, ClusterState];
    for (const jobId of [running, pendingA, pendingB]) {
      expect(byId(fromScontrol, jobId)).toEqual(byId(fromSqueue, jobId));
      expect(byId(fromRest, jobId)).toEqual(byId(fromSqueue, jobId));
    }
  });

  it('actions_changeRealJobs_andDryRunChangesNothing', async () => {
    const logger = capturingLogger();
    const actions = new SlurmClusterActions({ clusterId: CLUSTER, logger, env: slurm.env });
    const action = (kind: ClusterAction['kind'], jobId: string, value?: string | number): ClusterAction => ({
      kind,
      clusterId: CLUSTER,
      jobId,
      reason: 'test',
      ...(value === undefined ? {} : { value }),
    });

    const dry = await actions.execute(action('adjust_priority', pendingB, 7), { dryRun: true });
    const priorityAfterDryRun = await jobField(slurm, pendingB, 'Priority');
    const annotated = await actions.execute(action('annotate', pendingA, 'vgac: long wait likely (p=0.82)'));
    const prioritised = await actions.execute(action('adjust_priority', pendingB, 7));
    const held = await actions.execute(action('hold', pendingA));
    const heldReason = await jobField(slurm, pendingA, 'Reason');
    const released = await actions.execute(action('release', pendingA));
    const moved = await actions.execute(action('move_partition', pendingB, 'debug'));
    const refusedBySlurm = await actions.execute(action('move_partition', running, 'debug'));
    const requeued = await actions.execute(action('requeue', running));

    expect(dry).toEqual({
      status: 'dry_run',
      detail: `dry run: would run scontrol update JobId=${pendingB} Priority=7`,
    });
    expect(priorityAfterDryRun).not.toBe('7');
    expect(annotated.status).toBe('executed');
    expect(await jobField(slurm, pendingA, 'Comment')).toBe('vgac: long wait likely (p=0.82)');
    expect(prioritised).toEqual({ status: 'executed', detail: `ran scontrol update JobId=${pendingB} Priority=7` });
    expect(await jobField(slurm, pendingB, 'Priority')).toBe('7');
    expect(held.status).toBe('executed');
    // A user hold: the job's owner may release it (scontrol hold would be JobHeldAdmin).
    expect(heldReason).toBe('JobHeldUser');
    expect(released.status).toBe('executed');
    expect(await jobField(slurm, pendingA, 'Reason')).not.toBe('JobHeldUser');
    expect(moved.status).toBe('executed');
    expect(await jobField(slurm, pendingB, 'Partition')).toBe('debug');
    expect(refusedBySlurm.status).toBe('failed');
    expect(refusedBySlurm.detail).toMatch(
      /^Slurm refused scontrol update JobId=\d+ Partition=debug: .*no longer pending/,
    );
    expect(requeued.status).toBe('executed');
    const requeuedJob = await waitFor('the requeued job to be pending again', async () => {
      const job = (await cli.listJobs()).find((entry) => entry.jobId === running);
      return job?.state === 'pending' ? job : undefined;
    });
    expect(requeuedJob.state).toBe('pending');
    const audited = logger.lines
      .filter((line) => line.event === 'cluster.action')
      .map((line) => [line.fields.kind, line.fields.status]);
    expect(audited).toEqual([
      ['adjust_priority', 'dry_run'],
      ['annotate', 'executed'],
      ['adjust_priority', 'executed'],
      ['hold', 'executed'],
      ['release', 'executed'],
      ['move_partition', 'executed'],
      ['move_partition', 'failed'],
      ['requeue', 'executed'],
    ]);
  });

  it('actions_refuseBadInputBeforeReachingSlurm', async () => {
    const logger = capturingLogger();
    const actions = new SlurmClusterActions({ clusterId: CLUSTER, logger, env: slurm.env });

    const badId = await actions.execute({ kind: 'hold', clusterId: CLUSTER, jobId: '12; rm -rf /', reason: 'x' });
    const otherCluster = await actions.execute({ kind: 'hold', clusterId: 'k8s-a', jobId: pendingA, reason: 'x' });
    const badPriority = await actions.execute({
      kind: 'adjust_priority',
      clusterId: CLUSTER,
      jobId: pendingA,
      value: -3,
      reason: 'x',
    });

    expect(badId).toEqual({ status: 'failed', detail: "refused: job id '12; rm -rf /' is not a Slurm job id" });
    expect(otherCluster.detail).toBe(`refused: this Slurm is cluster '${CLUSTER}', not 'k8s-a'`);
    expect(badPriority.detail).toMatch(/^refused: priority must be an integer/);
    expect(logger.lines.every((line) => line.fields.command === null)).toBe(true);
  });

  it('restObserver_badOrExpiredJwt_isAnAuthErrorNamingTheProblem', async () => {
    const expiredToken = (await slurm.run('scontrol', ['token', 'username=root', 'lifespan=1']))
      .trim()
      .replace(/^SLURM_JWT=/, '');
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const observer = (token: string): SlurmrestdObserver =>
      new SlurmrestdObserver({ baseUrl: slurm.restUrl, userName: 'root', token, timeoutMs: 4_000 });

    const expired = await observer(expiredToken)
      .listJobs()
      .catch((error: unknown) => error);
    const forged = await observer(forgedJwt({ sun: 'root', exp: 4_102_444_800 }))
      .listJobs()
      .catch((error: unknown) => error);
    const garbage = await observer('not-a-token')
      .listJobs()
      .catch((error: unknown) => error);

    expect(expired).toBeInstanceOf(AuthError);
    expect((expired as Error).message).toMatch(/JWT for user 'root' expired at \d{4}-/);
    expect(forged).toBeInstanceOf(AuthError);
    expect((forged as Error).message).toMatch(/refused.*not valid on this cluster/);
    expect(garbage).toBeInstanceOf(AuthError);
    expect((garbage as Error).message).toMatch(/malformed/);
    for (const error of [expired, forged, garbage])
      expect((error as Error).message).not.toContain(slurm.token.slice(-12));
  });

  it('controllerDown_clearErrorsNoAction_thenRecovery', async () => {
    const logger = capturingLogger();
    const actions = new SlurmClusterActions({ clusterId: CLUSTER, logger, env: slurm.env, timeoutMs: 3_000 });
    const held = await slurm.sbatch(['--hold', '--gres=gpu:1', '--time=1', '--wrap', 'sleep 1']);

    await slurm.stopController();
    const cliError = await cli.observe(CLUSTER).catch((error: unknown) => error);
    const restError = await rest.observe(CLUSTER).catch((error: unknown) => error);
    const action = await actions.execute({
      kind: 'annotate',
      clusterId: CLUSTER,
      jobId: held,
      value: 'should not land',
      reason: 'x',
    });
    await slurm.startController();
    const recovered = await waitFor('the collectors to recover', async () =>
      rest.observe(CLUSTER).then(async (state) => ({ rest: state, cli: await cli.observe(CLUSTER) })),
    );

    expect(cliError).toBeInstanceOf(SourceUnavailableError);
    expect((cliError as Error).message).toMatch(/^(squeue|scontrol).*(did not finish within|Unable to contact)/);
    expect(restError).toBeInstanceOf(SourceUnavailableError);
    expect((restError as Error).message).toMatch(
      /slurmrestd at http:\/\/127\.0\.0\.1:\d+ (did not answer within|could not serve)/,
    );
    expect(action.status).toBe('failed');
    expect(action.detail).toMatch(/^not done: scontrol/);
    expect(await jobField(slurm, held, 'Comment')).toBe('');
    expect(byId(recovered.rest, held)).toMatchObject({ state: 'pending', reason: 'JobHeldUser' });
    expect(byId(recovered.cli, held)).toMatchObject({ state: 'pending', reason: 'JobHeldUser' });
  });
});

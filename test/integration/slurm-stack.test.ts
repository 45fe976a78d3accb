/**
 * `vgac start --collector slurm`'s wiring on a real Slurm 22.05 (loopback): the stack routes the
 * live cluster to its Slurm observer and `scontrol` actions, so an escalation the agents raise on
 * a real pending job (POST /invocations), approved over the API (POST /api/escalations), changes
 * that job in Slurm — the product path, not a hand-built escalation.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCluster } from '../../src/app/learning/register-cluster.ts';
import type { Logger } from '../../src/app/ports/logger.ts';
import { SlurmCliObserver } from '../../src/adapters/collectors/slurm-cli-observer.ts';
import { SlurmClusterActions } from '../../src/adapters/slurm/slurm-cluster-actions.ts';
import { loadConfig } from '../../src/entry/config.ts';
import { startStack, type Stack } from '../../src/entry/local/start-stack.ts';
import { smallPrior } from '../support/slurm/small-prior.ts';
import { startLocalSlurm, waitFor, type LocalSlurm } from '../support/slurm/local-slurm.ts';

const CLUSTER = 'slurm-live';
const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('vgac start with a live Slurm', () => {
  let slurm: LocalSlurm;
  let dataDir: string;
  let stack: Stack;

  beforeAll(async () => {
    slurm = await startLocalSlurm({ gpus: 4, minJobAgeSeconds: 600 });
    dataDir = await mkdtemp(join(tmpdir(), 'vgac-live-slurm-'));
    const config = loadConfig({ VGAC_DATA_DIR: dataDir, VGAC_LOG_LEVEL: 'silent' }, { httpPort: 0 });
    stack = await startStack({
      config,
      simulate: false,
      logger: silent,
      fallbackPort: false,
      liveClusters: (logger) => [
        {
          clusterId: CLUSTER,
          observer: new SlurmCliObserver({ env: slurm.env, timeoutMs: 3_000 }),
          actions: new SlurmClusterActions({ clusterId: CLUSTER, logger, env: slurm.env }),
        },
      ],
    });
    await registerCluster(stack.learning, {
      clusterId: CLUSTER,
      prior: smallPrior(),
      platform: 'slurm',
      nowMs: Date.now(),
    });
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
    await slurm?.stop();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  it('an escalation the agents raise on a real pending job, approved over the API, changes the job in Slurm', async () => {
    const blocker = await slurm.sbatch(['--gres=gpu:4', '--time=1', '--wrap', 'sleep 30']);
    const target = await slurm.sbatch(['--gres=gpu:4', '--time=1', '--wrap', 'sleep 1']);
    const observer = new SlurmCliObserver({ env: slurm.env, timeoutMs: 3_000 });
    await waitFor('the blocker to run', async () =>
      (await observer.listJobs()).find((job) => job.jobId === blocker)?.state === 'running' ? true : undefined,
    );
    const post = (path: string, body: unknown) =>
      fetch(`${stack.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    const decisionResponse = await post('/invocations', { cluster_id: CLUSTER, job_id: target, job: { gpus: 4 } });
    const decision = (await decisionResponse.json()) as { scope: string; escalation_id: string | null };
    const approvedResponse = await post('/api/escalations', {
      cluster_id: CLUSTER,
      escalation_id: decision.escalation_id,
      decision: 'approve',
      decided_by: 'ops-alice',
    });
    const { escalation } = (await approvedResponse.json()) as {
      escalation: { status: string; result: string; decided_by: string; action: { kind: string; value?: string } };
    };
    const reason = (await slurm.run('squeue', ['-h', '-j', target, '-o', '%r'])).trim();

    expect(decisionResponse.status).toBe(200);
    expect(decision.scope).toBe('learning');
    expect(decision.escalation_id).toEqual(expect.any(String));
    expect(approvedResponse.status).toBe(200);
    expect(escalation).toMatchObject({ status: 'executed', decided_by: 'api:ops-alice' });
    // The small prior puts this job above 0.9: require confirmation, a user hold its owner can release.
    expect(escalation.action.kind).toBe('hold');
    expect(escalation.result).toBe(`ran scontrol uhold ${target}`);
    expect(reason).toBe('JobHeldUser');
  }, 120_000);

  it('with slurmctld stopped the agents answer "cannot predict now", escalate with confidence 0 and change nothing; they recover when it returns', async () => {
    const pending = await slurm.sbatch(['--hold', '--gres=gpu:1', '--time=1', '--wrap', 'sleep 1']);
    const post = (body: unknown) =>
      fetch(`${stack.url}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const commentOf = async (): Promise<string> =>
      (await slurm.run('squeue', ['-h', '-j', pending, '-o', '%k'])).trim();
    const before = await commentOf();

    await slurm.stopController();
    const down = (await (await post({ cluster_id: CLUSTER, job_id: pending, job: { gpus: 1 } })).json()) as {
      status: string;
      scope: string;
      confidence: number;
      executed_actions: unknown[];
      answer: string;
    };
    await slurm.startController();
    const back = await waitFor('the agents to see Slurm again', async () => {
      const decision = (await (await post({ clusterId: CLUSTER, job: { gpus: 1 } })).json()) as { status: string };
      return decision.status === 'decided' ? decision : undefined;
    });

    expect(down).toMatchObject({ status: 'unavailable', scope: 'escalate', confidence: 0, executed_actions: [] });
    expect(down.answer).toMatch(new RegExp(`^I cannot predict now on ${CLUSTER}: `));
    expect(await commentOf()).toBe(before);
    expect(back.status).toBe('decided');
  }, 120_000);
});

/**
 * End to end: a real Slurm 22.05 on loopback → `vgac agent --push` (the real command line, in a
 * child process, reading squeue/scontrol) → the real HTTP server on dynalite/s3rver. The API is
 * stopped in the middle while jobs are submitted, start and are cancelled, then restarted on the
 * same port: every transition arrives exactly once (predictions and outcomes counted in the store,
 * waits equal to Slurm's own start − submit).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/app/http/app.ts';
import { registerCluster } from '../../src/app/learning/register-cluster.ts';
import type { PredictionRecord } from '../../src/app/records/prediction-record.ts';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve as serveNode } from '@hono/node-server';
import { startHttpStack, type HttpStack } from '../support/http-stack.ts';
import { REPOSITORY_ROOT } from '../support/run-vgac.ts';
import { smallPrior, SMALL_PRIOR_THRESHOLD_SECONDS } from '../support/slurm/small-prior.ts';
import { startLocalSlurm, waitFor, type LocalSlurm } from '../support/slurm/local-slurm.ts';

const CLUSTER = 'slurm-pushed';
const API_KEY = 'slurm-agent-push-key-0123456789';

interface AgentLine {
  readonly message: string;
  readonly [field: string]: unknown;
}

let slurm: LocalSlurm;
let stack: HttpStack;
interface ApiServer {
  readonly port: number;
  close(): Promise<void>;
}

let server: ApiServer | undefined;
let work = '';
let agent: ChildProcess | undefined;
const agentLines: AgentLine[] = [];
/** Lines of the agent's output that are not JSON (e.g. a crash). */
let agentStderr = '';

/**
 * The HTTP app on a real Node server. `close()` is an outage: it also drops open connections (a
 * plain close keeps serving a keep-alive connection the agent keeps busy).
 */
function serve(port: number): Promise<ApiServer> {
  return new Promise((resolve, reject) => {
    const node = serveNode({
      fetch: createHttpApp(stack.deps({ apiKey: API_KEY })).fetch,
      hostname: '127.0.0.1',
      port,
    }) as Server;
    node.once('error', reject);
    node.once('listening', () => {
      resolve({
        port: (node.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            node.close(() => done());
            node.closeAllConnections();
          }),
      });
    });
  });
}

/** A job's times from `scontrol show job` (independent of the agent's squeue --json path), in seconds. */
async function scontrolTimes(
  jobId: string,
): Promise<{ submit: number; start: number | null; end: number | null; state: string }> {
  const line = await slurm.run('scontrol', ['show', 'job', '-o', jobId]);
  const time = (name: string): number | null => {
    const text = new RegExp(`${name}=(\\S+)`).exec(line)?.[1] ?? 'Unknown';
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? null : ms / 1000;
  };
  return {
    submit: time('SubmitTime') ?? Number.NaN,
    start: time('StartTime'),
    end: time('EndTime'),
    state: /JobState=(\S+)/.exec(line)?.[1] ?? '',
  };
}

async function predictions(): Promise<Map<string, PredictionRecord>> {
  return new Map(
    (await stack.learning.predictions.recent(CLUSTER, { limit: 100 })).map((entry) => [entry.jobId, entry]),
  );
}

beforeAll(async () => {
  [slurm, stack] = await Promise.all([startLocalSlurm({ gpus: 4, minJobAgeSeconds: 600 }), startHttpStack()]);
  await registerCluster(stack.learning, {
    clusterId: CLUSTER,
    prior: smallPrior(),
    platform: 'slurm',
    nowMs: Date.now(),
  });
  server = await serve(0);
  work = await mkdtemp(join(tmpdir(), 'vgac-agent-push-'));
  await writeFile(join(work, 'api-key'), `${API_KEY}\n`, { mode: 0o600 });
}, 120_000);

afterAll(async () => {
  if (agent !== undefined && agent.exitCode === null) agent.kill('SIGKILL');
  await server?.close();
  await slurm?.stop();
  await stack?.stop();
  if (work !== '') await rm(work, { recursive: true, force: true });
});

describe('vgac agent --push on a real Slurm into the local API', () => {
  it('agent_apiStoppedAndRestarted_everyTransitionArrivesExactlyOnce', async () => {
    const port = server?.port ?? 0;
    const env: Record<string, string | undefined> = {
      ...slurm.env,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      VGAC_LOG_LEVEL: 'info',
    };
    delete env.VGAC_API_KEY;
    const child = spawn(
      process.execPath,
      [
        'bin/vgac.js',
        'agent',
        '--push',
        `http://127.0.0.1:${port}`,
        '--cluster',
        CLUSTER,
        '--interval',
        '1',
        '--spool',
        join(work, 'spool'),
        '--api-key-file',
        join(work, 'api-key'),
      ],
      { cwd: REPOSITORY_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    agent = child;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // Powertools writes info lines to stdout, warnings and errors to stderr: read both.
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        try {
          agentLines.push(JSON.parse(line) as AgentLine);
        } catch {
          agentStderr += `${line}\n`;
        }
      });
    }
    const logged = (message: string, where: (line: AgentLine) => boolean = () => true): AgentLine | undefined =>
      agentLines.find((line) => line.message === message && where(line));
    await waitFor(
      'the agent to start',
      () => Promise.resolve(logged('agent.started') ? true : undefined),
      60_000,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; its output: ${agentStderr.slice(-2000)}`);
    });

    // While the API is up: a 3-GPU job runs, a 2-GPU job waits behind it.
    const running = await slurm.sbatch(['--gres=gpu:3', '--time=1', '--wrap', 'sleep 8']);
    await waitFor('the 3-GPU job to run', async () =>
      (await scontrolTimes(running)).start !== null ? true : undefined,
    );
    const waiting = await slurm.sbatch(['--gres=gpu:2', '--time=1', '--wrap', 'sleep 1']);
    await waitFor('both predictions and the first outcome in the store', async () => {
      const stored = await predictions();
      return stored.has(waiting) && stored.get(running)?.outcome !== undefined ? true : undefined;
    });

    // The API goes away; meanwhile a 1-GPU job is submitted and starts, a 4-GPU job is submitted and cancelled, and the waiting job starts.
    await server?.close();
    server = undefined;
    const backfilled = await slurm.sbatch(['--gres=gpu:1', '--time=1', '--wrap', 'sleep 1']);
    const cancelled = await slurm.sbatch(['--gres=gpu:4', '--time=1', '--wrap', 'sleep 1']);
    await waitFor('the agent to spool the 4-GPU job', () =>
      Promise.resolve(logged('agent.observed', (line) => Number(line.pending) >= 3) ? true : undefined),
    );
    await slurm.run('scancel', [cancelled]);
    await waitFor(
      'the waiting job and the 1-GPU job to start',
      async () =>
        (await scontrolTimes(waiting)).start !== null && (await scontrolTimes(backfilled)).start !== null
          ? true
          : undefined,
      40_000,
      300,
    );
    // Submits of the 1- and 4-GPU jobs, their start and departure, the waiting job's start: all held in the spool.
    await waitFor(
      'a failed push holding every transition of the outage',
      () => Promise.resolve(logged('agent.push_failed', (line) => Number(line.pending) >= 5) ? true : undefined),
      40_000,
    ).catch((error: unknown) => {
      throw new Error(
        `${String(error)}; the agent's last lines: ${agentLines
          .slice(-12)
          .map((line) => JSON.stringify(line))
          .join('\n')}`,
      );
    });
    const outcomesWhileDown = (await stack.learning.calibration.current(CLUSTER))?.outcomes;

    server = await serve(port);
    await waitFor(
      'the spool to drain into the restarted API',
      async () => {
        const stored = await predictions();
        return stored.has(cancelled) &&
          stored.get(waiting)?.outcome !== undefined &&
          stored.get(backfilled)?.outcome !== undefined &&
          logged('agent.pushed', (line) => line.pending === 0 && Number(line.acknowledged) > 0) !== undefined
          ? true
          : undefined;
      },
      90_000,
      300,
    );
    child.kill('SIGTERM');
    const exitCode = await exited;

    const stored = await predictions();
    expect([...stored.keys()].sort()).toEqual([running, waiting, backfilled, cancelled].sort());
    for (const jobId of [running, waiting, backfilled]) {
      const times = await scontrolTimes(jobId);
      expect(stored.get(jobId)?.outcome?.waitSeconds, `job ${jobId}`).toBe((times.start ?? Number.NaN) - times.submit);
    }
    expect(stored.get(waiting)?.features).toMatchObject({ requestedGpus: 2, gpusInUse: 3, runningJobs: 1 });
    const cancelledTimes = await scontrolTimes(cancelled);
    const cancelledWaited = (cancelledTimes.end ?? Number.NaN) - cancelledTimes.submit;
    const cancelledIsLong = cancelledWaited > SMALL_PRIOR_THRESHOLD_SECONDS;
    // Cancelled while pending: a long wait only when it had waited past the threshold, never a short one.
    expect(stored.get(cancelled)?.outcome?.longWait).toBe(cancelledIsLong ? true : undefined);
    expect(outcomesWhileDown).toBe(1);
    expect((await stack.learning.calibration.current(CLUSTER))?.outcomes).toBe(3 + (cancelledIsLong ? 1 : 0));
    const ingested = stack.logger.lines.filter(
      (line) => line.event === 'ingest.events' && line.fields.clusterId === CLUSTER,
    );
    const total = (status: string): number => ingested.reduce((sum, line) => sum + Number(line.fields[status] ?? 0), 0);
    expect(total('predicted')).toBe(4);
    expect(total('recorded')).toBe(3);
    expect(logged('agent.push_failed', (line) => line.code === 'SOURCE_UNAVAILABLE')).toBeDefined();
    expect(exitCode).toBe(0);
    expect(logged('agent.stopped')).toMatchObject({ pending: 0 });
  });
});

/**
 * A real single-node Slurm (Debian's 22.05) on loopback for integration tests: start-slurm.sh in
 * a unique BASE directory with free ports, so test files can each run their own cluster. If Slurm
 * cannot start, `startLocalSlurm` throws with the script's output: the test fails with the reason.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));

export interface LocalSlurm {
  readonly base: string;
  readonly nodeName: string;
  /** Environment for Slurm client commands: this process's, plus SLURM_CONF, without SLURM_JWT (which would switch clients to JWT auth). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly restUrl: string;
  /** Root JWT from `scontrol token` (24 h). */
  readonly token: string;
  /** Runs a Slurm client command (bounded by `timeoutMs`) and returns stdout; throws on a non-zero exit. */
  run(file: string, args: readonly string[], timeoutMs?: number): Promise<string>;
  /** `sbatch --parsable …` → the new job id. */
  sbatch(args: readonly string[]): Promise<string>;
  /** SIGTERM to slurmctld (its state is saved; jobs survive) and wait until it is gone. */
  stopController(): Promise<void>;
  /** Starts slurmctld again (recovering the saved state) and waits until it answers. */
  startController(): Promise<void>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still answers kill 0: read its state.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface StartLocalSlurmOptions {
  readonly gpus?: number;
  readonly cpus?: number;
  readonly partitions?: readonly string[];
  readonly minJobAgeSeconds?: number;
}

/** Attempts at starting with fresh ports: a free port can be taken by another test file between choosing and binding it. */
const START_ATTEMPTS = 3;

async function startOnFreePorts(
  options: StartLocalSlurmOptions,
): Promise<{ base: string; restPort: number; nodeName: string; scriptEnv: Record<string, string | undefined> }> {
  for (let attempt = 1; ; attempt += 1) {
    const base = await mkdtemp(join(tmpdir(), 'vgac-slurm-'));
    const [ctldPort, slurmdPort, restPort] = [await freePort(), await freePort(), await freePort()];
    const nodeName = `vgac${ctldPort}`;
    const scriptEnv: Record<string, string | undefined> = {
      ...process.env,
      BASE: base,
      FAKE_GPUS: String(options.gpus ?? 4),
      FAKE_CPUS: String(options.cpus ?? 8),
      MIN_JOB_AGE: String(options.minJobAgeSeconds ?? 300),
      CTLD_PORT: String(ctldPort),
      SLURMD_PORT: String(slurmdPort),
      REST_PORT: String(restPort),
      NODE_NAME: nodeName,
      PARTITIONS: (options.partitions ?? ['gpu']).join(' '),
      INSTALL: '0',
    };
    delete scriptEnv.SLURM_JWT;
    delete scriptEnv.SLURM_CONF;
    try {
      await execFileAsync('bash', [join(HERE, 'start-slurm.sh')], { env: scriptEnv, timeout: 60_000 });
      return { base, restPort, nodeName, scriptEnv };
    } catch (error) {
      const output = error as { stdout?: string; stderr?: string; message?: string };
      await execFileAsync('bash', [join(HERE, 'stop-slurm.sh')], { env: scriptEnv, timeout: 60_000 }).catch(
        () => undefined,
      );
      await rm(base, { recursive: true, force: true });
      const text = `${output.message ?? ''}\n${output.stdout ?? ''}\n${output.stderr ?? ''}`;
      if (attempt < START_ATTEMPTS && text.includes('Address already in use')) continue;
      throw new Error(`local Slurm did not start: ${text}`, { cause: error });
    }
  }
}

export async function startLocalSlurm(options: StartLocalSlurmOptions = {}): Promise<LocalSlurm> {
  const { base, restPort, nodeName, scriptEnv } = await startOnFreePorts(options);
  const envText = readFileSync(join(base, 'env.sh'), 'utf8');
  const token = /SLURM_JWT=(\S+)/.exec(envText)?.[1] ?? '';
  const env: Record<string, string | undefined> = { ...process.env, SLURM_CONF: join(base, 'etc', 'slurm.conf') };
  delete env.SLURM_JWT;
  const ctldPidFile = join(base, 'run', 'slurmctld.pid');

  const run = async (file: string, args: readonly string[], timeoutMs = 15_000): Promise<string> => {
    const { stdout } = await execFileAsync(file, [...args], { env, timeout: timeoutMs });
    return stdout;
  };

  return {
    base,
    nodeName,
    env,
    restUrl: `http://127.0.0.1:${restPort}`,
    token,
    run,
    async sbatch(args) {
      const out = await run('sbatch', ['--parsable', `--output=${join(base, 'log', 'job-%j.out')}`, ...args]);
      return out.trim().split(';')[0] ?? '';
    },
    async stopController() {
      const pid = Number(readFileSync(ctldPidFile, 'utf8').trim());
      process.kill(pid, 'SIGTERM');
      for (let attempt = 0; attempt < 200 && pidAlive(pid); attempt += 1) await sleep(50);
      if (pidAlive(pid)) throw new Error(`slurmctld (${pid}) still running 10 s after SIGTERM`);
    },
    async startController() {
      await new Promise<void>((resolve, reject) => {
        const child = spawn('slurmctld', [], { env, stdio: 'ignore' });
        child.once('error', reject);
        child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`slurmctld exited with ${code}`))));
      });
      for (let attempt = 0; attempt < 100; attempt += 1) {
        const answer = await run('scontrol', ['ping'], 3_000).catch(() => '');
        if (answer.includes('is UP')) return;
        await sleep(100);
      }
      throw new Error('slurmctld did not answer 10 s after restart');
    },
    async stop() {
      await execFileAsync('bash', [join(HERE, 'stop-slurm.sh')], { env: scriptEnv, timeout: 60_000 }).catch(
        () => undefined,
      );
      if (existsSync(base)) await rm(base, { recursive: true, force: true });
    },
  };
}

/** Polls `check` every `intervalMs` until it returns a value other than undefined, or throws after `timeoutMs` with `what`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(intervalMs);
  }
  throw new Error(
    `timed out waiting for ${what}${lastError instanceof Error ? ` (last error: ${lastError.message})` : ''}`,
  );
}

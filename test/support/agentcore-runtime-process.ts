/**
 * The AgentCore Runtime's code as the runtime runs it: the built bundle (`index.js` of
 * scripts/build-lambdas.ts `buildAgentCore`, every dependency inside) started with `node index.js`
 * in its own process, with the environment template.yaml gives `AgentRuntime` pointed at loopback
 * dynalite/s3rver (and any other override), on a free port (VGAC_HTTP_PORT=0; AgentCore uses 8080).
 * Its stdout (JSON log lines, EMF metrics) is collected; `cpuSeconds()` and `peakRssBytes()` read
 * the process's own counters from /proc (Linux), for the cost measurement.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface AgentCoreRuntimeProcess {
  readonly url: string;
  readonly pid: number;
  /** Every JSON line the process printed so far. */
  readonly lines: Record<string, unknown>[];
  /** User + system CPU time the process has used, seconds (/proc/<pid>/stat, clock ticks of 1/100 s). */
  cpuSeconds(): Promise<number>;
  /** Peak resident set size, bytes (/proc/<pid>/status VmHWM). */
  peakRssBytes(): Promise<number>;
  stop(): Promise<void>;
}

/** Linux's USER_HZ: /proc reports CPU times in these ticks per second. */
const CLOCK_TICKS_PER_SECOND = 100;

export async function startAgentCoreRuntimeProcess(
  directory: string,
  environment: Readonly<Record<string, string>>,
): Promise<AgentCoreRuntimeProcess> {
  const child: ChildProcess = spawn(process.execPath, [join(directory, 'index.js')], {
    cwd: directory,
    env: { PATH: process.env.PATH ?? '', VGAC_HTTP_PORT: '0', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  let pending = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the AgentCore runtime did not start in 30 s: ${stderr.slice(0, 500)}`)),
      30_000,
    );
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const complete = pending.split('\n');
      pending = complete.pop() ?? '';
      for (const text of complete) {
        if (!text.trimStart().startsWith('{')) continue;
        try {
          const line = JSON.parse(text) as Record<string, unknown>;
          lines.push(line);
          if (line['message'] === 'agentcore.listening' && typeof line['port'] === 'number') {
            clearTimeout(timer);
            resolve(line['port']);
          }
        } catch {
          // Not a JSON line.
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the AgentCore runtime exited (${String(code)}): ${stderr.slice(0, 500)}`));
    });
  });
  const pid = child.pid ?? -1;
  return {
    url: `http://127.0.0.1:${port}`,
    pid,
    lines,
    async cpuSeconds() {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces) start at state; utime and stime are fields 14 and 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
    },
    async peakRssBytes() {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const kilobytes = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
      return Number(kilobytes) * 1024;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Runs a command without a shell, with a hard timeout: Slurm clients block ~10 s when slurmctld
 * is down, so every call is bounded. Output is collected as text; nothing is logged here.
 */
import { spawn } from 'node:child_process';

export interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunCommandOptions {
  /** Killed (SIGKILL) after this many ms. */
  readonly timeoutMs: number;
  /** Environment of the child; undefined inherits the parent's. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Why a command gave no result. */
export const CommandFailure = { timeout: 'timeout', spawn: 'spawn' } as const;
export type CommandFailure = (typeof CommandFailure)[keyof typeof CommandFailure];

export class CommandError extends Error {
  readonly failure: CommandFailure;

  constructor(failure: CommandFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.failure = failure;
    this.name = 'CommandError';
  }
}

/**
 * Runs `file args…` and resolves with its exit code and output (a non-zero exit is a result, not
 * an error). Rejects with CommandError `timeout` when it runs longer than `timeoutMs`, or `spawn`
 * when it cannot be started (e.g. not installed).
 */
export function runCommand(file: string, args: readonly string[], options: RunCommandOptions): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, [...args], { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      child.kill('SIGKILL');
      reject(new CommandError(CommandFailure.timeout, `${file} did not finish within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(
        new CommandError(CommandFailure.spawn, `${file} could not be started: ${error.message}`, { cause: error }),
      );
    });
    child.on('close', (code, signal) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({
        exitCode: code ?? (signal === null ? 1 : 128),
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
  });
}

/** The real `vgac` CLI (`node bin/vgac.js`) in a child process, from the repository root: exit code and output as a user sees them. */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';

export const REPOSITORY_ROOT = resolve(import.meta.dirname, '../..');

export interface VgacRun {
  /** Exit code; -1 when the process was killed (timeout). */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `vgac ...args` with the test's environment; resolves (never rejects) after at most 60 s. */
export function runVgac(...args: string[]): Promise<VgacRun> {
  return runVgacWithEnv({}, ...args);
}

/**
 * As {@link runVgac}, with `env` laid over the test's environment. The AWS SDK's Node-version
 * notice is switched off: it would add lines to the stderr the tests read.
 */
export function runVgacWithEnv(env: Readonly<Record<string, string>>, ...args: string[]): Promise<VgacRun> {
  return runVgacAt(REPOSITORY_ROOT, env, ...args);
}

/** As {@link runVgacWithEnv}, with the `bin/vgac.js` of a copy of the repository at `root`, run from there. */
export function runVgacAt(root: string, env: Readonly<Record<string, string>>, ...args: string[]): Promise<VgacRun> {
  const childEnv = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env };
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(root, 'bin/vgac.js'), ...args],
      { cwd: root, timeout: 60_000, env: childEnv },
      (error, stdout, stderr) => {
        done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
      },
    );
  });
}

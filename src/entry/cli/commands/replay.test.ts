import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDataPath, SharedDataFile } from '../../../../test/support/shared-data.ts';

/** Runs the real CLI in a child process: exit code and stderr exactly as a user sees them. */
function vgac(...args: string[]): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, ['bin/vgac.js', 'replay', ...args], { encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' } });
  return { status: result.status, stderr: result.stderr };
}

describe('vgac replay', () => {
  it('replay with a missing trace file exits 2 with one line naming the file', () => {
    const result = vgac('--trace', '/nonexistent/kth.swf');

    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe("vgac replay: cannot read trace '/nonexistent/kth.swf': no such file");
  });

  it('replay with a wrong --format exits 2 naming the allowed formats', () => {
    const result = vgac('--trace', 'x.swf', '--format', 'csv');

    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--format must be one of swf, alibaba-gpu, sacct, got 'csv'/);
  });

  it('replay of a file that is not in the named format exits 2 without a stack trace', () => {
    const directory = mkdtempSync(join(tmpdir(), 'vgac-replay-test-'));
    const path = join(directory, 'garbage.swf');
    writeFileSync(path, 'this is not\na workload log\nat all\n');

    const result = vgac('--trace', path, '--format', 'swf');

    expect(result.status).toBe(2);
    expect(result.stderr.split('\n').filter((line) => line !== '')).toHaveLength(1);
    expect(result.stderr).toMatch(/^vgac replay: /);
  });

  it('replay needs exactly one of --data and --trace', () => {
    const neither = vgac();
    const both = vgac('--data', 'a.csv', '--trace', 'b.swf');

    expect(neither.status).toBe(2);
    expect(both.status).toBe(2);
    expect(neither.stderr).toMatch(/exactly one of --data FILE or --trace FILE/);
  });

  it('replay --data with a missing prior bundle exits 2 naming it', () => {
    const result = vgac('--data', sharedDataPath(SharedDataFile.slurmTraining), '--prior', '/nonexistent/prior.json');

    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe("vgac replay: cannot read prior bundle '/nonexistent/prior.json': no such file");
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedDataPath, SharedDataFile } from '../../../../test/support/shared-data.ts';

/** Runs the real CLI in a child process: exit code and stderr exactly as a user sees them. */
function vgac(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['bin/vgac.js', 'replay', ...args], {
    encoding: 'utf8',
    env: { ...process.env, NODE_NO_WARNINGS: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** An SWF log of `count` one-processor jobs, one every 5 minutes, job i waiting ((i·7 mod 50) + 1) minutes and running 30. */
function swfLog(count: number): string {
  const lines = ['; UnixStartTime: 1709539200'];
  for (let index = 0; index < count; index += 1) {
    const wait = (((index * 7) % 50) + 1) * 60;
    // job submit wait run procs cpu mem reqprocs reqtime reqmem status user group exe queue partition preceding think
    lines.push(
      [index + 1, index * 300, wait, 1800, 1, -1, -1, 1, 3600, -1, 1, 1 + (index % 5), 1, -1, 1, 1, -1, -1].join(' '),
    );
  }
  return `${lines.join('\n')}\n`;
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

describe('vgac replay output', () => {
  it('replay --json prints the report as JSON on stdout, --out FILE writes the same JSON, and no progress goes to a stderr that is not a terminal', () => {
    const directory = mkdtempSync(join(tmpdir(), 'vgac-replay-json-'));
    const trace = join(directory, 'small.swf');
    const out = join(directory, 'report.json');
    writeFileSync(trace, swfLog(160));

    const result = vgac('--trace', trace, '--warmup', '60', '--json', '--out', out);

    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    const printed = JSON.parse(result.stdout) as { format: string; store: string; jobs: unknown[] };
    // 160 jobs, 60 of history: every job after the history is predicted.
    expect(printed).toMatchObject({ format: 'swf', store: 'memory' });
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(printed);
  }, 60_000);

  it('replay --json FILE (the old meaning) is refused: --json takes no value, --out FILE writes a file', () => {
    const result = vgac('--trace', 'x.swf', '--json', 'report.json');

    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});

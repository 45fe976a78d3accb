import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findExecutable, parseCfnLintOutput, runCfnLint } from './cfn-lint.ts';

describe('cfn-lint', () => {
  let directory = '';

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'vgac-cfn-lint-'));
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  // Lines as cfn-lint 1.51.0 printed them for a template with an unused parameter and an unknown property.
  it('parseCfnLintOutput reads severity, rule, line and message, keeping colons in paths and messages', () => {
    const output = [
      '/tmp/a:b/fixture.yaml:3:3:3:9:W2001:Parameter Unused not used.',
      "/tmp/a:b/fixture.yaml:10:7:10:12:E3002:Additional properties are not allowed ('Bogus' was unexpected)",
      'template.yaml:5:1:5:2:I3011:Note: a: b',
      '',
      'Traceback (most recent call last):',
    ].join('\n');

    const parsed = parseCfnLintOutput(output);

    expect(parsed.findings).toEqual([
      { severity: 'warning', rule: 'W2001', line: 3, message: 'Parameter Unused not used.' },
      {
        severity: 'error',
        rule: 'E3002',
        line: 10,
        message: "Additional properties are not allowed ('Bogus' was unexpected)",
      },
      { severity: 'informational', rule: 'I3011', line: 5, message: 'Note: a: b' },
    ]);
    expect(parsed.unparsed).toEqual(['Traceback (most recent call last):']);
  });

  it('findExecutable returns the first executable file of that name on the path, skipping non-executable files and directories', async () => {
    const [plain, folder, runnable] = ['plain', 'folder', 'runnable'].map((name) => join(directory, name)) as [
      string,
      string,
      string,
    ];
    await Promise.all([plain, folder, runnable].map((path) => mkdir(path)));
    await writeFile(join(plain, 'tool'), '#!/bin/sh\n');
    await mkdir(join(folder, 'tool'));
    await writeFile(join(runnable, 'tool'), '#!/bin/sh\n');
    await chmod(join(runnable, 'tool'), 0o755);

    expect(findExecutable('tool', [plain, folder, '', runnable].join(delimiter))).toBe(join(runnable, 'tool'));
    expect(findExecutable('tool', [plain, folder].join(delimiter))).toBeUndefined();
    expect(findExecutable('tool', undefined)).toBeUndefined();
  });

  it('runCfnLint reports a program that exits 1 as a failed run, naming what went wrong', async () => {
    const outcome = await runCfnLint('/bin/false', join(directory, 'template.yaml'));

    expect(outcome).toMatchObject({ status: 'failed', executable: '/bin/false' });
    expect(outcome.status === 'failed' ? outcome.message : '').toMatch(
      /^Command failed: \/bin\/false --format parseable -- /,
    );
  });

  it('runCfnLint reports a missing executable as a failed run', async () => {
    const outcome = await runCfnLint(join(directory, 'nope'), join(directory, 'template.yaml'));

    expect(outcome).toMatchObject({ status: 'failed' });
    expect(outcome.status === 'failed' ? outcome.message : '').toMatch(/ENOENT/);
  });
});

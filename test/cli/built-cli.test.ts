/**
 * The compiled CLI (scripts/build-cli.ts → dist/cli) and bin/vgac.js's staleness rule: the build
 * runs only while every file it was built from is unchanged, the TypeScript sources otherwise.
 * On a copy of the repository in a temporary folder (node_modules linked), so the repository's
 * own dist/ and sources are never touched. Which of the two ran is told apart by a mark written
 * into the built main.js after each build: the sources never print it.
 */
import { cp, mkdtemp, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildCli, CLI_MANIFEST, CLI_OUT_DIR } from '../../scripts/build-cli.ts';
import { REPOSITORY_ROOT, runVgacAt } from '../support/run-vgac.ts';

const SOURCE_HELP = 'usage: vgac <command> [options]';
const BUILT_HELP = 'usage: vgac(built) <command> [options]';
/** Imported by `predict` (and other commands) only when it runs: in a lazily loaded chunk. */
const LAZY_SOURCE = 'src/entry/cli/load-feature-table.ts';

let copy = '';
const vgac = (...args: string[]) => runVgacAt(copy, {}, ...args);

/** Builds the copy and marks its built main.js, so its `--help` tells the build from the sources. */
async function buildAndMark(): Promise<void> {
  await buildCli(copy);
  const mainPath = join(copy, CLI_OUT_DIR, 'main.js');
  const built = await readFile(mainPath, 'utf8');
  expect(built).toContain(SOURCE_HELP);
  await writeFile(mainPath, built.replace(SOURCE_HELP, BUILT_HELP));
}

beforeAll(async () => {
  copy = await mkdtemp(join(tmpdir(), 'vgac-built-cli-'));
  for (const path of ['src', 'bin', 'scripts', 'package.json', 'tsconfig.json'])
    await cp(join(REPOSITORY_ROOT, path), join(copy, path), { recursive: true });
  await symlink(join(REPOSITORY_ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
});

afterAll(async () => {
  if (copy !== '') await rm(copy, { recursive: true, force: true });
});

describe('bin/vgac.js with a compiled CLI', () => {
  beforeEach(buildAndMark, 120_000);

  it('bin/vgac.js runs the build while the sources are unchanged', async () => {
    const run = await vgac('--help');

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(BUILT_HELP);
  }, 120_000);

  it('bin/vgac.js runs the sources once a source file has another mtime, even an older one, its content unchanged', async () => {
    const path = join(copy, 'src/entry/cli/main.ts');
    const before = await stat(path);
    await utimes(path, before.atime, new Date(before.mtimeMs - 86_400_000));

    const run = await vgac('--help');

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(SOURCE_HELP);
  }, 120_000);

  it('bin/vgac.js runs the current source of a lazily imported module edited after the build', async () => {
    const args = ['predict', '--bundle', join(copy, 'no-such-bundle.json'), '--job', '{}'];
    const beforeEdit = await vgac(...args);
    const path = join(copy, LAZY_SOURCE);
    const source = await readFile(path, 'utf8');
    expect(source).toContain("ENOENT: 'no such file'");
    await writeFile(path, source.replace("ENOENT: 'no such file'", "ENOENT: 'no such file (edited after the build)'"));

    const afterEdit = await vgac(...args);

    expect(beforeEdit.code).toBe(2);
    expect(beforeEdit.stderr).toContain(': no such file\n');
    expect(afterEdit.code).toBe(2);
    expect(afterEdit.stderr).toContain(': no such file (edited after the build)\n');
  }, 120_000);

  it('bin/vgac.js runs the sources when a file the build read is gone, or the manifest is', async () => {
    const manifest = JSON.parse(await readFile(join(copy, CLI_OUT_DIR, CLI_MANIFEST), 'utf8')) as {
      inputs: Record<string, unknown>;
    };
    expect(Object.keys(manifest.inputs)).toContain(LAZY_SOURCE);
    await rm(join(copy, 'tsconfig.json'));

    const withoutInput = await vgac('--help');
    await rm(join(copy, CLI_OUT_DIR, CLI_MANIFEST));
    await cp(join(REPOSITORY_ROOT, 'tsconfig.json'), join(copy, 'tsconfig.json'));
    const withoutManifest = await vgac('--help');

    expect(withoutInput.stdout.split('\n')[0]).toBe(SOURCE_HELP);
    expect(withoutManifest.stdout.split('\n')[0]).toBe(SOURCE_HELP);
  }, 120_000);
});

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_SIZE_TARGET_BYTES, buildLambdas, esbuildOptionsFor, missingEntries } from './build-lambdas.ts';
import type { LambdaFunction } from './lambda-functions.ts';

const REPOSITORY = join(import.meta.dirname, '..');
const fixture = (name: string, entry: string): LambdaFunction => ({ logicalId: 'FixtureFunction', name, entry, trigger: 'test' });

describe('esbuildOptionsFor', () => {
  it('esbuildOptionsFor targets ESM on node22, minified, without sourcemaps, keeping @aws-sdk external', () => {
    const options = esbuildOptionsFor(fixture('api', 'src/entry/lambda/api.ts'), '/repo', '/repo/dist/lambda');

    expect(options).toMatchObject({
      entryPoints: ['/repo/src/entry/lambda/api.ts'],
      outfile: '/repo/dist/lambda/api/index.mjs',
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node22',
      minify: true,
      treeShaking: true,
      sourcemap: false,
      external: ['@aws-sdk/*'],
    });
  });
});

describe('missingEntries', () => {
  it('missingEntries lists every entry file that does not exist', () => {
    const functions = [fixture('a', 'src/a.ts'), fixture('b', 'src/b.ts'), fixture('c', 'src/c.ts')];

    const missing = missingEntries(functions, '/repo', (path) => path === '/repo/src/b.ts');

    expect(missing).toEqual(['src/a.ts', 'src/c.ts']);
  });
});

describe('buildLambdas', () => {
  // Inside the repository so the fixtures resolve zod and @aws-sdk from its node_modules.
  let work = '';

  beforeAll(async () => {
    await mkdir(join(REPOSITORY, 'node_modules/.cache'), { recursive: true });
    work = await mkdtemp(join(REPOSITORY, 'node_modules/.cache/build-lambdas-'));
    await writeFile(join(work, 'echo.ts'), [
      "import { z } from 'zod';",
      "const Event = z.object({ name: z.string() });",
      'export const handler = async (event: unknown) => ({ hello: Event.parse(event).name });',
    ].join('\n'));
    await writeFile(join(work, 'sdk.ts'), [
      "import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';",
      'const client = new DynamoDBClient({});',
      'export const handler = async () => client.send(new ListTablesCommand({}));',
    ].join('\n'));
  });

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('buildLambdas writes a runnable ESM bundle with its dependencies inlined and reports its size', async () => {
    const out = join(work, 'dist');

    const [report] = await buildLambdas([fixture('echo', 'echo.ts')], work, out);

    const bundle = join(out, 'echo/index.mjs');
    const module = (await import(pathToFileURL(bundle).href)) as { handler: (event: unknown) => Promise<unknown> };
    expect(await module.handler({ name: 'gpu' })).toEqual({ hello: 'gpu' });
    expect(report?.bytes).toBe(Buffer.byteLength(await readFile(bundle)));
    expect(report?.overTarget).toBe((report?.bytes ?? 0) > BUNDLE_SIZE_TARGET_BYTES);
  });

  it('buildLambdas leaves @aws-sdk imports to the runtime instead of bundling them', async () => {
    const out = join(work, 'dist');

    const [report] = await buildLambdas([fixture('sdk', 'sdk.ts')], work, out);

    const code = await readFile(join(out, 'sdk/index.mjs'), 'utf8');
    expect(code).toMatch(/from\s*"@aws-sdk\/client-dynamodb"/);
    // The DynamoDB client alone is hundreds of KB; externalised, the bundle stays tiny.
    expect(report?.bytes).toBeLessThan(10 * 1024);
  });

  it('buildLambdas refuses to build anything when an entry is missing, naming every missing file', async () => {
    const out = join(work, 'refused');

    const attempt = buildLambdas([fixture('echo', 'echo.ts'), fixture('x', 'missing/x.ts'), fixture('y', 'missing/y.ts')], work, out);

    await expect(attempt).rejects.toThrow('missing Lambda entry files (each must export `handler`): missing/x.ts, missing/y.ts');
    await expect(readFile(join(out, 'echo/index.mjs'))).rejects.toThrow(/ENOENT/);
  });
});

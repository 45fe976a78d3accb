import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unzipSync } from 'fflate';
import { buildAgentCore, buildLambdas, esbuildOptionsFor, missingEntries } from './build-lambdas.ts';
import { LAMBDA_FUNCTIONS, type LambdaFunction } from './lambda-functions.ts';

const REPOSITORY = join(import.meta.dirname, '..');
const fixture = (name: string, entry: string): LambdaFunction => ({
  logicalId: 'FixtureFunction',
  name,
  entry,
  trigger: 'test',
});

describe('esbuildOptionsFor', () => {
  it('esbuildOptionsFor targets ESM on node22, minified, without sourcemaps, keeping @aws-sdk external, the entry as index.mjs and lazy chunks apart', () => {
    const options = esbuildOptionsFor(fixture('api', 'src/entry/lambda/api.ts'), '/repo', '/repo/dist/lambda');

    expect(options).toMatchObject({
      entryPoints: { index: '/repo/src/entry/lambda/api.ts' },
      outdir: '/repo/dist/lambda/api',
      outExtension: { '.js': '.mjs' },
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
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
    await writeFile(
      join(work, 'echo.ts'),
      [
        "import * as z from 'zod';",
        'const Event = z.object({ name: z.string() });',
        'export const handler = async (event: unknown) => ({ hello: Event.parse(event).name });',
      ].join('\n'),
    );
    await writeFile(
      join(work, 'schema.ts'),
      [
        "import * as z from 'zod';",
        'export const handler = async () => z.toJSONSchema(z.object({ name: z.string() }));',
      ].join('\n'),
    );
    await writeFile(
      join(work, 'lazy.ts'),
      ["export const handler = async () => (await import('./later.ts')).answer;"].join('\n'),
    );
    await writeFile(join(work, 'later.ts'), "export const answer = 'x'.repeat(2048);\n");
    await mkdir(join(work, 'pages'), { recursive: true });
    await writeFile(join(work, 'pages/index.html'), '<p>page</p>');
    await writeFile(
      join(work, 'page.ts'),
      [
        "import { readFile } from 'node:fs/promises';",
        "export const handler = async () => readFile(new URL('./static/index.html', import.meta.url), 'utf8');",
      ].join('\n'),
    );
    await writeFile(
      join(work, 'sdk.ts'),
      [
        "import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';",
        'const client = new DynamoDBClient({});',
        'export const handler = async () => client.send(new ListTablesCommand({}));',
      ].join('\n'),
    );
    await writeFile(
      join(work, 'sdk-later.ts'),
      [
        "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
        'const client = new DynamoDBClient({});',
        "export const handler = async () => [typeof client.send, typeof (await import('@aws-sdk/client-s3')).S3Client];",
      ].join('\n'),
    );
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
  });

  it("buildLambdas copies a function's assets beside its bundle, where the bundle reads them relative to import.meta.url, and counts them in its size", async () => {
    const out = join(work, 'dist');

    const [report] = await buildLambdas(
      [{ ...fixture('page', 'page.ts'), assets: { from: 'pages', to: 'static' } }],
      work,
      out,
    );

    const module = (await import(pathToFileURL(join(out, 'page/index.mjs')).href)) as {
      handler: () => Promise<string>;
    };
    expect(await module.handler()).toBe('<p>page</p>');
    expect(report?.bytes).toBe(
      Buffer.byteLength(await readFile(join(out, 'page/index.mjs'))) + Buffer.byteLength('<p>page</p>'),
    );
  });

  it("buildLambdas bundles third-party code as published: zod's JSON-Schema generator works in the bundle", async () => {
    const out = join(work, 'dist');

    await buildLambdas([fixture('schema', 'schema.ts')], work, out);

    const module = (await import(pathToFileURL(join(out, 'schema/index.mjs')).href)) as {
      handler: () => Promise<unknown>;
    };
    expect(await module.handler()).toMatchObject({
      type: 'object',
      properties: { name: { type: 'string' } },
      required: ['name'],
    });
  });

  it('buildLambdas counts lazily imported chunks in the bundle size but not in what a cold start loads', async () => {
    const out = join(work, 'dist');

    const [report] = await buildLambdas([fixture('lazy', 'lazy.ts')], work, out);

    const entryBytes = Buffer.byteLength(await readFile(join(out, 'lazy/index.mjs')));
    const chunkFiles = (await readdir(join(out, 'lazy/chunks'))).map((name) => join(out, 'lazy/chunks', name));
    const chunkBytes = (
      await Promise.all(chunkFiles.map(async (file) => Buffer.byteLength(await readFile(file))))
    ).reduce((sum, bytes) => sum + bytes, 0);
    const module = (await import(pathToFileURL(join(out, 'lazy/index.mjs')).href)) as {
      handler: () => Promise<string>;
    };
    expect(await module.handler()).toBe('x'.repeat(2048));
    expect(chunkFiles.length).toBeGreaterThan(0);
    expect(report?.startupBytes).toBe(entryBytes);
    expect(report?.bytes).toBe(entryBytes + chunkBytes);
  });

  it('buildLambdas leaves @aws-sdk imports to the runtime instead of bundling them', async () => {
    const out = join(work, 'dist');

    const [report] = await buildLambdas([fixture('sdk', 'sdk.ts')], work, out);

    const code = await readFile(join(out, 'sdk/index.mjs'), 'utf8');
    expect(code).toMatch(/from\s*"@aws-sdk\/client-dynamodb"/);
    // The DynamoDB client alone is hundreds of KB; externalised, the bundle stays tiny.
    expect(report?.bytes).toBeLessThan(10 * 1024);
  });

  it('buildLambdas lists the SDK packages a cold start imports, not those imported on first use', async () => {
    const out = join(work, 'dist');

    const [report] = await buildLambdas([fixture('sdk-later', 'sdk-later.ts')], work, out);

    const code = await readFile(join(out, 'sdk-later/index.mjs'), 'utf8');
    expect(code).toMatch(/import\(\s*"@aws-sdk\/client-s3"\s*\)/);
    expect(report?.startupPackages).toEqual(['@aws-sdk/client-dynamodb']);
  });

  it("buildLambdas: the API function's cold start imports the DynamoDB SDK only (S3, SNS, SSM and the agents' clients on first use)", async () => {
    const api = LAMBDA_FUNCTIONS.find((fn) => fn.logicalId === 'ApiFunction');
    if (api === undefined) throw new Error('no ApiFunction in LAMBDA_FUNCTIONS');

    const [report] = await buildLambdas([api], REPOSITORY, join(work, 'functions'));

    expect(report?.startupPackages).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb']);
  });

  it('buildLambdas refuses to build anything when an entry is missing, naming every missing file', async () => {
    const out = join(work, 'refused');

    const attempt = buildLambdas(
      [fixture('echo', 'echo.ts'), fixture('x', 'missing/x.ts'), fixture('y', 'missing/y.ts')],
      work,
      out,
    );

    await expect(attempt).rejects.toThrow(
      'missing Lambda entry files (each must export `handler`): missing/x.ts, missing/y.ts',
    );
    await expect(readFile(join(out, 'echo/index.mjs'))).rejects.toThrow(/ENOENT/);
  });
});

describe('buildAgentCore', () => {
  let work = '';

  beforeAll(async () => {
    await mkdir(join(REPOSITORY, 'node_modules/.cache'), { recursive: true });
    work = await mkdtemp(join(REPOSITORY, 'node_modules/.cache/build-agentcore-'));
  });

  afterAll(async () => {
    if (work !== '') await rm(work, { recursive: true, force: true });
  });

  it('buildAgentCore zips one self-contained ES module (no import left to the runtime but node:) and an ES-module package.json, world-readable, the same bytes every build', async () => {
    const first = await buildAgentCore(REPOSITORY, join(work, 'first'));
    const second = await buildAgentCore(REPOSITORY, join(work, 'second'));

    const entries = unzipSync(new Uint8Array(await readFile(first.zipPath)));
    const code = new TextDecoder().decode(entries['index.js']);
    const imported = [...code.matchAll(/(?:^|[;}\s])import\s*(?:[\w*{},\s]+from\s*)?["']([^"']+)["']/g)].map(
      (match) => match[1] as string,
    );
    expect(Object.keys(entries).sort()).toEqual(['index.js', 'package.json']);
    expect(JSON.parse(new TextDecoder().decode(entries['package.json']))).toMatchObject({
      type: 'module',
      main: 'index.js',
    });
    expect(imported.length).toBeGreaterThan(0);
    expect(imported.filter((specifier) => !specifier.startsWith('node:'))).toEqual([]);
    expect(second.sha256).toBe(first.sha256);
    // Unix mode 0644 in the central directory's external attributes (upper 16 bits), as `zipinfo` shows `-rw-r--r--`.
    const zip = await readFile(first.zipPath);
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    expect((zip.readUInt32LE(central + 38) >>> 16) & 0o777).toBe(0o644);
  }, 120_000);
});

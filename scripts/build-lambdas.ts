/**
 * `npm run build`: bundles every Lambda in LAMBDA_FUNCTIONS with esbuild into
 * `dist/lambda/<name>/index.mjs` (the template's CodeUri + Handler `index.handler`) and prints
 * each bundle's size, what of it a cold start loads and which SDK packages it imports then. Third-party code is bundled as published
 * (no source rewrites or stubs of its internals).
 *
 * Fails (exit 1) before building anything when an entry file is missing, naming every missing
 * one — CI must never deploy a template whose code does not exist.
 *
 * usage: node --import tsx scripts/build-lambdas.ts [--root DIR] [--out DIR]
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { zipSync } from 'fflate';
import { AGENTCORE_BUNDLE, LAMBDA_FUNCTIONS, type LambdaFunction } from './lambda-functions.ts';

/**
 * esbuild options for one function.
 * - ESM (`.mjs`), platform node, target node22, deployed on the nodejs24.x runtime. esbuild's
 *   target only decides which syntax it lowers: node22 and node24 give byte-identical bundles
 *   today (all nine compared), and node22 keeps them loadable by Node 22 too — a stack redeployed
 *   on nodejs22.x, and the tests and bench that import the bundles on the local Node — should a
 *   dependency start using syntax that only Node 24 parses.
 * - `@aws-sdk/*` stays external: the nodejs24.x runtime ships AWS SDK v3, so bundling it would
 *   only add hundreds of KB per function and slow cold starts. (Pin it in the bundle instead if
 *   a feature needs an SDK version newer than the runtime's.)
 * - Everything else (zod, hono, Powertools, our code) is bundled, minified and tree-shaken.
 * - The banner defines `require` for CommonJS dependencies bundled into ESM (esbuild's
 *   "Dynamic require of 'x' is not supported" otherwise).
 * - No sourcemap: smaller bundles; stack traces name the minified code, logs carry context.
 * - `legalComments: 'none'`, `charset: 'utf8'`: no license banners, non-ASCII text not escaped.
 * - Code splitting: what a handler reaches only through `import()` (lazy-*.ts: the S3, SSM and
 *   SNS adapters with their SDK clients) lands in `chunks/`, loaded on first use, so a cold start
 *   imports only what every invocation needs. The entry stays `index.mjs` (`index.handler`).
 */
export function esbuildOptionsFor(fn: LambdaFunction, rootDirectory: string, outDirectory: string): BuildOptions {
  return {
    entryPoints: { index: resolve(rootDirectory, fn.entry) },
    outdir: join(outDirectory, fn.name),
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
    banner: {
      js: 'import{createRequire as __vgacRequire}from"node:module";const require=__vgacRequire(import.meta.url);',
    },
    legalComments: 'none',
    // Raw UTF-8 (Node reads ESM as UTF-8) instead of \uXXXX escapes for the many '—', '≤', '→' in our messages.
    charset: 'utf8',
    logLevel: 'warning',
  };
}

/** Entry files (relative paths) that do not exist under `rootDirectory`. */
export function missingEntries(
  functions: readonly LambdaFunction[],
  rootDirectory: string,
  exists: (path: string) => boolean = existsSync,
): string[] {
  return functions.filter((fn) => !exists(resolve(rootDirectory, fn.entry))).map((fn) => fn.entry);
}

export interface BundleReport {
  readonly name: string;
  /** Every file of the function's bundle directory (entry + lazily loaded chunks + a carried AgentCore zip): what is deployed. */
  readonly bytes: number;
  /** Of `bytes`, the AgentCore code zip the function carries (never loaded by the function itself). */
  readonly carriedBytes: number;
  /** `index.mjs` and the chunks it imports statically: what every cold start loads (the rest loads on first use). */
  readonly startupBytes: number;
  /** The external packages (the runtime's `@aws-sdk/*`) that those files import statically, sorted. */
  readonly startupPackages: readonly string[];
}

/** Total size of every file under `directory`, in bytes. */
async function directoryBytes(directory: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(directory, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

/**
 * What a cold start loads: the bytes of `index.mjs` plus every output chunk reachable from it
 * through static imports (esbuild metafile), and the external packages (`@aws-sdk/*`) those files
 * import statically — each costs its own module evaluation at cold start, e.g. ≈ 100 ms of CPU
 * for @aws-sdk/client-s3 on Node 20 — sorted, `node:` built-ins left out.
 */
function startupOf(metafile: Metafile, entryFile: string): { bytes: number; packages: string[] } {
  const outputs = new Map(Object.entries(metafile.outputs).map(([path, output]) => [resolve(path), output]));
  const seen = new Set<string>();
  const packages = new Set<string>();
  const pending = [resolve(entryFile)];
  let bytes = 0;
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    const output = outputs.get(path);
    if (output === undefined || seen.has(path)) continue;
    seen.add(path);
    bytes += output.bytes;
    for (const imported of output.imports) {
      if (imported.kind !== 'import-statement') continue;
      if (imported.external !== true) pending.push(resolve(imported.path));
      else if (!imported.path.startsWith('node:')) packages.add(imported.path);
    }
  }
  return { bytes, packages: [...packages].sort() };
}

/**
 * esbuild options for the AgentCore Runtime's code: one ES module (no splitting: the runtime
 * starts `index.js`), Node 22, every dependency bundled — the AWS SDK too, since the managed
 * runtime provides none we can rely on — minified.
 */
export function agentCoreEsbuildOptions(rootDirectory: string, directory: string): BuildOptions {
  return {
    entryPoints: [resolve(rootDirectory, AGENTCORE_BUNDLE.entry)],
    outfile: join(directory, AGENTCORE_BUNDLE.entryPoint),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    minify: true,
    treeShaking: true,
    sourcemap: false,
    banner: {
      js: 'import{createRequire as __vgacRequire}from"node:module";const require=__vgacRequire(import.meta.url);',
    },
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'warning',
  };
}

/** A fixed timestamp for every zip entry: the same sources give the same zip (and the same content-addressed S3 key). */
const ZIP_ENTRY_TIME = new Date('2026-01-01T00:00:00Z');

export interface AgentCoreArtifact {
  /** `<directory>/index.js` + `package.json`: what the zip holds. */
  readonly directory: string;
  readonly zipPath: string;
  readonly bundleBytes: number;
  readonly zipBytes: number;
  /** SHA-256 hex of the zip (the published object's key). */
  readonly sha256: string;
}

/**
 * Builds the AgentCore Runtime's code into `directory` and zips it beside it (`<directory>.zip`):
 * index.js and a package.json making it an ES module, both world-readable (AgentCore keeps the
 * zip's POSIX permissions).
 */
export async function buildAgentCore(rootDirectory: string, directory: string): Promise<AgentCoreArtifact> {
  await rm(directory, { recursive: true, force: true });
  await mkdir(directory, { recursive: true });
  await build(agentCoreEsbuildOptions(rootDirectory, directory));
  const packageJson = `${JSON.stringify({ name: 'vgac-agentcore-runtime', private: true, type: 'module', main: AGENTCORE_BUNDLE.entryPoint }, null, 2)}\n`;
  await writeFile(join(directory, 'package.json'), packageJson);
  const code = await readFile(join(directory, AGENTCORE_BUNDLE.entryPoint));
  const readable = { mtime: ZIP_ENTRY_TIME, os: 3, attrs: 0o100644 << 16 };
  const zip = zipSync(
    {
      [AGENTCORE_BUNDLE.entryPoint]: [code, readable],
      'package.json': [new TextEncoder().encode(packageJson), readable],
    },
    { level: 9 },
  );
  const zipPath = `${directory}.zip`;
  await writeFile(zipPath, zip);
  return {
    directory,
    zipPath,
    bundleBytes: code.length,
    zipBytes: zip.length,
    sha256: createHash('sha256').update(zip).digest('hex'),
  };
}

/**
 * Builds every function; throws when an entry is missing (before building anything). A function
 * that carries the AgentCore code gets the zip built into `agentCoreDirectory` (default
 * `<outDirectory>/../agentcore`) copied into its directory as `agentcore.zip`.
 */
export async function buildLambdas(
  functions: readonly LambdaFunction[],
  rootDirectory: string,
  outDirectory: string,
  agentCoreDirectory: string = join(outDirectory, '..', AGENTCORE_BUNDLE.name),
): Promise<BundleReport[]> {
  const missing = missingEntries(functions, rootDirectory);
  if (missing.length > 0) {
    throw new Error(
      `missing Lambda entry file${missing.length > 1 ? 's' : ''} (each must export \`handler\`): ${missing.join(', ')}`,
    );
  }
  const agentCore = functions.some((fn) => fn.carriesAgentCoreZip === true)
    ? await buildAgentCore(rootDirectory, agentCoreDirectory)
    : undefined;
  const reports: BundleReport[] = [];
  for (const fn of functions) {
    await rm(join(outDirectory, fn.name), { recursive: true, force: true });
    await mkdir(join(outDirectory, fn.name), { recursive: true });
    const result = await build({ ...esbuildOptionsFor(fn, rootDirectory, outDirectory), metafile: true });
    if (fn.assets !== undefined)
      await cp(resolve(rootDirectory, fn.assets.from), join(outDirectory, fn.name, fn.assets.to), { recursive: true });
    const carriedBytes =
      fn.carriesAgentCoreZip === true && agentCore !== undefined
        ? (await copyFile(agentCore.zipPath, join(outDirectory, fn.name, AGENTCORE_BUNDLE.zip)), agentCore.zipBytes)
        : 0;
    const bytes = await directoryBytes(join(outDirectory, fn.name));
    const startup = startupOf(result.metafile, join(outDirectory, fn.name, 'index.mjs'));
    reports.push({
      name: fn.name,
      bytes,
      carriedBytes,
      startupBytes: startup.bytes,
      startupPackages: startup.packages,
    });
  }
  return reports;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      root: { type: 'string', default: '.' },
      out: { type: 'string' },
    },
    strict: true,
  });
  const rootDirectory = resolve(values.root);
  const outDirectory = resolve(values.out ?? join(rootDirectory, 'dist/lambda'));
  let reports: BundleReport[];
  try {
    reports = await buildLambdas(LAMBDA_FUNCTIONS, rootDirectory, outDirectory);
  } catch (error) {
    process.stderr.write(`build-lambdas: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  for (const report of reports) {
    const carried =
      report.carriedBytes > 0 ? `, carrying the ${(report.carriedBytes / 1024).toFixed(1)} KB AgentCore zip` : '';
    process.stdout.write(
      `${report.name.padEnd(16)} ${(report.bytes / 1024).toFixed(1).padStart(8)} KB  (loaded at cold start ${(report.startupBytes / 1024).toFixed(1)} KB${carried}; SDK at cold start: ${report.startupPackages.join(', ') || 'none'})\n`,
    );
  }
  const agentCoreZip = join(outDirectory, '..', `${AGENTCORE_BUNDLE.name}.zip`);
  if (existsSync(agentCoreZip)) {
    process.stdout.write(
      `${'agentcore'.padEnd(16)} ${((await stat(agentCoreZip)).size / 1024).toFixed(1).padStart(8)} KB  zip (${relative(rootDirectory, agentCoreZip)}; entry point ${AGENTCORE_BUNDLE.entryPoint}, runtime NODE_22)\n`,
    );
  }
  return 0;
}

// Run only as a script, not when a test imports the module.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main();
}

/**
 * `npm run build`: bundles every Lambda in LAMBDA_FUNCTIONS with esbuild into
 * `dist/lambda/<name>/index.mjs` (the template's CodeUri + Handler `index.handler`) and prints
 * each bundle's size against the 300 KB target.
 *
 * Fails (exit 1) before building anything when an entry file is missing, naming every missing
 * one — CI must never deploy a template whose code does not exist.
 *
 * usage: node --import tsx scripts/build-lambdas.ts [--root DIR] [--out DIR] [--enforce-size]
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { LAMBDA_FUNCTIONS, type LambdaFunction } from './lambda-functions.ts';

/** Per-bundle size target, bytes. */
export const BUNDLE_SIZE_TARGET_BYTES = 300 * 1024;

/**
 * zod 4's `import { z } from 'zod'` binds a re-exported namespace that esbuild cannot tree-shake:
 * every locale and the JSON-schema tooling come along (~440 KB minified). `import * as z` gives
 * the same `z` and tree-shakes to ~80 KB, so our sources are rewritten to it while bundling
 * (a textual rewrite of that one exact statement; type-only imports are erased anyway).
 * (Added by the Lambda helper, issue 6, for the 300 KB bundle target.)
 */
export const zodNamespaceImports: Plugin = {
  name: 'zod-namespace-imports',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      return { contents: source.replace(/^import \{ z \} from 'zod';$/gm, "import * as z from 'zod';"), loader: 'ts' };
    });
  },
};

/**
 * esbuild options for one function.
 * - ESM (`.mjs`), platform node, target node22: the nodejs22.x runtime.
 * - `@aws-sdk/*` stays external: the nodejs22.x runtime ships AWS SDK v3, so bundling it would
 *   only add hundreds of KB per function and slow cold starts. (Pin it in the bundle instead if
 *   a feature needs an SDK version newer than the runtime's.)
 * - Everything else (zod, hono, Powertools, our code) is bundled, minified and tree-shaken.
 * - The banner defines `require` for CommonJS dependencies bundled into ESM (esbuild's
 *   "Dynamic require of 'x' is not supported" otherwise).
 * - No sourcemap: smaller bundles; stack traces name the minified code, logs carry context.
 */
export function esbuildOptionsFor(fn: LambdaFunction, rootDirectory: string, outDirectory: string): BuildOptions {
  return {
    entryPoints: [resolve(rootDirectory, fn.entry)],
    outfile: join(outDirectory, fn.name, 'index.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    minify: true,
    treeShaking: true,
    sourcemap: false,
    external: ['@aws-sdk/*'],
    banner: { js: "import { createRequire as __vgacCreateRequire } from 'node:module'; const require = __vgacCreateRequire(import.meta.url);" },
    legalComments: 'none',
    plugins: [zodNamespaceImports],
    logLevel: 'warning',
  };
}

/** Entry files (relative paths) that do not exist under `rootDirectory`. */
export function missingEntries(functions: readonly LambdaFunction[], rootDirectory: string, exists: (path: string) => boolean = existsSync): string[] {
  return functions.filter((fn) => !exists(resolve(rootDirectory, fn.entry))).map((fn) => fn.entry);
}

export interface BundleReport {
  readonly name: string;
  readonly bytes: number;
  readonly overTarget: boolean;
}

/** Builds every function; throws when an entry is missing (before building anything). */
export async function buildLambdas(
  functions: readonly LambdaFunction[],
  rootDirectory: string,
  outDirectory: string,
): Promise<BundleReport[]> {
  const missing = missingEntries(functions, rootDirectory);
  if (missing.length > 0) {
    throw new Error(`missing Lambda entry file${missing.length > 1 ? 's' : ''} (each must export \`handler\`): ${missing.join(', ')}`);
  }
  const reports: BundleReport[] = [];
  for (const fn of functions) {
    await rm(join(outDirectory, fn.name), { recursive: true, force: true });
    await mkdir(join(outDirectory, fn.name), { recursive: true });
    await build(esbuildOptionsFor(fn, rootDirectory, outDirectory));
    const { size } = await stat(join(outDirectory, fn.name, 'index.mjs'));
    reports.push({ name: fn.name, bytes: size, overTarget: size > BUNDLE_SIZE_TARGET_BYTES });
  }
  return reports;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { root: { type: 'string', default: '.' }, out: { type: 'string' }, 'enforce-size': { type: 'boolean', default: false } },
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
    const flag = report.overTarget ? `  OVER the ${BUNDLE_SIZE_TARGET_BYTES / 1024} KB target` : '';
    process.stdout.write(`${report.name.padEnd(16)} ${(report.bytes / 1024).toFixed(1).padStart(8)} KB${flag}\n`);
  }
  const over = reports.filter((report) => report.overTarget);
  if (over.length > 0 && values['enforce-size']) {
    process.stderr.write(`build-lambdas: ${over.map((report) => report.name).join(', ')} over the size target\n`);
    return 1;
  }
  return 0;
}

// Run only as a script, not when a test imports the module.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main();
}

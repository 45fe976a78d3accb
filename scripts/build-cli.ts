/**
 * `npm run build:cli` (also the `prepare` script, so `npm ci` / `npm install` run it, and part of
 * `npm run build`): compiles the `vgac` command line — src/entry/cli/main.ts and everything it
 * imports — with esbuild into `dist/cli/`, so `bin/vgac.js` starts without transpiling TypeScript.
 * Commands that main.ts imports with `import()` become chunks loaded only when that command runs.
 *
 * Writes `dist/cli/manifest.json` last: every file the output depends on (each source file
 * esbuild read, plus this script, tsconfig.json and package.json) with its size and mtime.
 * bin/vgac.js runs dist/cli only while every one of them is unchanged, and the TypeScript
 * sources through tsx otherwise, so a stale build is never run.
 *
 * usage: node --import tsx scripts/build-cli.ts [--root DIR]
 */
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build, type BuildOptions, type Plugin } from 'esbuild';

/** Where the compiled CLI goes, relative to the repository root (bin/vgac.js reads the same path). */
export const CLI_OUT_DIR = 'dist/cli';
export const CLI_MANIFEST = 'manifest.json';
const CLI_ENTRY = 'src/entry/cli/main.ts';
/** Besides the sources esbuild reads: files whose change can change the output. */
const BUILD_INPUTS = ['scripts/build-cli.ts', 'tsconfig.json', 'package.json'];

/** One input of the build as it was when built: bin/vgac.js compares both with the file now. */
export interface ManifestEntry {
  readonly size: number;
  readonly mtimeMs: number;
}

export interface CliManifest {
  /** The module bin/vgac.js imports, relative to the manifest's folder. */
  readonly entry: string;
  /** Repository-relative path (with `/`) → the file as built. */
  readonly inputs: Readonly<Record<string, ManifestEntry>>;
}

/**
 * `import.meta.url` names the module's own file: two modules find files beside them through it
 * (the repository root, the dashboard's assets). Bundled, every module would get its chunk's URL
 * instead, so each source's `import.meta.url` becomes its source file's URL, derived from the
 * chunk's at run time (every chunk is written to `outDirectory` itself): the compiled CLI finds
 * the same files as the sources do, wherever the repository is moved.
 * `import.meta.dirname` / `filename` would need the same; refused instead (an error naming the file).
 */
export function sourceFileUrl(source: string, sourcePath: string, outDirectory: string): string {
  if (/import\.meta\.(dirname|filename)\b/.test(source)) {
    throw new Error(
      `${sourcePath}: import.meta.dirname/filename is not rewritten for the bundled CLI: use import.meta.url`,
    );
  }
  const fromChunk = relative(outDirectory, sourcePath).split(sep).join('/');
  return source.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromChunk)}, import.meta.url).href`);
}

/**
 * `import(NAME)` where NAME is a module-level `const NAME = '<specifier>'`: runtime.ts hides the
 * embedded servers from the Lambda bundles that way. esbuild leaves such an import as it is, and
 * a chunk in dist/cli would then look for `./local/embedded-aws.ts` beside itself; written as
 * `import('<specifier>')` it becomes a chunk loaded on first use, as a command is. Any other
 * `import()` of a name is refused (an error naming the file), not left to fail at run time.
 */
export function literalImportSpecifiers(source: string, sourcePath: string): string {
  return source.replace(/\bimport\(\s*([A-Za-z_$][\w$]*)\s*\)/g, (_call, name: string) => {
    const declared = new RegExp(`^(?:export )?const ${name.replaceAll('$', '\\$')} = '([^']+)';$`, 'm').exec(source);
    if (declared === null)
      throw new Error(
        `${sourcePath}: import(${name}) names no module-level string constant, so it cannot be bundled into the CLI`,
      );
    return `import(${JSON.stringify(declared[1])})`;
  });
}

/** Applies {@link sourceFileUrl} and {@link literalImportSpecifiers} to every TypeScript source of the bundle. */
export function cliSourceRewrites(outDirectory: string): Plugin {
  return {
    name: 'cli-source-rewrites',
    setup(pluginBuild) {
      pluginBuild.onLoad({ filter: /\.ts$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        try {
          return {
            contents: literalImportSpecifiers(sourceFileUrl(source, args.path, outDirectory), args.path),
            loader: 'ts',
          };
        } catch (error) {
          return { errors: [{ text: error instanceof Error ? error.message : String(error) }] };
        }
      });
    },
  };
}

/**
 * esbuild options for the CLI.
 * - ESM, platform node, target node20 (the oldest Node the package supports).
 * - Bundled with code splitting: main.ts plus what it imports statically in `main.js`; every
 *   `import()` (one per command) and the code commands share in chunks beside it, in the same
 *   folder (`sourceFileUrl` relies on that).
 * - Packages stay external: Node loads them from node_modules as it does for the sources.
 * - Not minified, with linked source maps: a stack trace stays readable.
 */
export function cliBuildOptions(rootDirectory: string, outDirectory: string): BuildOptions {
  return {
    absWorkingDir: rootDirectory,
    entryPoints: { main: resolve(rootDirectory, CLI_ENTRY) },
    outdir: outDirectory,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    // Raw UTF-8 (Node reads ESM as UTF-8) instead of \uXXXX escapes for the '—', '≤', '→' in our messages.
    charset: 'utf8',
    metafile: true,
    plugins: [cliSourceRewrites(outDirectory)],
    logLevel: 'warning',
  };
}

/**
 * Builds the CLI into `<root>/dist/cli` and writes its manifest. Returns the manifest, or throws
 * (esbuild's errors). When a source changed while it was being compiled, no manifest is written
 * (bin/vgac.js then runs the sources) and the message says to build again.
 */
export async function buildCli(rootDirectory: string): Promise<CliManifest> {
  const outDirectory = join(rootDirectory, CLI_OUT_DIR);
  // The manifest goes first and comes back last: a half-written dist/cli is never taken as current.
  await rm(outDirectory, { recursive: true, force: true });
  await mkdir(outDirectory, { recursive: true });
  const startedAtMs = Date.now();
  const result = await build(cliBuildOptions(rootDirectory, outDirectory));
  const files = [...Object.keys(result.metafile?.inputs ?? {}), ...BUILD_INPUTS].map((path) =>
    path.split(sep).join('/'),
  );
  const inputs: Record<string, ManifestEntry> = {};
  for (const path of new Set(files)) {
    const stats = await stat(join(rootDirectory, path));
    if (stats.mtimeMs > startedAtMs) throw new Error(`${path} changed during the build: run it again`);
    inputs[path] = { size: stats.size, mtimeMs: stats.mtimeMs };
  }
  const manifest: CliManifest = { entry: 'main.js', inputs };
  await writeFile(join(outDirectory, CLI_MANIFEST), `${JSON.stringify(manifest, null, 1)}\n`);
  return manifest;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { root: { type: 'string', default: '.' } }, strict: true });
  const rootDirectory = resolve(values.root);
  try {
    const manifest = await buildCli(rootDirectory);
    process.stdout.write(`build-cli: ${CLI_OUT_DIR}/ from ${Object.keys(manifest.inputs).length} files\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`build-cli: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

// Run only as a script, not when a test imports the module.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main();
}

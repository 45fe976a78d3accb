#!/usr/bin/env node
// The `vgac` command.
//
// It runs the compiled CLI in dist/cli/ (built by scripts/build-cli.ts at `npm ci` / `npm install`
// through the `prepare` script, and by `npm run build`): plain JavaScript starts in a fraction of
// the time tsx takes to transpile the TypeScript on every run.
//
// Staleness rule: dist/cli/manifest.json lists every file the build read (each source file, the
// build script, tsconfig.json, package.json) with its size and mtime. The build is run only when
// every one of them still has exactly that size and mtime; otherwise (a source edited, touched,
// checked out or deleted since, no build at all, or one cut short) the TypeScript sources run
// through tsx, as they always did, so whatever runs `vgac` — a user, `npm start`, the tests —
// runs the current source and never a stale build. The price is only speed: after an edit, every
// run is slow again until `npm run build:cli`. Why not rebuild here instead: tests start many
// `vgac` processes at once, which would race to rewrite dist/cli; falling back needs no lock.
// Why size + mtime and not a content hash: a stat per file (~230) costs a few milliseconds;
// reading and hashing them all would cost more than the rest of `vgac --help`. Equality, not
// "newer than", so a file put back with an older mtime (a copy keeping times) counts as changed.
import { readFileSync, statSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const builtDir = join(root, 'dist', 'cli');

/** The compiled entry module's path when dist/cli matches the sources, else undefined. */
function currentBuild() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(builtDir, 'manifest.json'), 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof manifest?.entry !== 'string' || manifest.inputs === null || typeof manifest.inputs !== 'object')
    return undefined;
  for (const [path, built] of Object.entries(manifest.inputs)) {
    const now = statSync(join(root, path), { throwIfNoEntry: false });
    if (now === undefined || now.size !== built?.size || now.mtimeMs !== built?.mtimeMs) return undefined;
  }
  return join(builtDir, manifest.entry);
}

async function loadMain() {
  const built = currentBuild();
  if (built === undefined) {
    const { register } = await import('tsx/esm/api');
    register();
    return import('../src/entry/cli/main.ts');
  }
  const main = await import(pathToFileURL(built).href);
  // From here on, stack traces name the TypeScript sources (the build's source maps) in every
  // command, which main.js imports when it runs. Not before: reading the maps of main.js and the
  // help texts would add about a tenth to `vgac --help`'s CPU time, and main.js reads well as it is.
  // (module.setSourceMapsSupport from Node 22.14 on, which deprecates process.setSourceMapsEnabled.)
  if (typeof nodeModule.setSourceMapsSupport === 'function') nodeModule.setSourceMapsSupport(true);
  else process.setSourceMapsEnabled(true);
  return main;
}

const { main } = await loadMain();
process.exitCode = await main(process.argv.slice(2));

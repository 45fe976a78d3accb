#!/usr/bin/env node
// The `vgac` command: runs the TypeScript CLI through tsx, so the repository needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/entry/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));

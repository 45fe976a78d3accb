/**
 * The `vgac` command line. Each command lives in `commands/<name>.ts` and exports
 * `run(args): Promise<number>` (the exit code), a one-line `summary` (a capitalised sentence) and
 * the `options` its parseArgs accepts (every one described by its `--help`).
 */
import type { ParseArgsConfig } from 'node:util';
import { VgacError } from '../../core/errors.ts';

export interface Command {
  readonly summary: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  run(args: readonly string[]): Promise<number>;
}

export const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  start: () => import('./commands/start.ts'),
  train: () => import('./commands/train.ts'),
  eval: () => import('./commands/eval.ts'),
  predict: () => import('./commands/predict.ts'),
  replay: () => import('./commands/replay.ts'),
  onboard: () => import('./commands/onboard.ts'),
  ask: () => import('./commands/ask.ts'),
  budget: () => import('./commands/budget.ts'),
  cost: () => import('./commands/cost.ts'),
  doctor: () => import('./commands/doctor.ts'),
  'versus-slurm': () => import('./commands/versus-slurm.ts'),
};

async function printHelp(): Promise<void> {
  const lines = ['usage: vgac <command> [options]', '', 'commands:'];
  for (const [name, load] of Object.entries(COMMANDS)) {
    const command = await load();
    lines.push(`  ${name.padEnd(14)} ${command.summary}`);
  }
  lines.push('', 'Run `vgac <command> --help` for a command\'s options.');
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Runs one command; user mistakes print one line to stderr and exit 2, never a stack trace. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    await printHelp();
    return name === undefined ? 2 : 0;
  }
  const load = COMMANDS[name];
  if (load === undefined) {
    process.stderr.write(`vgac: unknown command '${name}' (try 'vgac --help')\n`);
    return 2;
  }
  try {
    const command = await load();
    return await command.run(args);
  } catch (error) {
    if (error instanceof VgacError) {
      process.stderr.write(`vgac ${name}: ${error.message}\n`);
      return error.code === 'INFRASTRUCTURE' ? 1 : 2;
    }
    throw error;
  }
}

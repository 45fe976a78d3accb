/**
 * The `vgac` command line. Each command has two modules in `commands/`:
 * - `<name>-usage.ts`: a one-line `summary` (a capitalised sentence), the `help` text and the
 *   `options` its parseArgs accepts (every one described by the help). Small and imported here, so
 *   `vgac --help`, `vgac <name> --help` and a mistyped option need nothing else.
 * - `<name>.ts`: `run(args): Promise<number>` (the exit code), imported only when the command runs,
 *   with all it needs (storage, models, SDKs): most of a command's start-up time.
 */
import { readFile } from 'node:fs/promises';
import type { ParseArgsConfig } from 'node:util';
import { VgacError } from '../../core/errors.ts';
import { parseCommandOptions } from './parse-command-options.ts';
import * as agentUsage from './commands/agent-usage.ts';
import * as askUsage from './commands/ask-usage.ts';
import * as budgetUsage from './commands/budget-usage.ts';
import * as costUsage from './commands/cost-usage.ts';
import * as doctorUsage from './commands/doctor-usage.ts';
import * as evalUsage from './commands/eval-usage.ts';
import * as onboardUsage from './commands/onboard-usage.ts';
import * as predictUsage from './commands/predict-usage.ts';
import * as rebaselineUsage from './commands/rebaseline-usage.ts';
import * as replayUsage from './commands/replay-usage.ts';
import * as slackManifestUsage from './commands/slack-manifest-usage.ts';
import * as startUsage from './commands/start-usage.ts';
import * as trainUsage from './commands/train-usage.ts';
import * as versusSlurmUsage from './commands/versus-slurm-usage.ts';

/** What a `<name>-usage.ts` module exports. */
export interface CommandUsage {
  readonly summary: string;
  readonly help: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** True when the command takes words besides its options (`vgac ask "…"`). */
  readonly allowPositionals?: boolean;
}

export interface Command {
  readonly usage: CommandUsage;
  /** Imports the command's module (`<name>.ts`). */
  load(): Promise<{ readonly run: (args: readonly string[]) => Promise<number> }>;
}

export const COMMANDS: Readonly<Record<string, Command>> = {
  start: { usage: startUsage, load: () => import('./commands/start.ts') },
  train: { usage: trainUsage, load: () => import('./commands/train.ts') },
  eval: { usage: evalUsage, load: () => import('./commands/eval.ts') },
  predict: { usage: predictUsage, load: () => import('./commands/predict.ts') },
  replay: { usage: replayUsage, load: () => import('./commands/replay.ts') },
  onboard: { usage: onboardUsage, load: () => import('./commands/onboard.ts') },
  rebaseline: { usage: rebaselineUsage, load: () => import('./commands/rebaseline.ts') },
  ask: { usage: askUsage, load: () => import('./commands/ask.ts') },
  agent: { usage: agentUsage, load: () => import('./commands/agent.ts') },
  budget: { usage: budgetUsage, load: () => import('./commands/budget.ts') },
  cost: { usage: costUsage, load: () => import('./commands/cost.ts') },
  doctor: { usage: doctorUsage, load: () => import('./commands/doctor.ts') },
  'versus-slurm': { usage: versusSlurmUsage, load: () => import('./commands/versus-slurm.ts') },
  'slack-manifest': { usage: slackManifestUsage, load: () => import('./commands/slack-manifest.ts') },
};

function printHelp(): void {
  const lines = [
    'usage: vgac <command> [options]',
    '       vgac help <command>   (the same as vgac <command> --help)',
    '       vgac --version',
    '',
    'commands:',
  ];
  for (const [name, command] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(14)} ${command.usage.summary}`);
  lines.push('', "Run `vgac <command> --help` for a command's options.");
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The package's version, from package.json (read only for `--version`). */
async function packageVersion(): Promise<string> {
  const manifest = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version?: unknown;
  };
  return String(manifest.version);
}

/** Runs one command; user mistakes print one line to stderr and exit 2, never a stack trace. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    printHelp();
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    process.stdout.write(`${await packageVersion()}\n`);
    return 0;
  }
  if (name === 'help') {
    const [topic, ...rest] = args;
    if (topic === undefined) {
      printHelp();
      return 0;
    }
    if (rest.length > 0) {
      process.stderr.write(`vgac help: one command at a time, got '${args.join(' ')}' (try 'vgac help ${topic}')\n`);
      return 2;
    }
    return main([topic, '--help']);
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    process.stderr.write(`vgac: unknown command '${name}' (try 'vgac --help')\n`);
    return 2;
  }
  try {
    // Parsed here first, so `--help` and a mistyped option are answered without loading the command.
    const values = parseCommandOptions(name, args, command.usage.options, command.usage.allowPositionals === true);
    if (values.help === true) {
      process.stdout.write(command.usage.help);
      return 0;
    }
    const { run } = await command.load();
    return await run(args);
  } catch (error) {
    if (error instanceof VgacError) {
      process.stderr.write(`vgac ${name}: ${error.message}\n`);
      return error.code === 'INFRASTRUCTURE' || error.code === 'DEPENDENCY_UNAVAILABLE' ? 1 : 2;
    }
    throw error;
  }
}

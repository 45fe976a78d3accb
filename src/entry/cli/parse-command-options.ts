/**
 * `node:util` parseArgs for one command, with its errors (unknown option, missing value) turned
 * into a one-line `InvalidInputError` that points at `--help` instead of a stack trace. Words
 * besides the options are refused unless `allowPositionals` (the caller reads them itself).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InvalidInputError } from '../../core/errors.ts';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

export function parseCommandOptions<const Options extends OptionsConfig>(
  command: string,
  args: readonly string[],
  options: Options,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals }).values;
  } catch (error) {
    const firstSentence = (error instanceof Error ? error.message : String(error)).split(/\.\s/)[0] ?? '';
    throw new InvalidInputError(`${firstSentence.replace(/\.$/, '')} (try 'vgac ${command} --help')`, { cause: error });
  }
}

/** A required string option, or a one-line error naming it. */
export function requireOption(command: string, name: string, value: string | undefined): string {
  if (value === undefined || value === '')
    throw new InvalidInputError(`--${name} is required (try 'vgac ${command} --help')`);
  return value;
}

/** An optional integer option (e.g. `--seed 7`), or a one-line error naming it. */
export function integerOption(name: string, value: string | undefined, fallback: number, minimum: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!/^[+-]?\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed < minimum) {
    throw new InvalidInputError(`--${name} must be an integer ≥ ${minimum}, got '${value}'`);
  }
  return parsed;
}

/** An optional option restricted to a fixed set of words. */
export function choiceOption<const Choice extends string>(
  name: string,
  value: string | undefined,
  choices: readonly Choice[],
): Choice | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value))
    throw new InvalidInputError(`--${name} must be one of ${choices.join(', ')}, got '${value}'`);
  return value as Choice;
}

/** Slurm client failures (timeouts, exit codes, stderr) translated into the app's errors. Shared by the Slurm CLI observer and actions. */
import { AuthError, SourceUnavailableError } from '../../app/errors.ts';
import { CommandError, CommandFailure, type CommandResult } from './run-command.ts';

/** Matches stderr lines that mean slurmctld cannot be reached. */
const UNREACHABLE_PATTERN =
  /Unable to contact slurm controller|Connection refused|Socket timed out|Zero Bytes were transmitted|slurm_load_|Failed while looking/i;
const AUTH_PATTERN = /authentication|credential|munge|Access\/permission denied/i;

/** The first non-empty line of a command's stderr, trimmed to 200 characters. */
export function firstErrorLine(result: CommandResult): string {
  const line =
    result.stderr
      .split('\n')
      .map((part) => part.trim())
      .find((part) => part !== '') ?? `exit code ${result.exitCode}`;
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** A CommandError (timeout, not installed) → SourceUnavailableError naming the command. */
export function commandUnavailable(command: string, error: unknown): Error {
  if (error instanceof CommandError) {
    const why = error.failure === CommandFailure.timeout ? `${error.message} (slurmctld down?)` : error.message;
    return new SourceUnavailableError(`${command}: ${why}`, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** A failed client call → AuthError for credential problems, SourceUnavailableError for an unreachable controller, else null (a refusal of the request itself). */
export function classifyFailure(command: string, result: CommandResult): Error | null {
  const line = firstErrorLine(result);
  if (AUTH_PATTERN.test(result.stderr)) return new AuthError(`${command} was refused: ${line}`);
  if (UNREACHABLE_PATTERN.test(result.stderr)) return new SourceUnavailableError(`${command}: ${line}`);
  return null;
}

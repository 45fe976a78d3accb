/**
 * What every slurmrestd client here shares: the local JWT check, the `errors` array of Slurm's
 * JSON answers, and the code of a failed connection. Shared by the slurmrestd observer and actions.
 */
import { Buffer } from 'node:buffer';
import { AuthError } from '../../app/errors.ts';

/** One entry of the `errors` array slurmrestd returns (v0.0.38: `error_number` or `error_code`). */
export interface SlurmRestError {
  /** Slurm's error number (e.g. 2017 invalid job id), when given. */
  readonly errorNumber: number | undefined;
  /** Slurm's short error text (`error`), or '' */
  readonly error: string;
  /** slurmrestd's context (`description`), or '' */
  readonly description: string;
}

const SECONDS_TO_MS = 1_000;

/**
 * Checks a JWT's shape and `exp` claim locally (no signature check: only slurmctld has the key).
 * @throws AuthError naming the problem (never the token).
 */
export function checkJwt(token: string, nowMs: number, userName: string): void {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) {
    throw new AuthError(`the Slurm JWT for user '${userName}' is malformed (expected header.payload.signature)`);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8'));
  } catch (error) {
    throw new AuthError(`the Slurm JWT for user '${userName}' has an unreadable payload`, { cause: error });
  }
  const exp = (payload as { exp?: unknown } | null)?.exp;
  if (typeof exp === 'number' && exp * SECONDS_TO_MS <= nowMs) {
    throw new AuthError(
      `the Slurm JWT for user '${userName}' expired at ${new Date(exp * SECONDS_TO_MS).toISOString()}: get a new one with 'scontrol token'`,
    );
  }
}

/** The body as JSON, or undefined when it is not JSON (slurmrestd answers some failures in plain text). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The entries of a Slurm JSON answer's `errors` array (empty when there is none). */
export function slurmErrors(body: unknown): SlurmRestError[] {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors)) return [];
  return errors.map((entry: unknown) => {
    const fields = (entry ?? {}) as {
      error_number?: unknown;
      error_code?: unknown;
      error?: unknown;
      description?: unknown;
    };
    const errorNumber =
      typeof fields.error_number === 'number'
        ? fields.error_number
        : typeof fields.error_code === 'number'
          ? fields.error_code
          : undefined;
    return {
      errorNumber,
      error: typeof fields.error === 'string' ? fields.error : '',
      description: typeof fields.description === 'string' ? fields.description : '',
    };
  });
}

/** `description: error` for each entry, as slurmrestd reports it. */
export function describeSlurmError(entry: SlurmRestError): string {
  return [entry.description, entry.error].filter((part) => part !== '').join(': ') || 'unspecified Slurm error';
}

/** The system error code under a failed `fetch` (e.g. ECONNREFUSED), or the error's message. */
export function networkCause(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  if (cause !== undefined && typeof cause.code === 'string') return cause.code;
  return error instanceof Error ? error.message : String(error);
}

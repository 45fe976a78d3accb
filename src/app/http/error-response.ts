/**
 * The ONE table from error codes to HTTP statuses, and the JSON error body every client sees:
 * `{ "error": { "code", "message", "issues"? } }`. Client mistakes are 4xx with a message that
 * says what was wrong; broken infrastructure is 503; anything unexpected is a 500 whose message
 * reveals nothing (the details go to the log).
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { VgacError } from '../../core/errors.ts';
import { DependencyUnavailableError, InvalidRequestError, type Dependency, type RequestIssue } from '../errors.ts';
import type { Logger } from '../ports/logger.ts';

/** HTTP status by `VgacError.code`. Codes not listed are server faults (500). */
export const ERROR_STATUS_BY_CODE: Readonly<Record<string, ContentfulStatusCode>> = Object.freeze({
  INVALID_REQUEST: 400,
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  UNKNOWN_CLUSTER: 404,
  UNKNOWN_JOB: 404,
  UNKNOWN_ESCALATION: 404,
  NOT_FOUND: 404,
  DUPLICATE: 409,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INSUFFICIENT_DATA: 422,
  NOT_CONFIGURED: 501,
  // An upstream (Slurm controller, VGAC platform API) refused our credentials: its fault, not the client's.
  AUTH: 502,
  INFRASTRUCTURE: 503,
  DEPENDENCY_UNAVAILABLE: 503,
  SOURCE_UNAVAILABLE: 503,
  BUDGET_EXHAUSTED: 503,
  REASONER: 503,
  AGENT_RUNTIME_UNAVAILABLE: 503,
});

export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly issues?: readonly RequestIssue[];
    /** The dependency that failed (DEPENDENCY_UNAVAILABLE): retrying later may succeed. */
    readonly dependency?: Dependency;
  };
}

export interface MappedError {
  readonly status: ContentfulStatusCode;
  readonly body: ErrorBody;
}

/** Status and body for any thrown value. Unknown errors become an opaque 500 `INTERNAL`. */
export function mapError(error: unknown): MappedError {
  if (error instanceof VgacError) {
    const status = ERROR_STATUS_BY_CODE[error.code] ?? 500;
    // A VgacError of an unlisted code is a server fault too: keep its message out of the reply.
    if (status === 500) return internal();
    const issues = error instanceof InvalidRequestError && error.issues.length > 0 ? { issues: error.issues } : {};
    const dependency = error instanceof DependencyUnavailableError ? { dependency: error.dependency } : {};
    return { status, body: { error: { code: error.code, message: error.message, ...issues, ...dependency } } };
  }
  return internal();
}

/** Logs server faults (5xx) with the error's name, code and message — never the request payload. */
export function logMappedError(
  logger: Logger,
  mapped: MappedError,
  error: unknown,
  fields: Readonly<Record<string, unknown>>,
): void {
  if (mapped.status < 500) return;
  logger.error('http.error', {
    ...fields,
    status: mapped.status,
    code: mapped.body.error.code,
    errorName: error instanceof Error ? error.name : typeof error,
    errorMessage: error instanceof Error ? error.message : String(error),
  });
}

function internal(): MappedError {
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error' } } };
}

/**
 * The one table that maps errors to Step Functions task failures. Lambda reports a thrown
 * error's `name` as the task's `Error` (what a state's Retry/Catch `ErrorEquals` matches) and its
 * message as the `Cause`. Our errors get stable `Vgac.*` names; anything unexpected is
 * `Vgac.Internal`. Messages are already short and secret-free (STYLE §4).
 */
import { VgacError } from '../../core/errors.ts';

/** VgacError `code` → Step Functions error name. Codes not listed are `Vgac.Internal`. */
export const STEP_FUNCTIONS_ERROR_NAMES: Readonly<Record<string, string>> = Object.freeze({
  INVALID_INPUT: 'Vgac.InvalidInput',
  UNKNOWN_CLUSTER: 'Vgac.UnknownCluster',
  INFRASTRUCTURE: 'Vgac.Infrastructure',
  // A timed-out or failing dependency: the same retryable failure for a state's Retry.
  DEPENDENCY_UNAVAILABLE: 'Vgac.Infrastructure',
  NOT_CONFIGURED: 'Vgac.NotConfigured',
  INSUFFICIENT_DATA: 'Vgac.InsufficientData',
  INVALID_BUNDLE: 'Vgac.InvalidBundle',
});

export const INTERNAL_ERROR_NAME = 'Vgac.Internal';

/** An error whose `name` is the Step Functions error name; the original is the `cause`. */
export class StepFunctionsTaskError extends Error {
  constructor(name: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = name;
  }
}

/** Maps any thrown value to the error the task should fail with. */
export function toStepFunctionsError(error: unknown): StepFunctionsTaskError {
  if (error instanceof VgacError) {
    return new StepFunctionsTaskError(STEP_FUNCTIONS_ERROR_NAMES[error.code] ?? INTERNAL_ERROR_NAME, error.message, {
      cause: error,
    });
  }
  return new StepFunctionsTaskError(INTERNAL_ERROR_NAME, error instanceof Error ? error.message : String(error), {
    cause: error,
  });
}

/**
 * The one base class for every error this project throws. Each layer keeps its own subclasses in
 * its own `errors.ts`; entries map them to exit codes, HTTP statuses or Slack replies by `code`.
 */
export class VgacError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Input that cannot be used: wrong shape, missing column, non-finite number. Names the bad value. */
export class InvalidInputError extends VgacError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_INPUT', message, options);
  }
}

/** Data that is well-formed but cannot support the computation asked for (one class only, too few rows). */
export class InsufficientDataError extends VgacError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INSUFFICIENT_DATA', message, options);
  }
}

/** A model bundle that fails validation or cannot be applied. */
export class InvalidBundleError extends VgacError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_BUNDLE', message, options);
  }
}

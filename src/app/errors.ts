import { VgacError } from '../core/errors.ts';

/** An outcome, action or question names a job we never predicted. */
export class UnknownJobError extends VgacError {
  constructor(clusterId: string, jobId: string) {
    super('UNKNOWN_JOB', `no prediction for job '${jobId}' on cluster '${clusterId}'`);
  }
}

/** A request names a cluster that has no state yet. */
export class UnknownClusterError extends VgacError {
  constructor(clusterId: string) {
    super('UNKNOWN_CLUSTER', `unknown cluster '${clusterId}'`);
  }
}

/** A write that must be unique was attempted twice (e.g. a second prediction for one job). */
export class DuplicateError extends VgacError {
  constructor(message: string) {
    super('DUPLICATE', message);
  }
}

/** Storage or another outside system failed; the cause carries the vendor error. */
export class InfrastructureError extends VgacError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INFRASTRUCTURE', message, options);
  }
}

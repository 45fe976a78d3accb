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
  constructor(message: string, options?: { cause?: unknown }, code = 'INFRASTRUCTURE') {
    super(code, message, options);
  }
}

/** The outside systems a request can wait on, as a 503 names them. */
export type Dependency = 'dynamodb' | 's3';

/**
 * A dependency did not answer in time, was unreachable, failed on its side (5xx), or its circuit
 * breaker is open after repeated such failures: retrying later may succeed. An InfrastructureError
 * (same handling everywhere), with its own code so a client sees which dependency failed.
 */
export class DependencyUnavailableError extends InfrastructureError {
  readonly dependency: Dependency;

  constructor(dependency: Dependency, message: string, options?: { cause?: unknown }) {
    super(message, options, 'DEPENDENCY_UNAVAILABLE');
    this.dependency = dependency;
  }
}

// ── HTTP API and Slack (src/app/http/) ────────────────────────────────────────────────────────

/** One problem in a request, by location (`body.gpus`, `query.limit`, `header.x-api-key`). */
export interface RequestIssue {
  readonly path: string;
  readonly message: string;
}

/** A request a client got wrong: bad JSON, wrong types, missing fields. `issues` lists each problem. */
export class InvalidRequestError extends VgacError {
  readonly issues: readonly RequestIssue[];

  constructor(message: string, issues: readonly RequestIssue[] = []) {
    super('INVALID_REQUEST', message);
    this.issues = issues;
  }
}

/** Missing or wrong credentials (API key, Slack signature). The message never echoes the credential. */
export class UnauthorizedError extends VgacError {
  constructor(message: string) {
    super('UNAUTHORIZED', message);
  }
}

/** A request body in a media type the route does not accept. */
export class UnsupportedMediaTypeError extends VgacError {
  constructor(contentType: string) {
    super('UNSUPPORTED_MEDIA_TYPE', `unsupported content-type '${contentType.slice(0, 64)}': send application/json`);
  }
}

/** A feature this deployment was started without (e.g. escalations with no escalation store wired). */
export class NotConfiguredError extends VgacError {
  constructor(feature: string) {
    super('NOT_CONFIGURED', `${feature} is not configured on this deployment`);
  }
}

// ── Agents ──────────────────────────────────────────────────────────

/** The prediction source (collector, VGAC platform API) is unreachable or timed out. */
export class SourceUnavailableError extends VgacError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SOURCE_UNAVAILABLE', message, options);
  }
}

/**
 * The model could not be reached or answered something unusable (the caller falls back to the
 * offline reasoner). `errorClass` names what failed for logs and alarms — the vendor's error name
 * (`ResourceNotFoundException`, `AccessDeniedException`, `ThrottlingException`,
 * `ValidationException`, `TimeoutError`…) or `MalformedOutput` — never the prompt.
 */
export class ReasonerError extends VgacError {
  readonly errorClass: string;
  readonly modelId: string | undefined;

  constructor(message: string, options?: { cause?: unknown; errorClass?: string; modelId?: string }) {
    super('REASONER', message, options);
    this.errorClass = options?.errorClass ?? 'unknown';
    this.modelId = options?.modelId;
  }
}

/** An escalation id that does not exist on the cluster. */
export class UnknownEscalationError extends VgacError {
  constructor(clusterId: string, escalationId: string) {
    super('UNKNOWN_ESCALATION', `no escalation '${escalationId}' on cluster '${clusterId}'`);
  }
}

// ── Live clusters ─────────────────────────────────────────

/** A source refused our credentials (a bad, expired or wrong-cluster JWT; a rejected API key). Never carries the secret. */
export class AuthError extends VgacError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('AUTH', message, options);
  }
}

// ── Agent runtime (Bedrock AgentCore Runtime) ─────────────────────────────────────────────────

/** The agent runtime could not answer: throttled, failing, unreachable or past its deadline. Retrying later may succeed. */
export class AgentRuntimeUnavailableError extends VgacError {
  /** What failed, for logs: the vendor's error name (`ThrottlingException`, `InternalServerException`, `TimeoutError`…) or `MalformedResponse`. */
  readonly errorClass: string;

  constructor(message: string, options?: { cause?: unknown; errorClass?: string }) {
    super('AGENT_RUNTIME_UNAVAILABLE', message, options);
    this.errorClass = options?.errorClass ?? 'unknown';
  }
}

/** The agent runtime refused the invocation as a client mistake (its own 4xx: a bad request, an unknown cluster); `code` is the runtime's. */
export class AgentRuntimeRefusedError extends VgacError {
  constructor(code: string, message: string) {
    super(code, message);
  }
}

/** A question names a job neither its scheduler nor the prediction log knows. */
export class JobNotFoundError extends VgacError {
  constructor(clusterId: string, jobId: string) {
    super(
      'UNKNOWN_JOB',
      `job '${jobId}' is not known on cluster '${clusterId}' (not in its scheduler now, and never predicted)`,
    );
  }
}

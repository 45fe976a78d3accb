/**
 * Observability every Lambda handler shares, with no AWS SDK client in it (so a function that
 * needs no storage does not load DynamoDB/S3 at cold start): the Powertools logger (JSON lines
 * with the correlation id), metrics (EMF on stdout, namespace `Vgac`, the default dimension
 * `service` only) and tracer (X-Ray; off locally with POWERTOOLS_TRACE_ENABLED=false), and
 * `runInvocation`, which wraps one invocation.
 *
 * The Powertools tracer, and the X-Ray SDK it loads (≈ 250 KB of code with semver and
 * cls-hooked, ≈ 40 ms of CPU to evaluate), is imported only when tracing is on; with tracing off
 * the handlers get {@link UNTRACED}, which does what the tracer does then: nothing.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';
import type { Logger } from '../../app/ports/logger.ts';
import { createPowertoolsLogger } from '../../adapters/logging/powertools-logger.ts';
import type { Config } from '../config.ts';
import { sdkCallSettings, type AwsCallPolicy } from '../aws-call-policy.ts';

/** CloudWatch namespace of every custom metric (the template's POWERTOOLS_METRICS_NAMESPACE and dashboard). */
export const METRICS_NAMESPACE = 'Vgac';

/**
 * The custom metrics the dashboard and alarms read; nothing else is emitted, and each only with
 * {@link METRIC_DIMENSIONS}. CloudWatch bills every metric name × dimension set as one custom
 * metric ($0.30/month each), so the list is kept short (the cost model counts it: see
 * `cloudwatchCustomMetrics` in core/budget/usage.ts): per-cluster ECE is a log line of the
 * CheckDrift function (`check_drift.cluster`, graphed by a Logs Insights widget), and model
 * tokens are counted by the budget ledger (`vgac budget`, the web dashboard), not here.
 */
export const MetricName = {
  predictions: 'Predictions',
  scopeChanges: 'ScopeChanges',
  escalations: 'Escalations',
  modelCostUsd: 'ModelCostUsd',
  /** One per model call that failed (the answer fell back to a cached or templated explanation); alarmed in template.yaml. */
  modelUnavailable: 'ModelUnavailable',
} as const;
export type MetricName = (typeof MetricName)[keyof typeof MetricName];

/** The one dimension set of every custom metric: Powertools' default `service` dimension. */
export const METRIC_DIMENSIONS = ['service'] as const;

/** What the handlers use of the Powertools tracer. */
export type LambdaTracer = Pick<
  Tracer,
  | 'captureAWSv3Client'
  | 'isTracingEnabled'
  | 'getSegment'
  | 'setSegment'
  | 'annotateColdStart'
  | 'addServiceNameAnnotation'
>;

/** The tracer with tracing off: clients are returned as given, there is no segment, annotations go nowhere. */
export const UNTRACED: LambdaTracer = Object.freeze({
  captureAWSv3Client: <T>(client: T): T => client,
  isTracingEnabled: () => false,
  getSegment: () => undefined,
  setSegment: () => undefined,
  annotateColdStart: () => undefined,
  addServiceNameAnnotation: () => undefined,
});

export interface LambdaObservability {
  readonly logger: ReturnType<typeof createPowertoolsLogger>;
  readonly metrics: Metrics;
  readonly tracer: LambdaTracer;
}

/** Builds the logger, metrics and tracer from the configuration (once per cold start). */
export async function createObservability(config: Config): Promise<LambdaObservability> {
  return {
    logger: createPowertoolsLogger({ serviceName: config.lambda.serviceName, level: config.logLevel }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: config.lambda.serviceName }),
    tracer: config.lambda.tracingEnabled ? await powertoolsTracer(config.lambda.serviceName) : UNTRACED,
  };
}

/** The Powertools tracer, imported on demand (it still stays off where Powertools finds no Lambda environment). */
async function powertoolsTracer(serviceName: string): Promise<LambdaTracer> {
  const { Tracer } = await import('@aws-lambda-powertools/tracer');
  return new Tracer({ serviceName, enabled: true });
}

/**
 * Client options for an optional endpoint override (SNS, SSM): the endpoint, and dummy
 * credentials when it is a loopback test server (the same pair as aws-clients.ts's
 * LOCAL_DUMMY_CREDENTIALS: not secrets); just the region (AWS's endpoint, the default credential
 * chain) otherwise. Kept here rather than imported from aws-clients.ts so that functions without
 * storage never load the DynamoDB/S3 SDK modules that file imports.
 */
export function endpointOverride(
  region: string,
  endpoint: string | undefined,
): { region: string; endpoint?: string; credentials?: { accessKeyId: string; secretAccessKey: string } } {
  if (endpoint === undefined) return { region };
  const hostname = URL.canParse(endpoint) ? new URL(endpoint).hostname : '';
  const loopback = ['localhost', '127.0.0.1', '[::1]', '::1'].includes(hostname);
  return {
    region,
    endpoint,
    ...(loopback ? { credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } } : {}),
  };
}

/**
 * What every AWS SDK client a Lambda builds is given: the region and endpoint override above, and
 * the call policy's per-attempt timeouts and attempt limit (aws-call-policy.ts), so that no call
 * to DynamoDB, S3, SNS or SSM can hold an invocation longer than about maxAttempts × timeoutMs.
 */
export function lambdaClientSettings(
  region: string,
  endpoint: string | undefined,
  policy: AwsCallPolicy,
): ReturnType<typeof endpointOverride> & ReturnType<typeof sdkCallSettings> {
  return { ...endpointOverride(region, endpoint), ...sdkCallSettings(policy) };
}

/** Adds one metric (no extra dimensions) to the invocation's EMF document. */
export function countMetric(
  runtime: Pick<LambdaObservability, 'metrics'>,
  name: MetricName,
  value: number,
  unit: (typeof MetricUnit)[keyof typeof MetricUnit] = MetricUnit.Count,
): void {
  runtime.metrics.addMetric(name, unit, value);
}

export interface Invocation {
  /** The handler's name, for logs and the trace subsegment. */
  readonly handler: string;
  /** From the event (EventBridge `id`, SNS MessageId…); the Lambda request id otherwise. */
  readonly correlationId?: string;
  readonly context?: Context;
}

/**
 * Runs one invocation: sets the logger's correlation id and Lambda context, opens a trace
 * subsegment when tracing is on, and always flushes the metrics (EMF to stdout) at the end.
 * Errors propagate unchanged: each handler maps them in its own table.
 */
export async function runInvocation<T>(
  runtime: LambdaObservability,
  invocation: Invocation,
  work: (logger: Logger) => Promise<T>,
): Promise<T> {
  const powertools = runtime.logger.powertools;
  powertools.resetKeys();
  if (invocation.context !== undefined) powertools.addContext(invocation.context);
  const correlationId = invocation.correlationId ?? invocation.context?.awsRequestId;
  if (correlationId !== undefined) powertools.setCorrelationId(correlationId);
  powertools.appendKeys({ handler: invocation.handler });

  const tracing = runtime.tracer.isTracingEnabled();
  const parent = tracing ? runtime.tracer.getSegment() : undefined;
  const subsegment = parent?.addNewSubsegment(`## ${invocation.handler}`);
  if (subsegment !== undefined) {
    runtime.tracer.setSegment(subsegment);
    runtime.tracer.annotateColdStart();
    runtime.tracer.addServiceNameAnnotation();
  }
  try {
    return await work(runtime.logger);
  } catch (error) {
    if (subsegment !== undefined && error instanceof Error) subsegment.addError(error);
    throw error;
  } finally {
    subsegment?.close();
    if (parent !== undefined) runtime.tracer.setSegment(parent);
    if (runtime.metrics.hasStoredMetrics()) runtime.metrics.publishStoredMetrics();
  }
}

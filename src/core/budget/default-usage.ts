/**
 * A month of usage (what the cost projection prices) and `DEFAULT_USAGE`: the seed's "Our Expected
 * Usage" column (`seed/aws-constraints.md`) plus the quantities the seed leaves implicit, each
 * stated below with its reasoning. Apart from usage.ts (validation, measured tokens) so that what
 * only names the fields (`vgac cost --help`) does not load zod.
 */
import {
  DEFAULT_CLUSTERS,
  DEFAULT_DASHBOARD_HOURS_PER_MONTH,
  DEPLOYED_DASHBOARD_REFRESH_SECONDS,
  dashboardReadUnits,
} from './dashboard-usage.ts';

/**
 * Seconds an AgentCore Runtime session (one microVM) stays alive after its last invocation:
 * template.yaml's `AgentRuntime` LifecycleConfiguration.IdleRuntimeSessionTimeout. Memory is billed
 * for that time too.
 */
export const AGENTCORE_IDLE_SESSION_SECONDS = 60;

export interface Usage {
  /** Lambda invocations per month, all functions, besides the dashboard's (added from the dashboard fields). */
  readonly lambdaRequests: number;
  /** Mean billed duration per invocation, ms. */
  readonly lambdaAverageDurationMs: number;
  /** Configured memory, MB (the template's 256 by default). */
  readonly lambdaMemoryMb: number;
  /** HTTP API requests per month (API, Slack); the dashboard's are added from the dashboard fields. */
  readonly apiRequests: number;
  readonly dynamoWriteRequestUnits: number;
  readonly dynamoReadRequestUnits: number;
  /** Table size, GB (also what point-in-time recovery is charged on). */
  readonly dynamoStorageGb: number;
  readonly s3StorageGb: number;
  readonly s3PutRequests: number;
  readonly s3GetRequests: number;
  readonly snsPublishes: number;
  /** Step Functions standard-workflow state transitions per month. */
  readonly stateTransitions: number;
  /** X-Ray traces besides the dashboard's (each dashboard request is traced: added from the dashboard fields). */
  readonly xrayTraces: number;
  /** Distinct custom metric series (name + dimension set) in the Vgac namespace. */
  readonly cloudwatchCustomMetrics: number;
  readonly cloudwatchDashboards: number;
  /** Metrics read by alarms (a metric-math alarm counts each metric it reads). */
  readonly cloudwatchAlarmMetrics: number;
  readonly cloudwatchLogsIngestedGb: number;
  /** Average log volume held, GB-month (≈ monthly ingestion × retention days / 30). */
  readonly cloudwatchLogsStoredGb: number;
  /** Bedrock calls per month (one per observe-predict-decide that is not served from the explanation cache). */
  readonly modelCalls: number;
  readonly averageInputTokensPerCall: number;
  readonly averageOutputTokensPerCall: number;
  /** Fraction of model calls marked complex and sent to Sonnet, in [0, 1]; the rest go to Haiku. */
  readonly sonnetCallShare: number;
  /** Hours per month a web dashboard tab is open and visible (a hidden tab does not poll); 0 = none. */
  readonly dashboardHoursPerMonth: number;
  /** Seconds between two refreshes of an open dashboard: 0 (none) or 1–86,400. */
  readonly dashboardRefreshSeconds: number;
  /** HTTP requests per refresh (each one API-function invocation). */
  readonly dashboardRequestsPerRefresh: number;
  /** DynamoDB read request units per refresh. */
  readonly dashboardReadUnitsPerRefresh: number;
  /** AgentCore Runtime invocations per month: one observe→predict→decide per agent question. */
  readonly agentInvocations: number;
  /** AgentCore sessions started per month (each a microVM, alive until `agentIdleSessionSeconds` after its last invocation); ≤ agentInvocations. */
  readonly agentSessions: number;
  /** Active CPU one invocation uses, vCPU-seconds. */
  readonly agentCpuSecondsPerInvocation: number;
  /** Active CPU a session's microVM uses starting the server (loading the code, building clients), vCPU-seconds. */
  readonly agentCpuSecondsPerSessionStart: number;
  /** Peak memory of the runtime's process, GB. */
  readonly agentMemoryGb: number;
  /** Wall time an invocation keeps its session busy, seconds. */
  readonly agentBusySecondsPerInvocation: number;
  /** Seconds a session lives after its last invocation (billed for memory). */
  readonly agentIdleSessionSeconds: number;
}

export const DEFAULT_USAGE: Usage = Object.freeze({
  // The seed's expected usage.
  lambdaRequests: 50_000,
  apiRequests: 10_000,
  dynamoStorageGb: 1,
  s3StorageGb: 0.5,
  snsPublishes: 1_000,
  stateTransitions: 2_000,
  xrayTraces: 5_000,
  // Implied by the seed's numbers (stated assumptions).
  /** Small models run in-process; most time is DynamoDB/S3 round trips. */
  lambdaAverageDurationMs: 300,
  /** The template's Globals MemorySize. */
  lambdaMemoryMb: 256,
  /** ≈ 4 writes per API call (prediction, job pointer, outcome, counter). */
  dynamoWriteRequestUnits: 40_000,
  /** ≈ 10 reads per API call (calibration, profile, cache, outcome windows). */
  dynamoReadRequestUnits: 100_000,
  /** Bundles are written only on (re)calibration. */
  s3PutRequests: 500,
  /** Bundles are cached per Lambda container; a GET per cold start. */
  s3GetRequests: 5_000,
  /**
   * Predictions, ScopeChanges, Escalations, ModelCostUsd (lambda-observability.ts's MetricName,
   * each with only the `service` dimension) and ModelUnavailable (a failed model call, alarmed).
   */
  cloudwatchCustomMetrics: 5,
  /** template.yaml's operations dashboard. */
  cloudwatchDashboards: 1,
  /**
   * The errors alarm reads 2 metrics (Lambda's account-wide Errors and failed workflow runs), the
   * model cost alarm 1, the model-unavailable alarm 1, the failed-asynchronous-invocations alarm 1.
   */
  cloudwatchAlarmMetrics: 5,
  cloudwatchLogsIngestedGb: 0.5,
  /** 0.5 GB/month kept 14 days. */
  cloudwatchLogsStoredGb: 0.25,
  /** 10K API calls with explanations cached for an hour: about 3 in 10 reach the model. */
  modelCalls: 3_000,
  /** Short prompts, as the seed asks ("Cluster c: 12 queued, 78% util. Predict wait.") plus tool context. */
  averageInputTokensPerCall: 200,
  averageOutputTokensPerCall: 150,
  sonnetCallShare: 0.05,
  // One operator keeps the web dashboard open on the deployed API.
  dashboardHoursPerMonth: DEFAULT_DASHBOARD_HOURS_PER_MONTH,
  /** The interval a deployed API announces (the page never polls faster). */
  dashboardRefreshSeconds: DEPLOYED_DASHBOARD_REFRESH_SECONDS,
  /** GET /api/dashboard: everything one refresh draws. */
  dashboardRequestsPerRefresh: 1,
  /** Steady state with DEFAULT_CLUSTERS clusters (dashboard-usage.ts). */
  dashboardReadUnitsPerRefresh: dashboardReadUnits(DEFAULT_CLUSTERS),
  // AgentCore Runtime. Volume: one invocation per agent question, the seed's ~10K API calls a month.
  agentInvocations: 10_000,
  /** Upper bound: every question in a session of its own (sessions are per API key or Slack conversation, so fewer). */
  agentSessions: 10_000,
  // Measured with `node --import tsx bench/agentcore.bench.ts --invocations 300` on 2026-12-07 (the
  // built runtime code in its own process on dynalite/s3rver, offline reasoner, 2-core AMD EPYC,
  // Node 20): 0.47 s of CPU to start, 0.017 s of CPU and ≈ 50 ms of wall time per invocation,
  // 130 MiB peak resident memory.
  agentCpuSecondsPerInvocation: 0.017,
  agentCpuSecondsPerSessionStart: 0.47,
  /** 130 MiB. */
  agentMemoryGb: 0.127,
  agentBusySecondsPerInvocation: 0.05,
  agentIdleSessionSeconds: AGENTCORE_IDLE_SESSION_SECONDS,
});

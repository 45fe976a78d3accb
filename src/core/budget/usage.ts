/**
 * A month of usage: what the cost projection prices (`Usage` and the seed's `DEFAULT_USAGE` are in
 * default-usage.ts, re-exported here). `vgac cost --usage FILE` replaces any of its fields,
 * validated here, and the budget ledger's measured model calls and tokens replace the model
 * defaults once they exist.
 */
import * as z from 'zod';
import { InvalidInputError } from '../errors.ts';
import { DEFAULT_USAGE, type Usage } from './default-usage.ts';

export { DEFAULT_USAGE, type Usage } from './default-usage.ts';

const count = z.number().min(0);

/** Every field optional: a usage file overrides only what it names. Unknown fields are refused (typos must not pass silently). */
export const UsageOverridesSchema = z
  .strictObject({
    lambdaRequests: count,
    lambdaAverageDurationMs: count,
    lambdaMemoryMb: z.number().int().min(128).max(10_240),
    apiRequests: count,
    dynamoWriteRequestUnits: count,
    dynamoReadRequestUnits: count,
    dynamoStorageGb: count,
    s3StorageGb: count,
    s3PutRequests: count,
    s3GetRequests: count,
    snsPublishes: count,
    stateTransitions: count,
    xrayTraces: count,
    cloudwatchCustomMetrics: count,
    cloudwatchDashboards: count,
    cloudwatchAlarmMetrics: count,
    cloudwatchLogsIngestedGb: count,
    cloudwatchLogsStoredGb: count,
    modelCalls: count,
    averageInputTokensPerCall: count,
    averageOutputTokensPerCall: count,
    sonnetCallShare: z.number().min(0).max(1),
    dashboardHoursPerMonth: z
      .number()
      .min(0)
      .max(31 * 24),
    dashboardRefreshSeconds: z
      .number()
      .refine(
        (seconds) => seconds === 0 || (seconds >= 1 && seconds <= 86_400),
        'expected 0 (no dashboard) or 1–86400 seconds',
      ),
    dashboardRequestsPerRefresh: count,
    dashboardReadUnitsPerRefresh: count,
    agentInvocations: count,
    agentSessions: count,
    agentCpuSecondsPerInvocation: count,
    agentCpuSecondsPerSessionStart: count,
    agentMemoryGb: count,
    agentBusySecondsPerInvocation: count,
    agentIdleSessionSeconds: count,
  })
  .partial();

/**
 * Validates a usage document (already parsed from JSON) and lays it over `base`. Fails with one
 * InvalidInputError naming every bad field, e.g.
 * `usage field 'modelCalls': Too small: expected number to be >=0`; unknown fields are named too.
 */
export function parseUsage(document: unknown, base: Usage = DEFAULT_USAGE): Usage {
  const parsed = UsageOverridesSchema.safeParse(document);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown usage field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `'${key}'`).join(', ')}`
        : issue.path.length === 0
          ? `usage must be a JSON object: ${issue.message}`
          : `usage field '${issue.path.join('.')}': ${issue.message}`,
    );
    throw new InvalidInputError(problems.join('; '));
  }
  return Object.freeze({ ...base, ...dropUndefined(parsed.data) });
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}

/** Model calls and tokens the budget ledger counted (summed over its components). */
export interface MeasuredModelUsage {
  readonly calls: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/**
 * `usage` with its average input and output tokens per model call replaced by the measured ones
 * (tokens ÷ calls), when the ledger has counted at least one call; otherwise `usage` unchanged.
 * The number of calls a month is not taken from the ledger: it counts calls since the table was
 * made, not per month.
 * @throws InvalidInputError when a measured count is negative or not finite.
 */
export function withMeasuredTokens(usage: Usage, measured: MeasuredModelUsage): Usage {
  for (const [name, value] of Object.entries(measured)) {
    if (!Number.isFinite(value) || value < 0)
      throw new InvalidInputError(`measured ${name} must be a finite number ≥ 0, got ${value}`);
  }
  if (measured.calls === 0) return usage;
  return Object.freeze({
    ...usage,
    averageInputTokensPerCall: measured.inputTokens / measured.calls,
    averageOutputTokensPerCall: measured.outputTokens / measured.calls,
  });
}

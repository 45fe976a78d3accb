/**
 * Monthly cost projection: prices a month of usage line by line, credits the free tier, and rolls
 * the lines up into the seed's budget components next to their allocations, with how long each
 * allocation — and the whole $200 — lasts at that rate.
 */
import { BUDGET_ALLOCATION, BudgetComponent, TOTAL_BUDGET_USD, type AllocationEntry } from './budget-allocation.ts';
import { dashboardMonthly, type DashboardMonthly } from './dashboard-usage.ts';
import type { FreeTier } from './free-tier.ts';
import { ModelFamily, type PriceTable } from './price-table.ts';
import type { Usage } from './usage.ts';

/** One priced quantity, e.g. "Lambda GB-seconds". */
export interface CostLine {
  readonly component: BudgetComponent;
  readonly service: string;
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly unitPriceUsd: number;
  /** Free-tier allowance for this line, in `unit`. */
  readonly freeQuantity: number;
  readonly grossUsd: number;
  readonly freeTierCreditUsd: number;
  /** gross − credit = max(0, quantity − freeQuantity) × unitPrice. */
  readonly netUsd: number;
}

export interface ComponentCost {
  readonly component: BudgetComponent;
  readonly label: string;
  /** The services its lines come from, e.g. "Lambda". Empty when it has no lines. */
  readonly services: readonly string[];
  readonly grossUsd: number;
  readonly freeTierCreditUsd: number;
  /** Net USD per month. */
  readonly netUsd: number;
  /** The component's allocation for the deployment's life, USD. */
  readonly allocationUsd: number;
  /** netUsd ÷ allocationUsd: the share of the allocation one month uses. null when the allocation is 0. */
  readonly shareOfAllocationPerMonth: number | null;
  /** allocationUsd ÷ netUsd, months. null when nothing is spent (unbounded). */
  readonly runwayMonths: number | null;
  readonly lines: readonly CostLine[];
}

export interface CostProjection {
  readonly components: readonly ComponentCost[];
  readonly totalGrossUsd: number;
  readonly totalFreeTierCreditUsd: number;
  readonly totalNetUsd: number;
  readonly budgetUsd: number;
  /** budgetUsd ÷ totalNetUsd, months; null when the month is free (unbounded). */
  readonly runwayMonths: number | null;
  /** Components whose monthly net cost exceeds their whole allocation. */
  readonly overAllocated: readonly BudgetComponent[];
  /** The web dashboard's share of the quantities priced (already included in the lines). */
  readonly dashboard: DashboardMonthly;
}

type LineInput = Omit<CostLine, 'grossUsd' | 'freeTierCreditUsd' | 'netUsd'>;

/**
 * Projects one month's cost.
 *
 * Units: every `*Usd` is US dollars per month except allocations and the budget (whole-life USD);
 * quantities are per month. Lambda GB-seconds = requests × durationMs/1000 × memoryMb/1024.
 * The web dashboard (`dashboardMonthly`) adds its requests to the HTTP API and Lambda lines, its
 * sampled traces to X-Ray's, its read units to DynamoDB's and its platform log lines to
 * CloudWatch Logs.
 * Bedrock tokens = modelCalls × share × average tokens per call, Haiku for (1 − sonnetCallShare)
 * of the calls and Sonnet for the rest. AgentCore Runtime vCPU-hours = (agentInvocations × CPU per
 * invocation + agentSessions × CPU per session start) ÷ 3600; GB-hours = agentMemoryGb ×
 * (agentSessions × idle seconds + agentInvocations × busy seconds) ÷ 3600 (memory is billed while
 * a session lives). Each line's free-tier credit is min(quantity, allowance) × unit price. Lines
 * map to the seed's components: Lambda → prediction serving; API Gateway and SNS (alerts reach
 * Slack through it) → Slack integration; DynamoDB → environment profiles; S3 → calibration state;
 * the AgentCore Runtime and Step Functions (the recalibration workflow) → agent orchestration;
 * CloudWatch and X-Ray → dashboards; Bedrock → agent reasoning.
 *
 * Pure; inputs are assumed validated (see `parseUsage`).
 */
export function projectMonthlyCost(
  usage: Usage,
  prices: PriceTable,
  freeTier: FreeTier,
  allocation: readonly AllocationEntry[] = BUDGET_ALLOCATION,
  budgetUsd: number = TOTAL_BUDGET_USD,
): CostProjection {
  const dashboard = dashboardMonthly(usage);
  const lines = priceLines(usage, dashboard, prices, freeTier).map(priceLine);
  const components = allocation.map((entry) =>
    rollUp(
      entry,
      lines.filter((line) => line.component === entry.component),
    ),
  );
  const totalNetUsd = sum(components.map((component) => component.netUsd));
  return Object.freeze({
    components: Object.freeze(components),
    totalGrossUsd: sum(components.map((component) => component.grossUsd)),
    totalFreeTierCreditUsd: sum(components.map((component) => component.freeTierCreditUsd)),
    totalNetUsd,
    budgetUsd,
    runwayMonths: totalNetUsd > 0 ? budgetUsd / totalNetUsd : null,
    overAllocated: Object.freeze(
      components
        .filter((component) => component.netUsd > component.allocationUsd)
        .map((component) => component.component),
    ),
    dashboard: Object.freeze({ ...dashboard }),
  });
}

function priceLines(usage: Usage, dashboard: DashboardMonthly, prices: PriceTable, freeTier: FreeTier): LineInput[] {
  const lambdaRequests = usage.lambdaRequests + dashboard.requests;
  const gbSeconds =
    usage.lambdaRequests * (usage.lambdaAverageDurationMs / 1000) * (usage.lambdaMemoryMb / 1024) + dashboard.gbSeconds;
  const agentVcpuSeconds =
    usage.agentInvocations * usage.agentCpuSecondsPerInvocation +
    usage.agentSessions * usage.agentCpuSecondsPerSessionStart;
  const agentGbSeconds =
    usage.agentMemoryGb *
    (usage.agentSessions * usage.agentIdleSessionSeconds +
      usage.agentInvocations * usage.agentBusySecondsPerInvocation);
  const sonnetCalls = usage.modelCalls * usage.sonnetCallShare;
  const haikuCalls = usage.modelCalls - sonnetCalls;
  const perMillion = (usd: number): number => usd / 1_000_000;
  const perThousand = (usd: number): number => usd / 1_000;
  const { lambda, apiGatewayHttp, dynamodb, s3, sns, stepFunctions, cloudwatch, xray, bedrock, agentCore } = prices;
  const {
    predictionServing,
    slackIntegration,
    environmentProfiles,
    calibrationState,
    agentOrchestration,
    cloudwatchDashboards,
    agentReasoning,
  } = BudgetComponent;
  const modelLines = (family: ModelFamily, calls: number): LineInput[] => [
    {
      component: agentReasoning,
      service: 'Bedrock',
      item: `${family} input tokens`,
      quantity: calls * usage.averageInputTokensPerCall,
      unit: 'tokens',
      unitPriceUsd: perThousand(bedrock[family].inputUsdPer1kTokens),
      freeQuantity: 0,
    },
    {
      component: agentReasoning,
      service: 'Bedrock',
      item: `${family} output tokens`,
      quantity: calls * usage.averageOutputTokensPerCall,
      unit: 'tokens',
      unitPriceUsd: perThousand(bedrock[family].outputUsdPer1kTokens),
      freeQuantity: 0,
    },
  ];
  return [
    {
      component: predictionServing,
      service: 'Lambda',
      item: 'requests',
      quantity: lambdaRequests,
      unit: 'requests',
      unitPriceUsd: perMillion(lambda.usdPerMillionRequests),
      freeQuantity: freeTier.lambdaRequests.quantity,
    },
    {
      component: predictionServing,
      service: 'Lambda',
      item: 'compute (arm64)',
      quantity: gbSeconds,
      unit: 'GB-seconds',
      unitPriceUsd: lambda.usdPerGbSecondArm64,
      freeQuantity: freeTier.lambdaGbSeconds.quantity,
    },
    {
      component: slackIntegration,
      service: 'API Gateway',
      item: 'HTTP API requests',
      quantity: usage.apiRequests + dashboard.requests,
      unit: 'requests',
      unitPriceUsd: perMillion(apiGatewayHttp.usdPerMillionRequests),
      freeQuantity: freeTier.apiRequests.quantity,
    },
    {
      component: slackIntegration,
      service: 'SNS',
      item: 'publishes',
      quantity: usage.snsPublishes,
      unit: 'publishes',
      unitPriceUsd: perMillion(sns.usdPerMillionPublishes),
      freeQuantity: freeTier.snsPublishes.quantity,
    },
    {
      component: environmentProfiles,
      service: 'DynamoDB',
      item: 'write request units',
      quantity: usage.dynamoWriteRequestUnits,
      unit: 'WRU',
      unitPriceUsd: perMillion(dynamodb.usdPerMillionWriteRequestUnits),
      freeQuantity: freeTier.dynamoRequestUnits.quantity,
    },
    {
      component: environmentProfiles,
      service: 'DynamoDB',
      item: 'read request units',
      quantity: usage.dynamoReadRequestUnits + dashboard.readUnits,
      unit: 'RRU',
      unitPriceUsd: perMillion(dynamodb.usdPerMillionReadRequestUnits),
      freeQuantity: freeTier.dynamoRequestUnits.quantity,
    },
    {
      component: environmentProfiles,
      service: 'DynamoDB',
      item: 'storage',
      quantity: usage.dynamoStorageGb,
      unit: 'GB-month',
      unitPriceUsd: dynamodb.usdPerGbMonth,
      freeQuantity: freeTier.dynamoStorageGb.quantity,
    },
    {
      component: environmentProfiles,
      service: 'DynamoDB',
      item: 'point-in-time recovery',
      quantity: usage.dynamoStorageGb,
      unit: 'GB-month',
      unitPriceUsd: dynamodb.usdPerGbMonthPitr,
      freeQuantity: 0,
    },
    {
      component: calibrationState,
      service: 'S3',
      item: 'storage',
      quantity: usage.s3StorageGb,
      unit: 'GB-month',
      unitPriceUsd: s3.usdPerGbMonth,
      freeQuantity: freeTier.s3StorageGb.quantity,
    },
    {
      component: calibrationState,
      service: 'S3',
      item: 'PUT requests',
      quantity: usage.s3PutRequests,
      unit: 'requests',
      unitPriceUsd: perThousand(s3.usdPerThousandPutRequests),
      freeQuantity: freeTier.s3PutRequests.quantity,
    },
    {
      component: calibrationState,
      service: 'S3',
      item: 'GET requests',
      quantity: usage.s3GetRequests,
      unit: 'requests',
      unitPriceUsd: perThousand(s3.usdPerThousandGetRequests),
      freeQuantity: freeTier.s3GetRequests.quantity,
    },
    {
      component: agentOrchestration,
      service: 'Bedrock AgentCore',
      item: 'Runtime active CPU',
      quantity: agentVcpuSeconds / 3600,
      unit: 'vCPU-hours',
      unitPriceUsd: agentCore.usdPerVcpuHour,
      freeQuantity: 0,
    },
    {
      component: agentOrchestration,
      service: 'Bedrock AgentCore',
      item: 'Runtime memory',
      quantity: agentGbSeconds / 3600,
      unit: 'GB-hours',
      unitPriceUsd: agentCore.usdPerGbHour,
      freeQuantity: 0,
    },
    {
      component: agentOrchestration,
      service: 'Step Functions',
      item: 'standard state transitions',
      quantity: usage.stateTransitions,
      unit: 'transitions',
      unitPriceUsd: perThousand(stepFunctions.usdPerThousandStandardTransitions),
      freeQuantity: freeTier.stateTransitions.quantity,
    },
    {
      component: cloudwatchDashboards,
      service: 'CloudWatch',
      item: 'custom metrics',
      quantity: usage.cloudwatchCustomMetrics,
      unit: 'metrics',
      unitPriceUsd: cloudwatch.usdPerCustomMetricMonth,
      freeQuantity: freeTier.cloudwatchCustomMetrics.quantity,
    },
    {
      component: cloudwatchDashboards,
      service: 'CloudWatch',
      item: 'dashboards',
      quantity: usage.cloudwatchDashboards,
      unit: 'dashboards',
      unitPriceUsd: cloudwatch.usdPerDashboardMonth,
      freeQuantity: freeTier.cloudwatchDashboards.quantity,
    },
    {
      component: cloudwatchDashboards,
      service: 'CloudWatch',
      item: 'alarm metrics',
      quantity: usage.cloudwatchAlarmMetrics,
      unit: 'alarm metrics',
      unitPriceUsd: cloudwatch.usdPerAlarmMetricMonth,
      freeQuantity: freeTier.cloudwatchAlarmMetrics.quantity,
    },
    {
      component: cloudwatchDashboards,
      service: 'CloudWatch',
      item: 'logs ingested',
      quantity: usage.cloudwatchLogsIngestedGb + dashboard.logsIngestedGb,
      unit: 'GB',
      unitPriceUsd: cloudwatch.usdPerGbLogsIngested,
      freeQuantity: freeTier.cloudwatchLogsGb.quantity,
    },
    {
      component: cloudwatchDashboards,
      service: 'CloudWatch',
      item: 'logs stored',
      quantity: usage.cloudwatchLogsStoredGb + dashboard.logsStoredGb,
      unit: 'GB-month',
      unitPriceUsd: cloudwatch.usdPerGbMonthLogsStored,
      freeQuantity: 0,
    },
    {
      component: cloudwatchDashboards,
      service: 'X-Ray',
      item: 'traces recorded',
      quantity: usage.xrayTraces + dashboard.traces,
      unit: 'traces',
      unitPriceUsd: perMillion(xray.usdPerMillionTracesRecorded),
      freeQuantity: freeTier.xrayTraces.quantity,
    },
    ...modelLines(ModelFamily.haiku, haikuCalls),
    ...modelLines(ModelFamily.sonnet, sonnetCalls),
  ];
}

function priceLine(line: LineInput): CostLine {
  const grossUsd = line.quantity * line.unitPriceUsd;
  const freeTierCreditUsd = Math.min(line.quantity, line.freeQuantity) * line.unitPriceUsd;
  return Object.freeze({ ...line, grossUsd, freeTierCreditUsd, netUsd: grossUsd - freeTierCreditUsd });
}

function rollUp(entry: AllocationEntry, lines: readonly CostLine[]): ComponentCost {
  const netUsd = sum(lines.map((line) => line.netUsd));
  return Object.freeze({
    component: entry.component,
    label: entry.label,
    services: Object.freeze([...new Set(lines.map((line) => line.service))]),
    grossUsd: sum(lines.map((line) => line.grossUsd)),
    freeTierCreditUsd: sum(lines.map((line) => line.freeTierCreditUsd)),
    netUsd,
    allocationUsd: entry.allocationUsd,
    shareOfAllocationPerMonth: entry.allocationUsd > 0 ? netUsd / entry.allocationUsd : null,
    runwayMonths: netUsd > 0 ? entry.allocationUsd / netUsd : null,
    lines: Object.freeze([...lines]),
  });
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

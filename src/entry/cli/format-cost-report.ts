/**
 * Renders a cost projection as the plain-text table `vgac cost` prints: one row per budget
 * component with its allocation, then the total and how long the $200 lasts.
 */
import type { CostProjection } from '../../core/budget/cost-projection.ts';

export interface CostReportContext {
  readonly pricesAsOf: string;
  /** How the free tier was applied, e.g. "seed (incl. 12-month allowances)". */
  readonly freeTierLabel: string;
  /** Which models price the Bedrock lines, at what price and as of when. */
  readonly modelPricesLabel: string;
  /** Where the usage came from, e.g. "defaults (seed expected usage)" or a file path. */
  readonly usageLabel: string;
  /** The AgentCore Runtime's prices and the usage they are applied to; no line when absent. */
  readonly agentCoreLabel?: string;
  /** How long a web dashboard is open and how often it refreshes, e.g. "176 h/month, a refresh every 15 s"; omitted: no dashboard line. */
  readonly dashboardLabel?: string;
}

const HEADERS = [
  'Component',
  'Services',
  'Gross/mo',
  'Free tier',
  'Net/mo',
  'Allocation',
  'Month uses',
  'Lasts',
] as const;
/** Columns from Gross/mo on are numbers: right-aligned. */
const FIRST_NUMERIC_COLUMN = 2;

/** Formats a projection; amounts per month in USD with 4 decimals, allocations with 2. */
export function formatCostReport(projection: CostProjection, context: CostReportContext): string {
  const rows: string[][] = projection.components.map((component) => [
    component.label,
    component.services.length === 0 ? '—' : component.services.join(' + '),
    usd(component.grossUsd, 4),
    usd(-component.freeTierCreditUsd, 4),
    usd(component.netUsd, 4),
    usd(component.allocationUsd, 2),
    component.shareOfAllocationPerMonth === null
      ? component.netUsd > 0
        ? 'over'
        : '—'
      : percent(component.shareOfAllocationPerMonth),
    months(component.runwayMonths),
  ]);
  rows.push([
    'Total',
    '',
    usd(projection.totalGrossUsd, 4),
    usd(-projection.totalFreeTierCreditUsd, 4),
    usd(projection.totalNetUsd, 4),
    usd(projection.budgetUsd, 2),
    percent(projection.totalNetUsd / projection.budgetUsd),
    months(projection.runwayMonths),
  ]);
  const { dashboard } = projection;
  const lines = [
    `Monthly cost projection — prices us-east-1 as of ${context.pricesAsOf}; free tier: ${context.freeTierLabel}; usage: ${context.usageLabel}`,
    `Bedrock: ${context.modelPricesLabel}`,
    ...(context.agentCoreLabel === undefined ? [] : [`AgentCore Runtime: ${context.agentCoreLabel}`]),
    ...(context.dashboardLabel === undefined || dashboard.requests === 0
      ? []
      : [
          `Web dashboard (included): open ${context.dashboardLabel}: ${count(dashboard.requests)} API requests and Lambda invocations, ${count(dashboard.readUnits)} DynamoDB read units a month`,
        ]),
    '',
    ...table([...HEADERS], rows),
    '',
    projection.runwayMonths === null
      ? `Everything fits in the free tier: the $${projection.budgetUsd.toFixed(0)} budget is not drawn down.`
      : `At ${usd(projection.totalNetUsd, 4)}/month the $${projection.budgetUsd.toFixed(0)} budget lasts ${projection.runwayMonths.toFixed(1)} months.`,
    projection.overAllocated.length === 0
      ? 'No component spends more in a month than its whole allocation.'
      : `Over allocation within one month: ${projection.overAllocated.join(', ')}.`,
  ];
  return `${lines.join('\n')}\n`;
}

function table(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const render = (cells: readonly string[]): string =>
    cells
      .map((cell, column) =>
        column >= FIRST_NUMERIC_COLUMN ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const separator = widths.map((width) => '-'.repeat(width)).join('  ');
  return [render(headers), separator, ...rows.slice(0, -1).map(render), separator, ...rows.slice(-1).map(render)];
}

function usd(amount: number, decimals: number): string {
  // -0 would print as "-$0.0000"; a credit of zero is just zero.
  const value = Object.is(amount, -0) || Math.abs(amount) < 0.5 * 10 ** -decimals ? 0 : amount;
  return `${value < 0 ? '-' : ''}$${Math.abs(value).toFixed(decimals)}`;
}

function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function percent(share: number): string {
  return `${(share * 100).toFixed(2)} %`;
}

function months(runway: number | null): string {
  return runway === null ? 'unbounded' : `${runway.toFixed(1)} mo`;
}

import { describe, expect, it } from 'vitest';
import { projectMonthlyCost } from '../../core/budget/cost-projection.ts';
import { SEED_FREE_TIER } from '../../core/budget/free-tier.ts';
import { US_EAST_1_PRICES } from '../../core/budget/price-table.ts';
import { DEFAULT_USAGE, type Usage } from '../../core/budget/usage.ts';
import { formatCostReport } from './format-cost-report.ts';

const CONTEXT = {
  pricesAsOf: '2025-06',
  freeTierLabel: 'seed',
  usageLabel: 'defaults',
  modelPricesLabel: 'Claude Haiku 5.5 by default',
};
const ZERO_USAGE = Object.fromEntries(
  Object.keys(DEFAULT_USAGE).map((key) => [key, key === 'lambdaMemoryMb' ? 256 : 0]),
) as unknown as Usage;
/** The seed's expected usage without the web dashboard. */
const SEED_ONLY: Usage = { ...DEFAULT_USAGE, dashboardHoursPerMonth: 0 };

function rowStartingWith(report: string, label: string): string[] {
  const line = report.split('\n').find((candidate) => candidate.startsWith(label));
  if (line === undefined) throw new Error(`no row '${label}'`);
  return line.split(/\s{2,}/);
}

describe('formatCostReport', () => {
  it('formatCostReport prints one row per component with allocation, share and runway', () => {
    // Agent reasoning by hand: $0.611325/month of $35 → 1.75 %, 57.3 months (see cost-projection.test.ts).
    const projection = projectMonthlyCost(SEED_ONLY, US_EAST_1_PRICES, SEED_FREE_TIER);

    const report = formatCostReport(projection, CONTEXT);

    expect(rowStartingWith(report, 'Agent reasoning')).toEqual([
      'Agent reasoning',
      'Bedrock',
      '$0.6113',
      '$0.0000',
      '$0.6113',
      '$35.00',
      '1.75 %',
      '57.3 mo',
    ]);
    expect(rowStartingWith(report, 'Buffer')).toEqual([
      'Buffer (testing/mistakes)',
      '—',
      '$0.0000',
      '$0.0000',
      '$0.0000',
      '$100.00',
      '0.00 %',
      'unbounded',
    ]);
    expect(rowStartingWith(report, 'Calibration state').slice(-2)).toEqual(['—', 'unbounded']);
    // Agent orchestration: the AgentCore Runtime's $0.321265/month (no free tier; cost-projection.test.ts) plus Step
    // Functions' 2,000 transitions × $0.025/1K = $0.05, all free → $0.3213 net of $50 → 0.64 %, 155.6 months.
    expect(rowStartingWith(report, 'Agent orchestration')).toEqual([
      'Agent orchestration',
      'Bedrock AgentCore + Step Functions',
      '$0.3713',
      '-$0.0500',
      '$0.3213',
      '$50.00',
      '0.64 %',
      '155.6 mo',
    ]);
    // 200 / 1.177590 (Bedrock 0.611325 + DynamoDB 0.2375 + stored logs 0.0075 + AgentCore 0.321265) = 169.84 months.
    expect(report).toContain('the $200 budget lasts 169.8 months.');
    expect(report.split('\n')[1]).toBe('Bedrock: Claude Haiku 5.5 by default');
    expect(report).toContain('No component spends more in a month than its whole allocation.');
  });

  it('formatCostReport shows a free-tier credit as a negative amount', () => {
    // Lambda: 0.01 + 0.05000025 gross, all of it credited.
    const projection = projectMonthlyCost(SEED_ONLY, US_EAST_1_PRICES, SEED_FREE_TIER);

    const report = formatCostReport(projection, CONTEXT);

    expect(rowStartingWith(report, 'Prediction serving').slice(2, 5)).toEqual(['$0.0600', '-$0.0600', '$0.0000']);
  });

  it('formatCostReport says when the month is free', () => {
    const projection = projectMonthlyCost(ZERO_USAGE, US_EAST_1_PRICES, SEED_FREE_TIER);

    const report = formatCostReport(projection, CONTEXT);

    expect(report).toContain('Everything fits in the free tier: the $200 budget is not drawn down.');
    expect(rowStartingWith(report, 'Total').at(-1)).toBe('unbounded');
  });

  it('formatCostReport names over-allocated components and marks a zero allocation that is spent', () => {
    // 10 GB in S3 → (10 − 5) × 0.023 = $0.115 against a $0 allocation.
    const projection = projectMonthlyCost({ ...ZERO_USAGE, s3StorageGb: 10 }, US_EAST_1_PRICES, SEED_FREE_TIER);

    const report = formatCostReport(projection, CONTEXT);

    expect(rowStartingWith(report, 'Calibration state').slice(-3)).toEqual(['$0.00', 'over', '0.0 mo']);
    expect(report).toContain('Over allocation within one month: calibration_state.');
  });

  it('formatCostReport says what the web dashboard adds, and nothing without one', () => {
    // 176 h × 3,600 ÷ 15 s = 42,240 requests; × 26 read units = 1,098,240 (see cost-projection.test.ts).
    const withDashboard = formatCostReport(projectMonthlyCost(DEFAULT_USAGE, US_EAST_1_PRICES, SEED_FREE_TIER), {
      ...CONTEXT,
      dashboardLabel: '176 h/month, 1 request every 15 s',
    });
    const without = formatCostReport(projectMonthlyCost(SEED_ONLY, US_EAST_1_PRICES, SEED_FREE_TIER), {
      ...CONTEXT,
      dashboardLabel: '0 h/month, 1 request every 15 s',
    });

    expect(withDashboard.split('\n')[2]).toBe(
      'Web dashboard (included): open 176 h/month, 1 request every 15 s: 42,240 API requests and Lambda invocations, 1,098,240 DynamoDB read units a month',
    );
    expect(without).not.toContain('Web dashboard');
  });

  it('formatCostReport states prices date, free tier and usage source in its first line, and the models priced in its second', () => {
    const projection = projectMonthlyCost(DEFAULT_USAGE, US_EAST_1_PRICES, SEED_FREE_TIER);

    const report = formatCostReport(projection, {
      pricesAsOf: '2031-01',
      freeTierLabel: 'none',
      usageLabel: 'u.json',
      modelPricesLabel: 'model X as of 2031-02-03',
    });

    expect(report.split('\n').slice(0, 2)).toEqual([
      'Monthly cost projection — prices us-east-1 as of 2031-01; free tier: none; usage: u.json',
      'Bedrock: model X as of 2031-02-03',
    ]);
  });
});

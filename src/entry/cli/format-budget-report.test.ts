import { describe, expect, it } from 'vitest';
import { formatBudgetReport } from './format-budget-report.ts';

describe('formatBudgetReport', () => {
  it('shows spend vs allocation, tokens per call and the cache hit rate', () => {
    const report = formatBudgetReport({
      committedTotalMicroUsd: 3_500_000,
      components: { agent_reasoning: { committedMicroUsd: 3_500_000, calls: 4, inputTokens: 200, outputTokens: 90 } },
      cacheHits: 3,
      cacheMisses: 1,
    });
    const reasoning = report.split('\n').find((line) => line.startsWith('Agent reasoning'));

    // $3.5 of $35 = 10 %; 200/4 = 50 input tokens and 90/4 = 22.5 output tokens per call; 3 hits of 4 lookups.
    expect(reasoning?.split(/\s{2,}/)).toEqual([
      'Agent reasoning',
      '$35.00',
      '$3.500000',
      '10.000 %',
      '4',
      '50.0',
      '22.5',
    ]);
    expect(report).toContain('explanation cache hit rate: 75.0 % (3 of 4)');
    expect(
      report
        .split('\n')
        .find((line) => line.startsWith('Total'))
        ?.split(/\s{2,}/),
    ).toEqual(['Total', '$200.00', '$3.500000', '1.750 %']);
  });

  it('says when there were no lookups and marks components without calls', () => {
    const report = formatBudgetReport({ committedTotalMicroUsd: 0, components: {}, cacheHits: 0, cacheMisses: 0 });

    expect(report).toContain('explanation cache hit rate: no lookups yet');
    expect(
      report
        .split('\n')
        .find((line) => line.startsWith('Calibration state'))
        ?.split(/\s{2,}/),
    ).toEqual(['Calibration state', '$0.00', '$0.000000', '—', '0', '—', '—']);
  });
});

import { describe, expect, it } from 'vitest';
import { answerFactsOf, type DecisionAnswerFacts } from './answer-facts-of.ts';

const base: DecisionAnswerFacts = {
  clusterId: 'slurm-hpc',
  probability: 0.62,
  waitEstimate: { pointSeconds: 1500, lowerSeconds: 720, upperSeconds: 2460, coverage: 0.8 },
  scope: 'notify',
  intervention: 'warn',
  ece: 0.04,
  outcomeCount: 120,
  minOutcomes: 50,
};

describe('answerFactsOf', () => {
  it('flattens the wait estimate into seconds fields and keeps every other fact', () => {
    const flattened = answerFactsOf(base);

    expect(flattened).toEqual({
      clusterId: 'slurm-hpc',
      probability: 0.62,
      waitPointSeconds: 1500,
      waitLowerSeconds: 720,
      waitUpperSeconds: 2460,
      coverage: 0.8,
      scope: 'notify',
      intervention: 'warn',
      ece: 0.04,
      outcomeCount: 120,
      minOutcomes: 50,
    });
  });

  it('gives null wait fields when there is no wait estimate', () => {
    const flattened = answerFactsOf({ ...base, waitEstimate: null, ece: null, scope: 'learning' });

    expect([
      flattened.waitPointSeconds,
      flattened.waitLowerSeconds,
      flattened.waitUpperSeconds,
      flattened.coverage,
      flattened.ece,
      flattened.scope,
    ]).toEqual([null, null, null, null, null, 'learning']);
  });
});

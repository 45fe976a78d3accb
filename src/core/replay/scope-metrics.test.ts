import { describe, expect, it } from 'vitest';
import { MIN_ANSWERS_FOR_ECE, scopeMetrics, type ScopedAnswer } from './scope-metrics.ts';

function answers(count: number, scope: string, probability: number, longWaitEvery: number | null): ScopedAnswer[] {
  return Array.from({ length: count }, (_, index) => ({
    scope,
    probability,
    longWait: longWaitEvery === null ? null : index % longWaitEvery === 0,
  }));
}

describe('scopeMetrics', () => {
  it('scopeMetrics groups answers by scope, with acting = autonomous + notify and withheld = escalate + learning (hand-worked)', () => {
    // autonomous: (0.8, long), (0.2, short): Brier ((0.2)² + (0.2)²)/2 = 0.04
    // notify: (0.6, censored): given, but no Brier; escalate: (0.5, long): Brier 0.25; learning: none.
    const given: ScopedAnswer[] = [
      { scope: 'autonomous', probability: 0.8, longWait: true },
      { scope: 'autonomous', probability: 0.2, longWait: false },
      { scope: 'notify', probability: 0.6, longWait: null },
      { scope: 'escalate', probability: 0.5, longWait: true },
    ];

    const metrics = scopeMetrics(given);

    expect(metrics.autonomous).toEqual({ jobs: 2, ece: null, brier: expect.closeTo(0.04, 12) as number });
    expect(metrics.notify).toEqual({ jobs: 1, ece: null, brier: null });
    expect(metrics.escalate).toEqual({ jobs: 1, ece: null, brier: 0.25 });
    expect(metrics.learning).toEqual({ jobs: 0, ece: null, brier: null });
    expect(metrics.acting).toEqual({ jobs: 3, ece: null, brier: expect.closeTo(0.04, 12) as number });
    expect(metrics.withheld).toEqual({ jobs: 1, ece: null, brier: 0.25 });
  });

  it('scopeMetrics reports ECE from 50 labelled answers on (hand-worked: 50 at p = 0.3, half long → every bin off by 0.2)', () => {
    // Tied forecasts: each of the 15 equal-mass bins carries the group's rate 0.5 against mean 0.3 → ECE 0.2.
    // Brier = (25·0.7² + 25·0.3²)/50 = 0.29.
    const metrics = scopeMetrics(answers(50, 'notify', 0.3, 2));

    expect(MIN_ANSWERS_FOR_ECE).toBe(50);
    expect(metrics.notify.ece).toBeCloseTo(0.2, 12);
    expect(metrics.notify.brier).toBeCloseTo(0.29, 12);
    expect(metrics.acting.ece).toBeCloseTo(0.2, 12);
    expect(metrics.withheld.ece).toBeNull();
  });

  it('scopeMetrics counts censored answers as given only: 49 labelled + 10 censored has no ECE', () => {
    const given = [...answers(49, 'escalate', 0.3, 3), ...answers(10, 'escalate', 0.9, null)];

    const metrics = scopeMetrics(given);

    expect(metrics.escalate.jobs).toBe(59);
    expect(metrics.escalate.ece).toBeNull();
    // Brier of the 49 labelled only: 17 long (index % 3 = 0) → (17·0.49 + 32·0.09)/49
    expect(metrics.escalate.brier).toBeCloseTo((17 * 0.49 + 32 * 0.09) / 49, 12);
  });

  it('scopeMetrics of calibrated answers in one group is (near) zero ECE: p = 0.3 with 15 of 50 long', () => {
    const given = Array.from({ length: 50 }, (_, index) => ({
      scope: 'learning',
      probability: 0.3,
      longWait: index < 15,
    }));

    expect(scopeMetrics(given).learning.ece).toBeCloseTo(0, 12);
    expect(scopeMetrics(given).withheld.ece).toBeCloseTo(0, 12);
  });

  it('scopeMetrics ignores answers of an unknown scope and handles no answers', () => {
    const metrics = scopeMetrics([{ scope: 'retired', probability: 0.5, longWait: true }]);
    const empty = scopeMetrics([]);

    for (const group of Object.values(metrics)) expect(group).toEqual({ jobs: 0, ece: null, brier: null });
    expect(Object.keys(empty).sort()).toEqual(['acting', 'autonomous', 'escalate', 'learning', 'notify', 'withheld']);
  });
});

import { describe, expect, it } from 'vitest';
import { forecastDue } from './forecast-due.ts';

describe('forecastDue', () => {
  it('forecastDue_neverForecast_isDue', () => {
    const due = forecastDue(undefined, 1_000, 60_000);

    expect(due).toBe(true);
  });

  it('forecastDue_withinTheInterval_isNotDue_andDueFromItsEnd', () => {
    const last = 10_000;

    const justBefore = forecastDue(last, last + 59_999, 60_000);
    const atTheEnd = forecastDue(last, last + 60_000, 60_000);

    expect(justBefore).toBe(false);
    expect(atTheEnd).toBe(true);
  });

  it('forecastDue_clockWentBack_isDue', () => {
    const due = forecastDue(10_000, 9_000, 60_000);

    expect(due).toBe(true);
  });

  it('forecastDue_zeroInterval_isAlwaysDue', () => {
    const due = forecastDue(10_000, 10_000, 0);

    expect(due).toBe(true);
  });

  it('forecastDue_negativeOrNonFiniteInterval_throwsRangeError', () => {
    expect(() => forecastDue(0, 0, -1)).toThrow(RangeError);
    expect(() => forecastDue(0, 0, Number.NaN)).toThrow('intervalMs must be a finite number ≥ 0, got NaN');
  });
});

import { describe, it, expect } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { driftRatio, driftStatus } from './drift.ts';
import { DEFAULT_GATE_CONFIG } from './gate-config.ts';

// SPEC: baseline (last-known-good) ECE 0.018; ratio ≤ 1.5 none; ≤ 2 monitor; ≤ 5 reduce autonomy; > 5 recalibrate.
const baseline = 0.018;

describe('driftRatio', () => {
  it.each([
    [0.027, 1.5],
    [0.036, 2],
    [0.09, 5],
    [0.018, 1],
    [0, 0],
  ])('driftRatio of ECE %s against 0.018 is %s', (ece, expected) => {
    const ratio = driftRatio(ece, baseline);

    expect(ratio).toBe(expected);
  });

  it('driftRatio snaps floating-point residue: 1.5·baseline computed in doubles is ratio 1.5', () => {
    const currentEce = 1.5 * baseline; // 0.026999999999999996 in doubles

    const ratio = driftRatio(currentEce, baseline);

    expect(ratio).toBe(1.5);
  });

  it('driftRatio refuses a zero, negative or out-of-range baseline', () => {
    const zero = (): number => driftRatio(0.02, 0);
    const negative = (): number => driftRatio(0.02, -0.1);
    const above = (): number => driftRatio(0.02, 1.1);

    expect(zero).toThrow('baselineEce must be in (0, 1] (got 0)');
    expect(negative).toThrow(InvalidInputError);
    expect(above).toThrow(InvalidInputError);
  });

  it('driftRatio refuses a current ECE outside [0, 1]', () => {
    const ratio = (): number => driftRatio(Number.NaN, baseline);

    expect(ratio).toThrow('currentEce must be in [0, 1] (got NaN)');
  });
});

describe('driftStatus', () => {
  it.each([
    [0, 'none'],
    [0.027, 'none'],
    [0.0271, 'monitor'],
    [0.036, 'monitor'],
    [0.0361, 'reduce_autonomy'],
    [0.09, 'reduce_autonomy'],
    [0.0901, 'recalibrate'],
    [0.5, 'recalibrate'],
  ])('driftStatus of ECE %s against 0.018 is %s', (ece, expected) => {
    const status = driftStatus(ece, baseline);

    expect(status).toBe(expected);
  });

  it('driftStatus is none without a current ECE', () => {
    const status = driftStatus(null, baseline);

    expect(status).toBe('none');
  });

  it('driftStatus checks the baseline even without a current ECE', () => {
    const status = (): string => driftStatus(null, 0);

    expect(status).toThrow(InvalidInputError);
  });

  it('driftStatus follows configured bounds', () => {
    const config = {
      ...DEFAULT_GATE_CONFIG,
      driftNoneMaxRatio: 1.1,
      driftMonitorMaxRatio: 1.2,
      driftReduceMaxRatio: 1.3,
    };

    const statuses = [0.25, 0.3, 0.35].map((ece) => driftStatus(ece, 0.25, config));

    // ratios 1, 1.2, 1.4
    expect(statuses).toEqual(['none', 'monitor', 'recalibrate']);
  });
});

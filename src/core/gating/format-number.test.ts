import { describe, it, expect } from 'vitest';
import { formatComparison, formatNumber } from './format-number.ts';

describe('formatNumber', () => {
  it('formatNumber keeps three significant digits without trailing zeros', () => {
    const inputs = [0.0412345, 6.1, 0.85, 2.27777, 50];

    const texts = inputs.map((value) => formatNumber(value));

    expect(texts).toEqual(['0.0412', '6.1', '0.85', '2.28', '50']);
  });

  it('formatNumber prints non-finite values as JavaScript does', () => {
    const texts = [formatNumber(Number.POSITIVE_INFINITY), formatNumber(Number.NaN)];

    expect(texts).toEqual(['Infinity', 'NaN']);
  });
});

describe('formatComparison', () => {
  it('formatComparison adds digits until different numbers print differently', () => {
    const value = 0.03004;

    const texts = formatComparison(value, 0.03);

    expect(texts).toEqual(['0.03004', '0.03']);
  });

  it('formatComparison prints equal numbers identically', () => {
    const texts = formatComparison(0.85, 0.85);

    expect(texts).toEqual(['0.85', '0.85']);
  });

  it('formatComparison keeps three digits when they already differ', () => {
    const texts = formatComparison(0.041, 0.03);

    expect(texts).toEqual(['0.041', '0.03']);
  });

  it('formatComparison tells apart neighbouring doubles', () => {
    const above = 0.1 + Number.EPSILON / 8;

    const [valueText, thresholdText] = formatComparison(above, 0.1);

    expect(above).not.toBe(0.1);
    expect(valueText).not.toBe(thresholdText);
    expect(Number(valueText)).toBe(above);
  });

  it('formatComparison falls back to plain text for non-finite numbers', () => {
    const texts = formatComparison(Number.POSITIVE_INFINITY, 5);

    expect(texts).toEqual(['Infinity', '5']);
  });
});

import { describe, expect, it } from 'vitest';
import { encodedFeatureNames, encodedWidth, encodeFeatureTable, fitCategoricalEncodings } from './feature-encoder.ts';
import type { FeatureTable } from './feature-table.ts';

const TABLE: FeatureTable = {
  source: 'test.csv',
  numericFeatures: ['pending_ratio', 'total_pending'],
  categoricalFeatures: ['job_type'],
  rows: [
    [0.5, 3],
    [0.25, 1],
    [1, 0],
    [0, 2],
  ],
  categorical: [['short'], ['burst'], [''], ['short']],
  labels: Uint8Array.from([0, 1, 0, 1]),
  waitsSeconds: null,
  labelThresholdSeconds: null,
};

describe('fitCategoricalEncodings', () => {
  it('lists the distinct declared categories, sorted, and ignores empty cells', () => {
    const encodings = fitCategoricalEncodings(TABLE);

    expect(encodings).toEqual([{ column: 'job_type', categories: ['burst', 'short'] }]);
  });
});

describe('encodeFeatureTable', () => {
  it('puts numeric cells first, then one indicator per category; an empty or unseen value is all zeros', () => {
    const encodings = [{ column: 'job_type', categories: ['burst', 'long'] }];

    const design = encodeFeatureTable(TABLE, encodings).map((row) => Array.from(row));

    expect(design).toEqual([
      [0.5, 3, 0, 0],
      [0.25, 1, 1, 0],
      [1, 0, 0, 0],
      [0, 2, 0, 0],
    ]);
  });
});

describe('encodedFeatureNames', () => {
  it('names indicators column=value and matches the encoded width', () => {
    const encodings = [{ column: 'job_type', categories: ['burst', 'short'] }];

    const names = encodedFeatureNames(TABLE.numericFeatures, encodings);

    expect(names).toEqual(['pending_ratio', 'total_pending', 'job_type=burst', 'job_type=short']);
    expect(encodedWidth(2, encodings)).toBe(names.length);
  });
});

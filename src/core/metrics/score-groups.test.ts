import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { groupByScore, groupIndexOfRows } from './score-groups.ts';

describe('groupByScore', () => {
  it('groupByScore collapses ties into ascending distinct probabilities with counts and positives', () => {
    const probabilities = [0.6, 0.2, 0.9, 0.2, 0.2, 0.1];
    const labels = [1, 1, 1, 0, 0, 0];

    const groups = groupByScore(probabilities, labels);

    expect(Array.from(groups.probabilities)).toEqual([0.1, 0.2, 0.6, 0.9]);
    expect(Array.from(groups.counts)).toEqual([1, 3, 1, 1]);
    expect(Array.from(groups.positives)).toEqual([0, 1, 1, 1]);
    expect(groups.total).toBe(6);
    expect(groups.totalPositives).toBe(3);
  });

  it('groupByScore puts -0 and 0 in one group', () => {
    const probabilities = [0, -0, 0.5, -0];
    const labels = [1, 0, 1, 1];

    const groups = groupByScore(probabilities, labels);

    expect(Array.from(groups.counts)).toEqual([3, 1]);
    expect(Array.from(groups.positives)).toEqual([2, 1]);
  });

  it('groupByScore leaves its inputs untouched', () => {
    const probabilities = Object.freeze([0.7, 0.1, 0.4]);
    const labels = new Float64Array([1, 0, 1]);

    groupByScore(probabilities, labels);

    expect(probabilities).toEqual([0.7, 0.1, 0.4]);
    expect(Array.from(labels)).toEqual([1, 0, 1]);
  });

  it('groupByScore rejects invalid input', () => {
    const group = () => groupByScore([0.5], [3]);

    expect(group).toThrow(InvalidInputError);
  });

  it('groupByScore agrees with a brute-force tally (property)', () => {
    const row = fc.record({ probability: fc.constantFrom(0, 0.25, 0.5, 0.75, 1, 0.3), label: fc.constantFrom(0, 1) });

    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 60 }), (rows) => {
        const groups = groupByScore(
          rows.map((r) => r.probability),
          rows.map((r) => r.label),
        );

        const distinct = [...new Set(rows.map((r) => r.probability))].sort((a, b) => a - b);
        expect(Array.from(groups.probabilities)).toEqual(distinct);
        distinct.forEach((value, index) => {
          const tied = rows.filter((r) => r.probability === value);
          expect(groups.counts[index]).toBe(tied.length);
          expect(groups.positives[index]).toBe(tied.filter((r) => r.label === 1).length);
        });
      }),
    );
  });
});

describe('groupIndexOfRows', () => {
  it('groupIndexOfRows maps each row to the group holding its probability', () => {
    const probabilities = [0.6, 0.2, 0.9, 0.2, 0.1];
    const groups = groupByScore(probabilities, [1, 0, 1, 0, 0]);

    const groupOfRow = groupIndexOfRows(groups, probabilities);

    // Groups are [0.1, 0.2, 0.6, 0.9].
    expect(Array.from(groupOfRow)).toEqual([2, 1, 3, 1, 0]);
  });
});

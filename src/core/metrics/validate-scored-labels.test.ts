import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { validateScoredLabels } from './validate-scored-labels.ts';

describe('validateScoredLabels', () => {
  it('validateScoredLabels accepts number arrays and typed arrays with edge values 0 and 1', () => {
    const probabilities = new Float64Array([0, 0.5, 1]);
    const labels = [1, 0, 1];

    const check = () => validateScoredLabels(probabilities, labels);

    expect(check).not.toThrow();
  });

  it.each([
    {
      name: 'length mismatch',
      probabilities: [0.1, 0.2],
      labels: [1],
      message: 'length mismatch: 2 probabilities, 1 labels',
    },
    { name: 'empty sample', probabilities: [], labels: [], message: 'empty sample: no probabilities' },
    {
      name: 'NaN probability',
      probabilities: [0.1, Number.NaN],
      labels: [0, 1],
      message: 'probabilities[1] = NaN is not in [0, 1]',
    },
    {
      name: 'probability above 1',
      probabilities: [1.5],
      labels: [1],
      message: 'probabilities[0] = 1.5 is not in [0, 1]',
    },
    {
      name: 'negative probability',
      probabilities: [-0.1],
      labels: [1],
      message: 'probabilities[0] = -0.1 is not in [0, 1]',
    },
    {
      name: 'infinite probability',
      probabilities: [Infinity],
      labels: [1],
      message: 'probabilities[0] = Infinity is not in [0, 1]',
    },
    { name: 'label 2', probabilities: [0.3, 0.3], labels: [1, 2], message: 'labels[1] = 2 is not 0 or 1' },
    { name: 'fractional label', probabilities: [0.3], labels: [0.5], message: 'labels[0] = 0.5 is not 0 or 1' },
  ])(
    'validateScoredLabels rejects $name with InvalidInputError naming the value',
    ({ probabilities, labels, message }) => {
      const check = () => validateScoredLabels(probabilities, labels);

      expect(check).toThrow(InvalidInputError);
      expect(check).toThrow(message);
    },
  );
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { camelCaseKey, snakeCaseKey, toCamelCaseKeys, toSnakeCaseKeys } from './json-case.ts';

describe('json-case', () => {
  it('snakeCaseKey and camelCaseKey convert our field names both ways and leave the other convention as it is', () => {
    expect(['clusterId', 'probabilityLongWait', 'eceUpper95', 'status'].map(snakeCaseKey)).toEqual([
      'cluster_id',
      'probability_long_wait',
      'ece_upper95',
      'status',
    ]);
    expect(['cluster_id', 'probability_long_wait', 'ece_upper95', 'clusterId'].map(camelCaseKey)).toEqual([
      'clusterId',
      'probabilityLongWait',
      'eceUpper95',
      'clusterId',
    ]);
  });

  it('toSnakeCaseKeys renames keys at every depth (arrays too) and never touches values', () => {
    const decision = {
      clusterId: 'eks-prod',
      requestedTier: 'require_confirmation',
      executedActions: [{ action: { kind: 'annotate', jobId: 'j-1' } }],
      observed: null,
      reasons: ['ECE 0.01'],
    };

    expect(toSnakeCaseKeys(decision)).toEqual({
      cluster_id: 'eks-prod',
      requested_tier: 'require_confirmation',
      executed_actions: [{ action: { kind: 'annotate', job_id: 'j-1' } }],
      observed: null,
      reasons: ['ECE 0.01'],
    });
  });

  it('round-trips any record whose keys are camelCase words: toCamelCaseKeys(toSnakeCaseKeys(x)) equals x', () => {
    const word = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);
    // Later words have at least two characters: no doubled capitals ("aAA"), which no record of ours has.
    const laterWord = fc
      .stringMatching(/^[a-z][a-z0-9]{1,6}$/)
      .map((part) => (part[0] as string).toUpperCase() + part.slice(1));
    const key = fc.tuple(word, fc.array(laterWord, { maxLength: 3 })).map(([head, tail]) => head + tail.join(''));
    const { tree } = fc.letrec((recurse) => ({
      tree: fc.oneof(
        { depthSize: 'small' },
        fc.oneof(fc.string(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null)),
        fc.array(recurse('tree'), { maxLength: 3 }),
        fc.dictionary(key, recurse('tree'), { maxKeys: 4 }),
      ),
    }));

    fc.assert(
      fc.property(tree, (value) => {
        expect(toCamelCaseKeys(toSnakeCaseKeys(value))).toEqual(value);
      }),
    );
  });
});

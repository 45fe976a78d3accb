import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InvalidInputError } from '../../core/errors.ts';
import {
  MAX_PREDICTED_AT_MS,
  assertSafeId,
  clusterPartitionKey,
  jobSortKey,
  predictionExpiresAtSeconds,
  predictionSortKey,
} from './cluster-table-keys.ts';

describe('predictionSortKey', () => {
  it('is PREDICTION#{iso-ts}#{jobId}', () => {
    const key = predictionSortKey(Date.UTC(2025, 0, 1, 0, 0, 0, 123), 'job-1');

    expect(key).toBe('PREDICTION#2025-01-01T00:00:00.123Z#job-1');
  });

  it('orders keys as their times order, at every millisecond up to year 9999 (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_PREDICTED_AT_MS }),
        fc.integer({ min: 0, max: MAX_PREDICTED_AT_MS }),
        (earlierMs, laterMs) => {
          fc.pre(earlierMs < laterMs);

          const earlier = predictionSortKey(earlierMs, 'z-job');
          const later = predictionSortKey(laterMs, 'a-job');

          expect(earlier < later).toBe(true);
        },
      ),
    );
  });

  it('the last accepted millisecond still has the fixed 24-character ISO form', () => {
    expect(predictionSortKey(MAX_PREDICTED_AT_MS, 'j')).toBe('PREDICTION#9999-12-31T23:59:59.999Z#j');
  });

  it('rejects times that are negative, fractional or past year 9999', () => {
    for (const bad of [-1, 1.5, MAX_PREDICTED_AT_MS + 1, Number.NaN]) {
      expect(() => predictionSortKey(bad, 'job'), String(bad)).toThrow(InvalidInputError);
    }
  });
});

describe('predictionExpiresAtSeconds', () => {
  it('is 30 days after the prediction, in epoch seconds', () => {
    // 2025-01-01T00:00:00.999Z → 1,735,689,600.999 s; + 2,592,000 s = 1,738,281,600.999 → floor.
    const expiresAt = predictionExpiresAtSeconds(1_735_689_600_999);

    expect(expiresAt).toBe(1_738_281_600);
  });
});

describe('assertSafeId', () => {
  it('accepts 1–128 characters of letters, digits and . _ : - starting alphanumeric', () => {
    for (const good of ['a', 'slurm-hpc', 'k8s.prod_2:gpu', 'A'.repeat(128), '0abc']) {
      expect(() => assertSafeId('cluster', good), good).not.toThrow();
    }
  });

  it('rejects ids that could break a key or a path, naming them', () => {
    for (const bad of ['', 'a#b', 'a/b', '.hidden', '-x', 'a b', 'é', 'A'.repeat(129), 'x\n']) {
      expect(() => assertSafeId('job', bad), JSON.stringify(bad)).toThrow(InvalidInputError);
    }
    expect(() => assertSafeId('job', 'a#b')).toThrow("invalid job id 'a#b'");
  });

  it('guards every key builder', () => {
    expect(() => clusterPartitionKey('x#y')).toThrow(InvalidInputError);
    expect(() => jobSortKey('x#y')).toThrow(InvalidInputError);
    expect(clusterPartitionKey('c1')).toBe('CLUSTER#c1');
    expect(jobSortKey('j1')).toBe('JOB#j1');
  });
});

import { describe, expect, it } from 'vitest';
import { nearbyAlternatives, partitionFits, rankByExpectedStart, type PartitionOffer } from './what-if-alternatives.ts';

const offer = (name: string, overrides: Partial<PartitionOffer> = {}): PartitionOffer => ({
  name,
  gpus: 8,
  maxTimeSeconds: null,
  up: true,
  allowAccounts: null,
  ...overrides,
});

describe('nearbyAlternatives', () => {
  it('nearbyAlternatives_fourGpusTwoHours_proposesHalfAndOneGpu_halfTheLimit_andEveryFittingPartition', () => {
    const request = { partition: 'gpu', gpus: 4, timeLimitSeconds: 7200, account: 'lab' };
    const offers = [
      offer('gpu'),
      offer('debug', { maxTimeSeconds: 3600 }),
      offer('big'),
      offer('down', { up: false }),
      offer('small', { gpus: 2 }),
      offer('private', { allowAccounts: ['other'] }),
    ];

    const alternatives = nearbyAlternatives(request, offers);

    expect(
      alternatives.map((entry) => [entry.kind, entry.partition, entry.gpus, entry.timeLimitSeconds, entry.change]),
    ).toEqual([
      ['fewer_gpus', 'gpu', 2, 7200, '2 GPUs instead of 4'],
      ['fewer_gpus', 'gpu', 1, 7200, '1 GPU instead of 4'],
      ['shorter_limit', 'gpu', 4, 3600, 'a 1 h time limit instead of 2 h'],
      ['other_partition', 'big', 4, 7200, 'partition big instead of gpu'],
    ]);
  });

  it('nearbyAlternatives_oneGpuNoLimitOnePartition_hasNothingToPropose', () => {
    expect(
      nearbyAlternatives({ partition: 'gpu', gpus: 1, timeLimitSeconds: null, account: null }, [offer('gpu')]),
    ).toEqual([]);
  });

  it('nearbyAlternatives_shortLimit_neverGoesBelowTenMinutes_norProposesTheSameLimit', () => {
    const tenMinutes = nearbyAlternatives({ partition: 'gpu', gpus: 1, timeLimitSeconds: 900, account: null }, [
      offer('gpu'),
    ]);
    const already = nearbyAlternatives({ partition: 'gpu', gpus: 1, timeLimitSeconds: 600, account: null }, [
      offer('gpu'),
    ]);

    expect(tenMinutes.map((entry) => [entry.timeLimitSeconds, entry.change])).toEqual([
      [600, 'a 10 min time limit instead of 15 min'],
    ]);
    expect(already).toEqual([]);
  });

  it('nearbyAlternatives_allowedAccount_mayUseARestrictedPartition', () => {
    const alternatives = nearbyAlternatives({ partition: 'gpu', gpus: 1, timeLimitSeconds: null, account: 'lab' }, [
      offer('gpu'),
      offer('lab-only', { allowAccounts: ['lab'] }),
    ]);

    expect(alternatives.map((entry) => entry.partition)).toEqual(['lab-only']);
  });

  it('nearbyAlternatives_ownPartitionNotListed_stillProposesFewerGpusAndAShorterLimitThere', () => {
    const alternatives = nearbyAlternatives({ partition: 'hidden', gpus: 2, timeLimitSeconds: 3600, account: null }, [
      offer('gpu', { gpus: 1, maxTimeSeconds: 1800 }),
    ]);

    expect(alternatives.map((entry) => [entry.kind, entry.partition, entry.gpus, entry.timeLimitSeconds])).toEqual([
      ['fewer_gpus', 'hidden', 1, 3600],
      ['shorter_limit', 'hidden', 2, 1800],
    ]);
  });

  it('nearbyAlternatives_ownPartitionDown_proposesOnlyOtherPartitions', () => {
    const alternatives = nearbyAlternatives({ partition: 'gpu', gpus: 4, timeLimitSeconds: 3600, account: null }, [
      offer('gpu', { up: false }),
      offer('spare'),
    ]);

    expect(alternatives.map((entry) => entry.change)).toEqual(['partition spare instead of gpu']);
  });

  it('nearbyAlternatives_badGpuCount_throws', () => {
    expect(() =>
      nearbyAlternatives({ partition: 'gpu', gpus: 1.5, timeLimitSeconds: null, account: null }, []),
    ).toThrow(RangeError);
  });
});

describe('partitionFits', () => {
  it('partitionFits_limitedPartition_refusesAnUnlimitedJob', () => {
    expect(
      partitionFits(offer('debug', { maxTimeSeconds: 3600 }), {
        partition: 'gpu',
        gpus: 1,
        timeLimitSeconds: null,
        account: null,
      }),
    ).toBe(false);
    expect(
      partitionFits(offer('debug', { maxTimeSeconds: 3600 }), {
        partition: 'gpu',
        gpus: 1,
        timeLimitSeconds: 3600,
        account: null,
      }),
    ).toBe(true);
  });
});

describe('rankByExpectedStart', () => {
  it('rankByExpectedStart_ordersByStart_thenUnknownStartsByProbability_keepingTies', () => {
    const options = [
      { id: 'a', expectedStartMs: 5000, probability: 0.1 },
      { id: 'b', expectedStartMs: null, probability: 0.7 },
      { id: 'c', expectedStartMs: 1000, probability: 0.9 },
      { id: 'd', expectedStartMs: null, probability: 0.2 },
      { id: 'e', expectedStartMs: 1000, probability: 0.1 },
    ];

    expect(rankByExpectedStart(options).map((option) => option.id)).toEqual(['c', 'e', 'a', 'd', 'b']);
  });
});

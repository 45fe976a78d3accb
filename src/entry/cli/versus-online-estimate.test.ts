import { describe, it, expect } from 'vitest';
import {
  createOnlineWaitEstimate,
  issueWaitEstimate,
  observeWait,
  sortedMedian,
  type OnlineWaitEstimateOptions,
} from './versus-online-estimate.ts';

const prior = { pointSeconds: 7, lowerSeconds: 1, upperSeconds: 30 };
const oneBin: OnlineWaitEstimateOptions = {
  binned: { coverage: 0.8, bins: 1, probabilityWindow: 50, waitWindow: 50, minBinWaits: 1 },
  conformal: { coverage: 0.8, learningRate: 0.05, windowSize: 50, minScores: 1000 },
};

describe('sortedMedian', () => {
  it('sortedMedian is the middle value, or the mean of the middle two', () => {
    expect(sortedMedian([1, 3, 5])).toBe(3);
    expect(sortedMedian([1, 3, 5, 7])).toBe(4);
    expect(sortedMedian([])).toBeNull();
  });
});

describe('issueWaitEstimate', () => {
  it('issueWaitEstimate issues the prior until the cluster has an outcome', () => {
    const state = createOnlineWaitEstimate(oneBin);

    const issued = issueWaitEstimate(state, 0.3, prior);

    expect(issued).toMatchObject({
      source: 'prior',
      pointSeconds: 7,
      base: null,
      issued: { lowerSeconds: 1, upperSeconds: 30 },
    });
  });

  it('issueWaitEstimate gives the median and shortest 80 % range of the waits observed', () => {
    const state = createOnlineWaitEstimate(oneBin);
    for (const wait of [50, 10, 40, 20, 30]) observeWait(state, issueWaitEstimate(state, 0.5, prior), wait);

    const issued = issueWaitEstimate(state, 0.5, prior);

    // Sorted 10..50: median 30; ⌈0.8·5⌉ = 4 waits: [10, 40] and [20, 50] are both 30 wide, the first wins.
    expect(issued).toMatchObject({
      source: 'observed',
      pointSeconds: 30,
      issued: { lowerSeconds: 10, upperSeconds: 40 },
    });
  });

  it('issueWaitEstimate widens the interval after it kept missing', () => {
    const options: OnlineWaitEstimateOptions = { ...oneBin, conformal: { ...oneBin.conformal, minScores: 3 } };
    const state = createOnlineWaitEstimate(options);
    // Waits 0 twice then 100s: the first base interval [0, 0] misses every long wait.
    for (const wait of [0, 0, 100, 100, 100, 100]) observeWait(state, issueWaitEstimate(state, 0.5, prior), wait);
    const unadjusted = createOnlineWaitEstimate(oneBin);
    for (const wait of [0, 0, 100, 100, 100, 100])
      observeWait(unadjusted, issueWaitEstimate(unadjusted, 0.5, prior), wait);

    const adjusted = issueWaitEstimate(state, 0.5, prior).issued;
    const base = issueWaitEstimate(unadjusted, 0.5, prior).issued;

    expect(adjusted.upperSeconds - adjusted.lowerSeconds).toBeGreaterThan(base.upperSeconds - base.lowerSeconds);
  });
});

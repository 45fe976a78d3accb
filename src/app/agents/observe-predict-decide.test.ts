import { describe, expect, it } from 'vitest';
import { waitText } from './observe-predict-decide.ts';

describe('waitText', () => {
  it('waitText gives the point and the interval, or "about" the point when the interval reads as one value', () => {
    // 1,500 s = 25m, 720 s = 12m, 2,460 s = 41m.
    expect(waitText({ pointSeconds: 1500, lowerSeconds: 720, upperSeconds: 2460, coverage: 0.8 })).toBe(
      '~25m (12m-41m)',
    );
    // 290 s, 310 s and 320 s all round to 5m (4.8, 5.2, 5.3 minutes).
    expect(waitText({ pointSeconds: 310, lowerSeconds: 290, upperSeconds: 320, coverage: 0.8 })).toBe('about 5m');
    expect(waitText(null)).toBe('no wait estimate');
  });
});

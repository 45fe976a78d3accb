import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileBundle } from './apply-bundle.ts';
import { parseBundle } from './apply-bundle.ts';
import { PLATFORM_LOGIT_FEATURE, platformLogit, platformPassthroughBundle } from './platform-bundle.ts';

const HASH = (text: string): string => `h${text.length}`;

describe('platformPassthroughBundle', () => {
  it("platformPassthroughBundle predicts the platform's own probability (property)", () => {
    const compiled = compileBundle(
      parseBundle(JSON.parse(JSON.stringify(platformPassthroughBundle(600, HASH))) as unknown, 'passthrough'),
    );

    fc.assert(
      fc.property(fc.double({ min: 1e-4, max: 1 - 1e-4, noNaN: true }), (probability) => {
        expect(compiled.predict({ [PLATFORM_LOGIT_FEATURE]: platformLogit(probability) }).probability).toBeCloseTo(
          probability,
          9,
        );
      }),
    );
  });

  it('platformPassthroughBundle carries the long-wait threshold and refuses a bad one', () => {
    expect(platformPassthroughBundle(600, HASH).training.labelThresholdSeconds).toBe(600);
    expect(() => platformPassthroughBundle(0, HASH)).toThrow('the long-wait threshold must be > 0 seconds, got 0');
  });
});

describe('platformLogit', () => {
  it('platformLogit is log(p / (1 − p)), finite at 0 and 1, and refuses a non-probability', () => {
    // log(0.8 / 0.2) = log 4 ≈ 1.3862944; log((1 − 1e-6) / 1e-6) ≈ 13.8155096.
    expect(platformLogit(0.8)).toBeCloseTo(Math.log(4), 12);
    expect(platformLogit(1)).toBeCloseTo(13.815_509_6, 6);
    expect(platformLogit(0)).toBeCloseTo(-13.815_509_6, 6);
    expect(() => platformLogit(1.5)).toThrow('platform probability must be in [0, 1], got 1.5');
  });
});

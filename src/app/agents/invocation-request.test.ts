import { describe, expect, it } from 'vitest';
import { toDecisionRequest } from './invocation-request.ts';

const NOW_MS = 1_735_689_600_000;

describe('toDecisionRequest complex flag', () => {
  it.each([
    ['a prompt from an untrusted caller', { prompt: 'when will my job start on c1?', complex: true }, false, false],
    ['a prompt from a trusted caller', { prompt: 'when will my job start on c1?', complex: true }, true, true],
    [
      'a "why" prompt from an untrusted caller (decided from its words)',
      { prompt: 'why is my job waiting on c1?' },
      false,
      true,
    ],
    [
      'a trusted caller turning complexity off',
      { prompt: 'why is my job waiting on c1?', complex: false },
      true,
      false,
    ],
    [
      'a structured request from an untrusted caller',
      { clusterId: 'c1', job: { gpus: 2 }, complex: true },
      false,
      false,
    ],
    ['a structured request from a trusted caller', { clusterId: 'c1', job: { gpus: 2 }, complex: true }, true, true],
  ])('%s → complex %s', (_name, body, trustComplex, expected) => {
    const request = toDecisionRequest(body, { nowMs: NOW_MS, trustComplex });

    expect(request.complex === true).toBe(expected);
  });

  it('ignores complex when trust is not stated (the default is untrusted)', () => {
    const request = toDecisionRequest({ clusterId: 'c1', job: { gpus: 2 }, complex: true }, { nowMs: NOW_MS });

    expect(request.complex).toBeUndefined();
  });
});

describe('toDecisionRequest prompt', () => {
  it('refuses a prompt that asks none of when / status / why, naming the prompt, instead of guessing a cluster from "of life"', () => {
    const refuse = () =>
      toDecisionRequest({ prompt: 'what is the meaning of life' }, { nowMs: NOW_MS, defaultClusterId: 'c1' });

    expect(refuse).toThrow(/did not understand the prompt/);
    expect(refuse).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ path: 'prompt' })] }) as Error);
  });
});

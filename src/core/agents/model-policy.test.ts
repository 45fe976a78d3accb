import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { DEFAULT_MODEL_POLICY, HAIKU_MODEL_ID, modelFamily, modelForRequest, modelPolicy, parseModelId, type AllowedModelId } from './model-policy.ts';

describe('model policy', () => {
  it('defaults to Haiku and uses Sonnet only for a request marked complex', () => {
    const policy = DEFAULT_MODEL_POLICY;

    const plain = modelForRequest(policy, false);
    const complex = modelForRequest(policy, true);

    expect(plain).toBe('anthropic.claude-3-haiku-20240307-v1:0');
    expect(modelFamily(plain)).toBe('haiku');
    expect(modelFamily(complex)).toBe('sonnet');
  });

  it.each(['anthropic.claude-3-opus-20240229-v1:0', 'us.anthropic.claude-opus-4-20250514-v1:0', 'ANTHROPIC.CLAUDE-3-OPUS'])('refuses Opus id %s at run time with a clear error', (id) => { // policy-allow: opus-refusal
    expect(() => parseModelId(id)).toThrow(new InvalidInputError(`model '${id}' is refused: Opus is never used (seed cost rule); use Haiku, or Sonnet for complex requests`)); // policy-allow: opus-refusal
  });

  it('refuses an Opus id by type', () => { // policy-allow: opus-refusal
    // @ts-expect-error — an Opus id is not an AllowedModelId. // policy-allow: opus-refusal
    const opus: AllowedModelId = 'anthropic.claude-3-opus-20240229-v1:0'; // policy-allow: opus-refusal

    expect(() => parseModelId(opus)).toThrow(InvalidInputError); // policy-allow: opus-refusal
  });

  it('accepts inference-profile prefixes and refuses unknown models', () => {
    expect(parseModelId(`us.${HAIKU_MODEL_ID}`)).toBe(`us.${HAIKU_MODEL_ID}`);
    expect(() => parseModelId('meta.llama3-70b-instruct-v1:0')).toThrow(/is not allowed/);
    expect(() => parseModelId(`xx.${HAIKU_MODEL_ID}`)).toThrow(/is not allowed/);
  });

  it('refuses a Sonnet model as the default', () => {
    expect(() => modelPolicy('anthropic.claude-3-5-sonnet-20240620-v1:0')).toThrow(/not a Haiku model/);
    expect(modelPolicy(HAIKU_MODEL_ID).defaultModelId).toBe(HAIKU_MODEL_ID);
  });
});

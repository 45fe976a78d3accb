import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import {
  ALLOWED_MODELS,
  DEFAULT_MODEL_POLICY,
  HAIKU_MODEL_ID,
  MODEL_LIST_AS_OF,
  SONNET_MODEL_ID,
  foundationModelOf,
  modelFamily,
  modelForRequest,
  modelPolicy,
  parseModelId,
  resolveModel,
  type AllowedModelId,
} from './model-policy.ts';

const REFUSED = 'opus'; // policy-allow: opus-refusal (test fixture: the refused family)
const REFUSAL = /is refused: Opus is never used \(seed cost rule\)/; // policy-allow: opus-refusal

/** `text` with each letter's case chosen by `flips` (cycled). */
function recased(text: string, flips: readonly boolean[]): string {
  return [...text]
    .map((character, index) =>
      flips[index % flips.length] === true ? character.toUpperCase() : character.toLowerCase(),
    )
    .join('');
}

describe('model policy', () => {
  it('defaults to Haiku 5.5 through the US profile and uses Sonnet 5.5 only for a request marked complex', () => {
    const policy = DEFAULT_MODEL_POLICY;

    const plain = modelForRequest(policy, false);
    const complex = modelForRequest(policy, true);

    expect(plain).toBe('us.anthropic.claude-haiku-5-5');
    expect(complex).toBe('us.anthropic.claude-sonnet-5-5');
    expect(modelFamily(plain)).toBe('haiku');
    expect(modelFamily(complex)).toBe('sonnet');
  });

  it('keeps a deliberately small allow-list: one Haiku and one Sonnet, dated', () => {
    expect(ALLOWED_MODELS.map((model) => `${model.family}:${model.foundationModelId}`)).toEqual([
      'haiku:anthropic.claude-haiku-5-5',
      'sonnet:anthropic.claude-sonnet-5-5',
    ]);
    expect(MODEL_LIST_AS_OF).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it.each([
    'anthropic.claude-haiku-5-5',
    'us.anthropic.claude-haiku-5-5',
    'eu.anthropic.claude-haiku-5-5',
    'apac.anthropic.claude-haiku-5-5',
    'global.anthropic.claude-haiku-5-5',
    'anthropic.claude-sonnet-5-5',
    'us.anthropic.claude-sonnet-5-5',
    'eu.anthropic.claude-sonnet-5-5',
    'apac.anthropic.claude-sonnet-5-5',
    'global.anthropic.claude-sonnet-5-5',
  ])('accepts the allowed id %s and knows what it calls', (id) => {
    const resolved = resolveModel(id);

    expect(parseModelId(id)).toBe(id);
    expect(id.endsWith(resolved.model.foundationModelId)).toBe(true);
    expect(resolved.geography).toBe(id.startsWith('anthropic.') ? null : id.slice(0, id.indexOf('.')));
    expect(foundationModelOf(parseModelId(id))).toBe(resolved.model.foundationModelId);
  });

  it.each([
    'anthropic.claude-3-opus-20240229-v1:0', // policy-allow: opus-refusal
    'us.anthropic.claude-opus-4-20250514-v1:0', // policy-allow: opus-refusal
    'global.anthropic.claude-opus-5-5', // policy-allow: opus-refusal
    'ANTHROPIC.CLAUDE-3-OPUS', // policy-allow: opus-refusal
    'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-opus-5-5', // policy-allow: opus-refusal
    'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-opus-5-5', // policy-allow: opus-refusal
  ])("refuses the refused family's id %s at run time with a clear error", (id) => {
    expect(() => parseModelId(id)).toThrow(InvalidInputError);
    expect(() => parseModelId(id)).toThrow(REFUSAL);
  });

  it('refuses the refused family in any id form: random prefixes, casings, versions and ARN wrappers (property)', () => {
    const prefix = fc.oneof(
      fc.constantFrom('', 'us.', 'eu.', 'apac.', 'global.', 'jp.', 'US.', 'Global.'),
      fc.string({ maxLength: 12 }),
    );
    const wrapper = fc.constantFrom(
      (id: string) => id,
      (id: string) => `arn:aws:bedrock:us-east-1::foundation-model/${id}`,
      (id: string) => `arn:aws:bedrock:us-west-2:123456789012:inference-profile/${id}`,
      (id: string) => ` ${id} `,
    );
    fc.assert(
      fc.property(
        prefix,
        fc.constantFrom('anthropic.claude-', 'anthropic.claude-3-', '', 'claude-'),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
        fc.string({ maxLength: 16 }),
        wrapper,
        (head, family, flips, tail, wrap) => {
          const id = wrap(`${head}${family}${recased(REFUSED, flips)}${tail}`);

          expect(() => parseModelId(id)).toThrow(REFUSAL);
        },
      ),
    );
  });

  it('refuses the refused family by type', () => {
    // @ts-expect-error — an id of the refused family is not an AllowedModelId. // policy-allow: opus-refusal
    const refused: AllowedModelId = 'us.anthropic.claude-opus-5-5'; // policy-allow: opus-refusal
    // @ts-expect-error — nor is a retired model's id.
    const retired: AllowedModelId = 'anthropic.claude-3-haiku-20240307-v1:0';

    expect(() => parseModelId(refused)).toThrow(REFUSAL);
    expect(() => parseModelId(retired)).toThrow(/is not allowed/);
  });

  it.each([
    ['the retired seed Haiku', 'anthropic.claude-3-haiku-20240307-v1:0'],
    ['the retired Sonnet 3.5 v1', 'anthropic.claude-3-5-sonnet-20240620-v1:0'],
    ['a legacy Haiku through a profile', 'us.anthropic.claude-haiku-4-5-20251001-v1:0'],
    ['another vendor', 'meta.llama3-70b-instruct-v1:0'],
    ['an unknown geography', 'xx.anthropic.claude-haiku-5-5'],
    ['a profile prefix alone', 'us.'],
    ['another casing', 'US.anthropic.claude-haiku-5-5'],
    ['surrounding spaces', ' anthropic.claude-haiku-5-5'],
    ["the Anthropic API's id (no provider prefix)", 'claude-haiku-5-5'],
  ])('refuses %s naming the id and the allow-list', (_name, id) => {
    expect(() => parseModelId(id)).toThrow(
      new RegExp(
        `model '${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}' is not allowed .*anthropic\\.claude-haiku-5-5 \\(Claude Haiku 5\\.5\\)`,
      ),
    );
  });

  it('refuses an ARN of an allowed model: the policy needs the id', () => {
    expect(() => parseModelId(`arn:aws:bedrock:us-east-1::foundation-model/${HAIKU_MODEL_ID}`)).toThrow(
      /is an ARN; give the model or inference-profile id/,
    );
  });

  it('refuses a Sonnet model as the default, through any endpoint', () => {
    expect(() => modelPolicy(SONNET_MODEL_ID)).toThrow(/not a Haiku model; Sonnet is only for requests marked complex/);
    expect(() => modelPolicy(`global.${SONNET_MODEL_ID}`)).toThrow(/not a Haiku model/);
    expect(modelPolicy(`global.${HAIKU_MODEL_ID}`).defaultModelId).toBe(`global.${HAIKU_MODEL_ID}`);
  });

  it('accepts Haiku as the complex model too (never larger than Sonnet)', () => {
    const policy = modelPolicy(`us.${HAIKU_MODEL_ID}`, HAIKU_MODEL_ID);

    expect(modelForRequest(policy, true)).toBe(HAIKU_MODEL_ID);
    expect(Object.isFrozen(policy)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import {
  Availability,
  judgeModelAvailability,
  regionsOf,
  type AvailabilityInput,
  type FoundationModelInfo,
  type InferenceProfileInfo,
} from './model-availability.ts';

const HAIKU_US = 'us.anthropic.claude-haiku-5-5';
const arn = (region: string) => `arn:aws:bedrock:${region}::foundation-model/anthropic.claude-haiku-5-5`;
const activeProfile: InferenceProfileInfo = {
  status: 'ACTIVE',
  modelArns: ['us-west-2', 'us-east-1', 'us-east-2'].map(arn),
};
const activeModel: FoundationModelInfo = { lifecycleStatus: 'ACTIVE', legacyOn: null, endOfLifeOn: null };

function input(overrides: Partial<AvailabilityInput> = {}): AvailabilityInput {
  return {
    setting: 'VGAC_BEDROCK_MODEL_ID',
    modelId: HAIKU_US,
    region: 'us-east-1',
    profile: { status: 'found', value: activeProfile },
    foundationModel: { status: 'found', value: activeModel },
    ...overrides,
  };
}

describe('judgeModelAvailability', () => {
  it('an ACTIVE profile routing to the granted Regions over an ACTIVE model is active, and says where it routes', () => {
    const verdict = judgeModelAvailability(input());

    expect(verdict).toMatchObject({
      status: Availability.active,
      profileStatus: 'ACTIVE',
      lifecycle: 'ACTIVE',
      routedRegions: ['us-east-1', 'us-east-2', 'us-west-2'],
      name: 'Claude Haiku 5.5',
    });
    expect(verdict.message).toBe(
      'model us.anthropic.claude-haiku-5-5 (Claude Haiku 5.5) is ACTIVE in us-east-1, profile ACTIVE, routes to us-east-1, us-east-2, us-west-2',
    );
  });

  it('a plain id needs only its ACTIVE foundation model', () => {
    const verdict = judgeModelAvailability(
      input({ modelId: 'anthropic.claude-sonnet-5-5', setting: 'VGAC_BEDROCK_COMPLEX_MODEL_ID', profile: null }),
    );

    expect(verdict).toMatchObject({ status: Availability.active, profileStatus: null, routedRegions: [] });
    expect(verdict.message).toBe('model anthropic.claude-sonnet-5-5 (Claude Sonnet 5.5) is ACTIVE in us-east-1');
  });

  it('a LEGACY model is named with its dates and what to use instead, under the setting that chose it', () => {
    const verdict = judgeModelAvailability(
      input({
        foundationModel: {
          status: 'found',
          value: { lifecycleStatus: 'LEGACY', legacyOn: '2027-10-07', endOfLifeOn: '2028-04-07' },
        },
      }),
    );

    expect(verdict.status).toBe(Availability.legacy);
    expect(verdict.message).toMatch(
      /^model us\.anthropic\.claude-haiku-5-5 \(Claude Haiku 5\.5\) is LEGACY in us-east-1 \(legacy since 2027-10-07, end of life 2028-04-07\): set VGAC_BEDROCK_MODEL_ID to the current Claude Haiku on Bedrock's model lifecycle page/,
    );
    expect(verdict).toMatchObject({ legacyOn: '2027-10-07', endOfLifeOn: '2028-04-07', lifecycle: 'LEGACY' });
  });

  it('a LEGACY Sonnet without dates points at the current Sonnet', () => {
    const verdict = judgeModelAvailability(
      input({
        modelId: 'us.anthropic.claude-sonnet-5-5',
        setting: 'VGAC_BEDROCK_COMPLEX_MODEL_ID',
        profile: { status: 'found', value: { status: 'ACTIVE', modelArns: [] } },
        foundationModel: { status: 'found', value: { lifecycleStatus: 'LEGACY', legacyOn: null, endOfLifeOn: null } },
      }),
    );

    expect(verdict.message).toMatch(
      /is LEGACY in us-east-1: set VGAC_BEDROCK_COMPLEX_MODEL_ID to the current Claude Sonnet/,
    );
  });

  it('a missing or unreadable profile stops the check before the model', () => {
    const missing = judgeModelAvailability(
      input({ profile: { status: 'not_found', detail: 'ResourceNotFoundException' }, foundationModel: null }),
    );
    const denied = judgeModelAvailability(
      input({ profile: { status: 'access_denied', detail: 'AccessDeniedException' }, foundationModel: null }),
    );

    expect(missing.status).toBe(Availability.notFound);
    expect(missing.message).toMatch(
      /^inference profile us\.anthropic\.claude-haiku-5-5 \(Claude Haiku 5\.5\) not found in us-east-1 \(ResourceNotFoundException\)/,
    );
    expect(denied.status).toBe(Availability.accessDenied);
    expect(denied.message).toMatch(/need bedrock:GetInferenceProfile and bedrock:GetFoundationModel$/);
  });

  it('a profile that is not ACTIVE is reported with its status', () => {
    const verdict = judgeModelAvailability(
      input({ profile: { status: 'found', value: { ...activeProfile, status: 'DISABLED' } } }),
    );

    expect(verdict).toMatchObject({ status: Availability.inactiveProfile, profileStatus: 'DISABLED' });
    expect(verdict.message).toMatch(/is DISABLED, not ACTIVE, in us-east-1/);
  });

  it('a US profile routing to a Region the template does not grant is reported with that Region; other geographies are not held to the US list', () => {
    const wider = {
      status: 'found' as const,
      value: { status: 'ACTIVE', modelArns: [...activeProfile.modelArns, arn('us-west-1')] },
    };

    const us = judgeModelAvailability(input({ profile: wider }));
    const global = judgeModelAvailability(input({ modelId: 'global.anthropic.claude-haiku-5-5', profile: wider }));

    expect(us.status).toBe(Availability.ungrantedRegions);
    expect(us.message).toMatch(
      /routes to us-west-1, where template\.yaml grants no InvokeModel \(it grants us-east-1, us-east-2, us-west-2\)/,
    );
    expect(global.status).toBe(Availability.active);
  });

  it('a missing or unreadable foundation model behind an ACTIVE profile is reported', () => {
    const missing = judgeModelAvailability(
      input({ foundationModel: { status: 'not_found', detail: 'ResourceNotFoundException' } }),
    );
    const unknown = judgeModelAvailability(input({ profile: null, foundationModel: null }));
    const denied = judgeModelAvailability(
      input({ foundationModel: { status: 'access_denied', detail: 'AccessDeniedException' } }),
    );

    expect(missing.status).toBe(Availability.notFound);
    expect(missing.message).toMatch(
      /^foundation model anthropic\.claude-haiku-5-5 of .* not found in us-east-1 \(ResourceNotFoundException\): set VGAC_BEDROCK_MODEL_ID/,
    );
    expect(unknown.message).toMatch(/not found in us-east-1: set/);
    expect(denied.status).toBe(Availability.accessDenied);
    expect(denied.message).toMatch(/need bedrock:GetFoundationModel$/);
  });
});

describe('regionsOf', () => {
  it("regionsOf reads each ARN's Region once, sorted, and marks what is not a Bedrock ARN", () => {
    expect(
      regionsOf([
        arn('us-west-2'),
        arn('us-east-1'),
        arn('us-west-2'),
        'arn:aws:bedrock:::foundation-model/x',
        'nonsense',
      ]),
    ).toEqual(['', '?', 'us-east-1', 'us-west-2']);
  });
});

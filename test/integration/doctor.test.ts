/**
 * `vgac doctor` (the real CLI in a child process) against a loopback server speaking Bedrock's
 * control-plane REST wire format (GetInferenceProfile, GetFoundationModel): both models ACTIVE,
 * one LEGACY, a profile that does not exist, access denied, and a profile routing to a Region the
 * template does not grant.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { US_PROFILE_DESTINATION_REGIONS } from '../../src/core/agents/model-policy.ts';
import { startBedrockControlServer, type BedrockControlServer } from '../support/bedrock-control-server.ts';
import { assertLoopbackEndpoints } from '../support/embedded-aws.ts';
import { runVgacWithEnv, type VgacRun } from '../support/run-vgac.ts';

const HAIKU_PROFILE = 'us.anthropic.claude-haiku-5-5';
const SONNET_PROFILE = 'us.anthropic.claude-sonnet-5-5';

let server: BedrockControlServer;

interface Report {
  region: string;
  ok: boolean;
  models: {
    setting: string;
    modelId: string;
    status: string;
    profileStatus: string | null;
    lifecycle: string | null;
    routedRegions: string[];
    endOfLifeOn: string | null;
    message: string;
  }[];
}

function doctor(...args: string[]): Promise<VgacRun> {
  return runVgacWithEnv(
    {
      VGAC_BEDROCK_CONTROL_ENDPOINT: server.endpoint,
      AWS_REGION: 'us-east-1',
      VGAC_DATA_DIR: '/nonexistent/never-read',
    },
    'doctor',
    ...args,
  );
}

/** Both default models present and ACTIVE, routing to the granted US Regions. */
function healthyCatalog(): void {
  server.profiles.clear();
  server.models.clear();
  server.denied.clear();
  server.profiles.set(HAIKU_PROFILE, {
    status: 'ACTIVE',
    foundationModelId: 'anthropic.claude-haiku-5-5',
    regions: US_PROFILE_DESTINATION_REGIONS,
  });
  server.profiles.set(SONNET_PROFILE, {
    status: 'ACTIVE',
    foundationModelId: 'anthropic.claude-sonnet-5-5',
    regions: US_PROFILE_DESTINATION_REGIONS,
  });
  server.models.set('anthropic.claude-haiku-5-5', { name: 'Claude Haiku 5.5', lifecycle: 'ACTIVE' });
  server.models.set('anthropic.claude-sonnet-5-5', { name: 'Claude Sonnet 5.5', lifecycle: 'ACTIVE' });
}

beforeAll(async () => {
  server = await startBedrockControlServer();
  assertLoopbackEndpoints(server.endpoint);
});

afterAll(async () => {
  await server?.close();
});

beforeEach(() => {
  healthyCatalog();
});

describe('vgac doctor', () => {
  it('both models ACTIVE: exit 0, each checked through GetInferenceProfile then GetFoundationModel', async () => {
    const before = server.requests.length;

    const result = await doctor();

    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(
      '✓ VGAC_BEDROCK_MODEL_ID: model us.anthropic.claude-haiku-5-5 (Claude Haiku 5.5) is ACTIVE in us-east-1, profile ACTIVE, routes to us-east-1, us-east-2, us-west-2',
    );
    expect(result.stdout).toContain(
      '✓ VGAC_BEDROCK_COMPLEX_MODEL_ID: model us.anthropic.claude-sonnet-5-5 (Claude Sonnet 5.5) is ACTIVE',
    );
    expect(server.requests.slice(before)).toEqual([
      'GET /inference-profiles/us.anthropic.claude-haiku-5-5',
      'GET /foundation-models/anthropic.claude-haiku-5-5',
      'GET /inference-profiles/us.anthropic.claude-sonnet-5-5',
      'GET /foundation-models/anthropic.claude-sonnet-5-5',
    ]);
  });

  it('--json prints the report as JSON on stdout', async () => {
    const result = await doctor('--json');

    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report).toMatchObject({ region: 'us-east-1', ok: true });
    expect(
      report.models.map((model) => [model.setting, model.modelId, model.status, model.profileStatus, model.lifecycle]),
    ).toEqual([
      ['VGAC_BEDROCK_MODEL_ID', HAIKU_PROFILE, 'active', 'ACTIVE', 'ACTIVE'],
      ['VGAC_BEDROCK_COMPLEX_MODEL_ID', SONNET_PROFILE, 'active', 'ACTIVE', 'ACTIVE'],
    ]);
  });

  it('a LEGACY model: exit 1, a clear line naming the model, its end of life and what to use instead', async () => {
    server.models.set('anthropic.claude-haiku-5-5', {
      name: 'Claude Haiku 5.5',
      lifecycle: 'LEGACY',
      legacyTime: '2027-10-07T00:00:00Z',
      endOfLifeTime: '2028-04-07T00:00:00Z',
    });

    const text = await doctor();
    const json = await doctor('--json');

    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(
      /^✗ VGAC_BEDROCK_MODEL_ID: model us\.anthropic\.claude-haiku-5-5 \(Claude Haiku 5\.5\) is LEGACY in us-east-1 \(legacy since 2027-10-07, end of life 2028-04-07\): set VGAC_BEDROCK_MODEL_ID to the current Claude Haiku on Bedrock's model lifecycle page/m,
    );
    expect(text.stdout).toMatch(/^✓ VGAC_BEDROCK_COMPLEX_MODEL_ID/m);
    expect(text.stdout).toContain('Not every model can be called');
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as Report;
    expect(report.ok).toBe(false);
    expect(report.models[0]).toMatchObject({ status: 'legacy', lifecycle: 'LEGACY', endOfLifeOn: '2028-04-07' });
  });

  it('a profile that does not exist in the Region: exit 1, not found, and its foundation model is not asked for', async () => {
    server.profiles.delete(SONNET_PROFILE);
    const before = server.requests.length;

    const result = await doctor();

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^✗ VGAC_BEDROCK_COMPLEX_MODEL_ID: inference profile us\.anthropic\.claude-sonnet-5-5 \(Claude Sonnet 5\.5\) not found in us-east-1 \(ResourceNotFoundException\)/m,
    );
    expect(server.requests.slice(before)).not.toContain('GET /foundation-models/anthropic.claude-sonnet-5-5');
  });

  it('access denied: exit 1, naming the permissions doctor needs', async () => {
    server.denied.add('anthropic.claude-haiku-5-5');

    const result = await doctor('--json');

    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.models[0]?.status).toBe('access_denied');
    expect(report.models[0]?.message).toMatch(
      /denied \(AccessDeniedException\): the credentials vgac doctor runs with need bedrock:GetFoundationModel$/,
    );
  });

  it('a profile routing to a Region the template does not grant: exit 1, naming the Region', async () => {
    server.profiles.set(HAIKU_PROFILE, {
      status: 'ACTIVE',
      foundationModelId: 'anthropic.claude-haiku-5-5',
      regions: [...US_PROFILE_DESTINATION_REGIONS, 'us-west-1'],
    });

    const result = await doctor();

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^✗ VGAC_BEDROCK_MODEL_ID: inference profile .* routes to us-west-1, where template\.yaml grants no InvokeModel/m,
    );
  });

  it('a plain foundation-model id is checked with GetFoundationModel alone', async () => {
    const before = server.requests.length;

    const result = await runVgacWithEnv(
      {
        VGAC_BEDROCK_CONTROL_ENDPOINT: server.endpoint,
        AWS_REGION: 'us-east-1',
        VGAC_BEDROCK_MODEL_ID: 'anthropic.claude-haiku-5-5',
        VGAC_BEDROCK_COMPLEX_MODEL_ID: 'anthropic.claude-haiku-5-5',
      },
      'doctor',
    );

    expect(result.code).toBe(0);
    expect(server.requests.slice(before)).toEqual([
      'GET /foundation-models/anthropic.claude-haiku-5-5',
      'GET /foundation-models/anthropic.claude-haiku-5-5',
    ]);
  });

  it('a refused or retired configured model is a configuration mistake: exit 2, one line, no request', async () => {
    const before = server.requests.length;

    const result = await runVgacWithEnv(
      {
        VGAC_BEDROCK_CONTROL_ENDPOINT: server.endpoint,
        VGAC_BEDROCK_MODEL_ID: 'anthropic.claude-3-haiku-20240307-v1:0',
      },
      'doctor',
    );

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^vgac doctor: bad configuration — VGAC_BEDROCK_MODEL_ID \/ VGAC_BEDROCK_COMPLEX_MODEL_ID: model 'anthropic\.claude-3-haiku-20240307-v1:0' is not allowed .*\n$/,
    );
    expect(server.requests.length).toBe(before);
  });

  it('an unreachable control plane: exit 1 with one line naming the operation', async () => {
    const result = await runVgacWithEnv(
      { VGAC_BEDROCK_CONTROL_ENDPOINT: 'http://127.0.0.1:9', AWS_REGION: 'us-east-1' },
      'doctor',
    );

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^vgac doctor: Bedrock GetInferenceProfile failed: \S+\n$/);
  });

  it('--help describes the command and an unknown option is refused with exit 2', async () => {
    const help = await doctor('--help');
    const unknown = await doctor('--frobnicate');

    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: vgac doctor \[--json\]/);
    expect(help.stdout).toContain('VGAC_BEDROCK_CONTROL_ENDPOINT');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/'--frobnicate'.*\(try 'vgac doctor --help'\)\n$/);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors.ts';
import { DEFAULT_SERVICE_NAME, describeConfig, loadConfig } from './config.ts';

// What template.yaml's Globals pass to every function (values as CloudFormation would render them).
const TEMPLATE_ENVIRONMENT = {
  POWERTOOLS_SERVICE_NAME: 'vgac',
  POWERTOOLS_METRICS_NAMESPACE: 'Vgac',
  VGAC_MODE: 'aws',
  VGAC_TABLE: 'vgac-DataTable-1ABC',
  VGAC_BUCKET: 'vgac-calibrationbucket-1abc',
  VGAC_ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:vgac-AlertTopic-1ABC',
  VGAC_REASONER: 'bedrock',
  VGAC_BEDROCK_MODEL_ID: 'us.anthropic.claude-haiku-5-5',
  VGAC_BEDROCK_COMPLEX_MODEL_ID: 'us.anthropic.claude-sonnet-5-5',
  VGAC_API_KEY_PARAM: '/vgac/api-key',
  VGAC_SLACK_SIGNING_SECRET_PARAM: '/vgac/slack/signing-secret',
  VGAC_SLACK_BOT_TOKEN_PARAM: '/vgac/slack/bot-token',
  VGAC_SLACK_ALERT_CHANNEL: '',
  VGAC_COLLECTOR: 'none',
};

describe('loadConfig (Lambda variables)', () => {
  it("accepts the template's environment: the API key comes from its SSM parameter, empty optional parameters are absent, tracing is on", () => {
    const config = loadConfig(TEMPLATE_ENVIRONMENT);

    expect(config.apiKey).toBeUndefined();
    expect(config.lambda).toEqual({
      serviceName: 'vgac',
      tracingEnabled: true,
      alertTopicArn: 'arn:aws:sns:eu-west-1:123456789012:vgac-AlertTopic-1ABC',
      parameters: {
        apiKey: '/vgac/api-key',
        slackSigningSecret: '/vgac/slack/signing-secret',
        slackBotToken: '/vgac/slack/bot-token',
      },
      slackAlertChannel: undefined,
      collector: 'none',
      collectIntervalMs: 60_000,
      recomputeTopicArn: undefined,
      snsEndpoint: undefined,
      ssmEndpoint: undefined,
    });
  });

  it("reads the collector function's poll period (one pass a minute by default) and refuses one outside 10–60 s, naming it", () => {
    const config = loadConfig({ ...TEMPLATE_ENVIRONMENT, VGAC_LAMBDA_COLLECT_INTERVAL_MS: '30000' });

    expect(config.lambda.collectIntervalMs).toBe(30_000);
    expect(() => loadConfig({ ...TEMPLATE_ENVIRONMENT, VGAC_LAMBDA_COLLECT_INTERVAL_MS: '5000' })).toThrow(
      /VGAC_LAMBDA_COLLECT_INTERVAL_MS/,
    );
    expect(() => loadConfig({ ...TEMPLATE_ENVIRONMENT, VGAC_LAMBDA_COLLECT_INTERVAL_MS: '120000' })).toThrow(
      /VGAC_LAMBDA_COLLECT_INTERVAL_MS/,
    );
  });

  it("reads the subscribed jobs' forecast interval (5 min by default, 0 allowed) and refuses a negative or fractional one, naming it", () => {
    const byDefault = loadConfig({});
    const everyPoll = loadConfig({ VGAC_SUBSCRIBER_FORECAST_INTERVAL_MS: '0' });

    expect(byDefault.subscriberForecastIntervalMs).toBe(300_000);
    expect(everyPoll.subscriberForecastIntervalMs).toBe(0);
    expect(() => loadConfig({ VGAC_SUBSCRIBER_FORECAST_INTERVAL_MS: '-1' })).toThrow(
      /VGAC_SUBSCRIBER_FORECAST_INTERVAL_MS/,
    );
    expect(() => loadConfig({ VGAC_SUBSCRIBER_FORECAST_INTERVAL_MS: '1.5' })).toThrow(
      /VGAC_SUBSCRIBER_FORECAST_INTERVAL_MS/,
    );
  });

  it("reads XDG_STATE_HOME for the agent's spool and refuses a relative one, naming it", () => {
    expect(loadConfig({ XDG_STATE_HOME: '/var/lib/vgac/state' }).stateHome).toBe('/var/lib/vgac/state');
    expect(loadConfig({}).stateHome).toBeUndefined();
    expect(() => loadConfig({ XDG_STATE_HOME: 'state' })).toThrow(/XDG_STATE_HOME/);
  });

  it('reads the recompute topic ARN for the API and collector functions, and names a malformed one', () => {
    const arn = 'arn:aws:sns:eu-west-1:123456789012:vgac-RecomputeTopic-1ABC';

    const config = loadConfig({ ...TEMPLATE_ENVIRONMENT, VGAC_RECOMPUTE_TOPIC_ARN: arn });

    expect(config.lambda.recomputeTopicArn).toBe(arn);
    expect(loadConfig({ VGAC_RECOMPUTE_TOPIC_ARN: '' }).lambda.recomputeTopicArn).toBeUndefined();
    expect(() => loadConfig({ VGAC_RECOMPUTE_TOPIC_ARN: 'vgac-RecomputeTopic' })).toThrow(/VGAC_RECOMPUTE_TOPIC_ARN/);
  });

  it('defaults to Claude Haiku 5.5 and, for complex requests, Claude Sonnet 5.5, both through the US inference profile', () => {
    const config = loadConfig({});

    expect(config.bedrockModelId).toBe('us.anthropic.claude-haiku-5-5');
    expect(config.agents.complexModelId).toBe('us.anthropic.claude-sonnet-5-5');
    expect(config.agents.bedrockControlEndpoint).toBeUndefined();
  });

  it('refuses a retired model, a Sonnet default and the refused family at start-up, naming the variables', () => {
    const refused = 'us.anthropic.claude-opus-5-5'; // policy-allow: opus-refusal (test fixture: the refused family)

    expect(() => loadConfig({ VGAC_BEDROCK_MODEL_ID: 'anthropic.claude-3-haiku-20240307-v1:0' })).toThrow(
      /VGAC_BEDROCK_MODEL_ID \/ VGAC_BEDROCK_COMPLEX_MODEL_ID: model 'anthropic\.claude-3-haiku-20240307-v1:0' is not allowed/,
    );
    expect(() => loadConfig({ VGAC_BEDROCK_MODEL_ID: 'us.anthropic.claude-sonnet-5-5' })).toThrow(/not a Haiku model/);
    expect(() => loadConfig({ VGAC_BEDROCK_COMPLEX_MODEL_ID: refused })).toThrow(/is refused: Opus is never used/); // policy-allow: opus-refusal
    expect(() => loadConfig({ VGAC_BEDROCK_CONTROL_ENDPOINT: 'not a url' })).toThrow(/VGAC_BEDROCK_CONTROL_ENDPOINT/);
  });

  it('defaults to the vgac service with tracing off when embedded', () => {
    const config = loadConfig({});

    expect(config.lambda.serviceName).toBe(DEFAULT_SERVICE_NAME);
    expect(config.lambda.tracingEnabled).toBe(false);
    expect(config.lambda.collector).toBe('none');
  });

  it('reports every bad Lambda variable at once, by name', () => {
    const bad = {
      ...TEMPLATE_ENVIRONMENT,
      VGAC_ALERT_TOPIC_ARN: 'not-an-arn',
      VGAC_SLACK_ALERT_CHANNEL: '#alerts',
      VGAC_COLLECTOR: 'kafka',
      VGAC_API_KEY_PARAM: 'vgac/api-key',
    };

    const error = (() => {
      try {
        loadConfig(bad);
        return undefined;
      } catch (caught) {
        return caught;
      }
    })();

    expect(error).toBeInstanceOf(InvalidInputError);
    for (const name of ['VGAC_ALERT_TOPIC_ARN', 'VGAC_SLACK_ALERT_CHANNEL', 'VGAC_COLLECTOR', 'VGAC_API_KEY_PARAM'])
      expect((error as Error).message).toContain(name);
  });

  it('still requires an API key (value or parameter) while auth is on in AWS mode', () => {
    const { VGAC_API_KEY_PARAM: _unused, ...withoutKey } = TEMPLATE_ENVIRONMENT;

    expect(() => loadConfig(withoutKey)).toThrow(/VGAC_API_KEY/);
  });
});

describe('loadConfig (live Slurm)', () => {
  it('reads the slurmrestd collector settings, with the API version, poll period and cluster id defaulted', () => {
    const config = loadConfig({
      ...TEMPLATE_ENVIRONMENT,
      VGAC_COLLECTOR: 'slurmrestd',
      VGAC_SLURMRESTD_URL: 'http://127.0.0.1:6820',
      VGAC_SLURM_USER: 'vgac',
      VGAC_SLURM_JWT_PARAM: '/vgac/slurm/jwt',
    });

    expect(config.lambda.collector).toBe('slurmrestd');
    expect(config.slurm).toEqual({
      restUrl: 'http://127.0.0.1:6820',
      user: 'vgac',
      jwtParameter: '/vgac/slurm/jwt',
      jwt: undefined,
      apiVersion: 'v0.0.38',
      collectIntervalMs: 5000,
      clusterId: 'slurm',
    });
  });

  it('requires the URL, the user and a JWT (value or SSM parameter) for slurmrestd, and checks the version and period', () => {
    const bad = {
      ...TEMPLATE_ENVIRONMENT,
      VGAC_COLLECTOR: 'slurmrestd',
      VGAC_SLURM_API_VERSION: '38',
      VGAC_COLLECT_INTERVAL_MS: '10',
    };

    const error = (() => {
      try {
        loadConfig(bad);
        return undefined;
      } catch (caught) {
        return caught;
      }
    })();

    expect(error).toBeInstanceOf(InvalidInputError);
    for (const name of ['VGAC_SLURM_API_VERSION', 'VGAC_COLLECT_INTERVAL_MS'])
      expect((error as Error).message).toContain(name);
    const missing = { ...TEMPLATE_ENVIRONMENT, VGAC_COLLECTOR: 'slurmrestd' };
    expect(() => loadConfig(missing)).toThrow(/VGAC_SLURMRESTD_URL.*VGAC_SLURM_USER.*VGAC_SLURM_JWT/);
  });

  it('accepts slurm-cli without slurmrestd settings', () => {
    const config = loadConfig({
      VGAC_COLLECTOR: 'slurm-cli',
      VGAC_COLLECT_INTERVAL_MS: '2000',
      VGAC_SLURM_CLUSTER_ID: 'hpc-a',
    });

    expect(config.lambda.collector).toBe('slurm-cli');
    expect(config.slurm.collectIntervalMs).toBe(2000);
    expect(config.slurm.clusterId).toBe('hpc-a');
  });

  it('never describes the JWT itself', () => {
    const config = loadConfig({
      VGAC_COLLECTOR: 'slurmrestd',
      VGAC_SLURMRESTD_URL: 'http://127.0.0.1:6820',
      VGAC_SLURM_USER: 'root',
      VGAC_SLURM_JWT: 'eyJ.secret.jwt',
    });

    const described = JSON.stringify(describeConfig(config));

    expect(described).not.toContain('eyJ.secret.jwt');
    expect((describeConfig(config).slurm as { jwt: string }).jwt).toBe('set');
  });
});

describe('loadConfig (VGAC platform)', () => {
  it('reads the platform URL, key and cluster list (trimmed) for vgac-api, and never describes the key', () => {
    const config = loadConfig({
      VGAC_COLLECTOR: 'vgac-api',
      VGAC_PLATFORM_URL: 'https://vgac.example.org',
      VGAC_PLATFORM_API_KEY: 'platform-secret-key',
      VGAC_PLATFORM_CLUSTERS: ' plat-a, plat-b ,',
    });

    expect(config.platform).toEqual({
      url: 'https://vgac.example.org',
      apiKey: 'platform-secret-key',
      clusterIds: ['plat-a', 'plat-b'],
    });
    expect(JSON.stringify(describeConfig(config))).not.toContain('platform-secret-key');
  });

  it('requires the URL and the clusters for vgac-api, and refuses a bad cluster id, naming the variables', () => {
    expect(() => loadConfig({ VGAC_COLLECTOR: 'vgac-api' })).toThrow(
      /VGAC_PLATFORM_URL: required.*VGAC_PLATFORM_CLUSTERS: required/,
    );
    expect(() => loadConfig({ VGAC_PLATFORM_CLUSTERS: 'ok,not ok' })).toThrow('VGAC_PLATFORM_CLUSTERS.1: a cluster id');
  });
});

describe('loadConfig (Slack approvers)', () => {
  it('reads VGAC_SLACK_APPROVERS as trimmed user ids; unset or empty means anyone', () => {
    const listed = loadConfig({ VGAC_SLACK_APPROVERS: 'U0BOSS, W0DEPUTY ,' });
    const unset = loadConfig({});
    const empty = loadConfig({ VGAC_SLACK_APPROVERS: '' });

    expect(listed.slack.approvers).toEqual(['U0BOSS', 'W0DEPUTY']);
    expect(unset.slack.approvers).toBeUndefined();
    expect(empty.slack.approvers).toBeUndefined();
  });

  it('refuses a value that is not a list of Slack user ids, naming the variable', () => {
    expect(() => loadConfig({ VGAC_SLACK_APPROVERS: 'alice,U0BOSS' })).toThrow(/VGAC_SLACK_APPROVERS/);
    expect(() => loadConfig({ VGAC_SLACK_APPROVERS: ' , ' })).toThrow(/VGAC_SLACK_APPROVERS/);
  });
});

describe('loadConfig (every setting is used)', () => {
  // A variable that is read and validated but used nowhere misleads deployers (it happened:
  // VGAC_AGENT_FUNCTION_NAME, VGAC_RECALIBRATION_STATE_MACHINE_ARN, VGAC_VGAC_API_URL). Each leaf
  // of Config must be named somewhere in src/ outside config.ts and tests.
  const NOT_YET_USED = new Set<string>();

  it('names every configuration field somewhere in src outside config.ts', () => {
    const source = sourceFilesOf(join(import.meta.dirname, '..'))
      .filter((file) => !file.endsWith('.test.ts') && file !== join(import.meta.dirname, 'config.ts'))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    const leaves = leafNames(loadConfig({}) as unknown as Record<string, unknown>);

    const unused = leaves.filter((name) => !NOT_YET_USED.has(name) && !new RegExp(`\\b${name}\\b`).test(source));

    expect(leaves.length).toBeGreaterThan(30);
    expect(unused).toEqual([]);
  });
});

/** Property names of the leaves of a config object (gate thresholds are one leaf: `gate`). */
function leafNames(value: Record<string, unknown>): string[] {
  return Object.entries(value).flatMap(([name, child]) =>
    child !== null && typeof child === 'object' && !Array.isArray(child) && name !== 'gate'
      ? leafNames(child as Record<string, unknown>)
      : [name],
  );
}

function sourceFilesOf(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFilesOf(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

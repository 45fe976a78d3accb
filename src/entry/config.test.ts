import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../core/errors.ts';
import { DEFAULT_SERVICE_NAME, loadConfig } from './config.ts';

// What template.yaml's Globals pass to every function (values as CloudFormation would render them).
const TEMPLATE_ENVIRONMENT = {
  POWERTOOLS_SERVICE_NAME: 'vgac',
  POWERTOOLS_METRICS_NAMESPACE: 'Vgac',
  VGAC_MODE: 'aws',
  VGAC_TABLE: 'vgac-DataTable-1ABC',
  VGAC_BUCKET: 'vgac-calibrationbucket-1abc',
  VGAC_ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:vgac-AlertTopic-1ABC',
  VGAC_REASONER: 'bedrock',
  VGAC_BEDROCK_MODEL_ID: 'anthropic.claude-3-haiku-20240307-v1:0',
  VGAC_BEDROCK_COMPLEX_MODEL_ID: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
  VGAC_API_KEY_PARAM: '/vgac/api-key',
  VGAC_SLACK_SIGNING_SECRET_PARAM: '/vgac/slack/signing-secret',
  VGAC_SLACK_BOT_TOKEN_PARAM: '/vgac/slack/bot-token',
  VGAC_SLACK_ALERT_CHANNEL: '',
  VGAC_VGAC_API_URL: '',
  VGAC_COLLECTOR: 'none',
};

describe('loadConfig (Lambda variables)', () => {
  it('accepts the template\'s environment: the API key comes from its SSM parameter, empty optional parameters are absent, tracing is on', () => {
    const config = loadConfig(TEMPLATE_ENVIRONMENT);

    expect(config.apiKey).toBeUndefined();
    expect(config.lambda).toEqual({
      serviceName: 'vgac',
      tracingEnabled: true,
      alertTopicArn: 'arn:aws:sns:eu-west-1:123456789012:vgac-AlertTopic-1ABC',
      parameters: { apiKey: '/vgac/api-key', slackSigningSecret: '/vgac/slack/signing-secret', slackBotToken: '/vgac/slack/bot-token' },
      slackAlertChannel: undefined,
      vgacApiUrl: undefined,
      collector: 'none',
      agentFunctionName: undefined,
      recalibrationStateMachineArn: undefined,
      snsEndpoint: undefined,
      ssmEndpoint: undefined,
    });
  });

  it('defaults to the vgac service with tracing off when embedded', () => {
    const config = loadConfig({});

    expect(config.lambda.serviceName).toBe(DEFAULT_SERVICE_NAME);
    expect(config.lambda.tracingEnabled).toBe(false);
    expect(config.lambda.collector).toBe('none');
  });

  it('reports every bad Lambda variable at once, by name', () => {
    const bad = { ...TEMPLATE_ENVIRONMENT, VGAC_ALERT_TOPIC_ARN: 'not-an-arn', VGAC_SLACK_ALERT_CHANNEL: '#alerts', VGAC_COLLECTOR: 'kafka', VGAC_API_KEY_PARAM: 'vgac/api-key' };

    const error = (() => {
      try {
        loadConfig(bad);
        return undefined;
      } catch (caught) {
        return caught;
      }
    })();

    expect(error).toBeInstanceOf(InvalidInputError);
    for (const name of ['VGAC_ALERT_TOPIC_ARN', 'VGAC_SLACK_ALERT_CHANNEL', 'VGAC_COLLECTOR', 'VGAC_API_KEY_PARAM']) expect((error as Error).message).toContain(name);
  });

  it('still requires an API key (value or parameter) while auth is on in AWS mode', () => {
    const { VGAC_API_KEY_PARAM: _unused, ...withoutKey } = TEMPLATE_ENVIRONMENT;

    expect(() => loadConfig(withoutKey)).toThrow(/VGAC_API_KEY/);
  });
});

/**
 * The repository's template.yaml: it passes every policy rule, and it has the shape the brief,
 * SPEC.md and the seed ask for (checked here because `sam validate` is not available in CI).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLUSTER_INDEX_NAME, TTL_ATTRIBUTE, tableDefinition } from '../../src/adapters/dynamodb/table-definition.ts';
import { AGENTCORE_BUNDLE, LAMBDA_FUNCTIONS, bundleDirectory } from '../lambda-functions.ts';
import { AGENTCORE_IDLE_SESSION_SECONDS } from '../../src/core/budget/default-usage.ts';
import type { SecretSource } from '../../src/app/ports/secret-source.ts';
import {
  ALLOWED_MODELS,
  DEFAULT_MODEL_POLICY,
  US_PROFILE_DESTINATION_REGIONS,
  foundationModelOf,
  modelFamily,
  modelPolicy,
  parseModelId,
} from '../../src/core/agents/model-policy.ts';
import { COLLECTORS, CONFIG_VARIABLES, DEFAULT_LOG_LEVEL, loadConfig } from '../../src/entry/config.ts';
import { METRICS_NAMESPACE, MetricName } from '../../src/entry/lambda/lambda-observability.ts';
import { LAMBDA_COLLECTORS, observerFor } from '../../src/entry/lambda/collector-observer.ts';
import { parseTemplate } from './cfn-yaml.ts';
import { checkTemplate } from './check-template.ts';
import { coldStartNeeds } from './cold-start-needs.ts';
import { asyncInvocations } from './rules/async-on-failure.ts';
import { publishableTopics } from './rules/lambda-topic-environment.ts';
import { functionEnvironment, globalVariables, resolveWithFakes } from './template-environment.ts';
import { asList, functionsOf, isRecord, resourcesOf, type Json } from './template-model.ts';

const TEMPLATE_PATH = join(import.meta.dirname, '../../template.yaml');
const parsed = parseTemplate(readFileSync(TEMPLATE_PATH, 'utf8'), 'template.yaml');
const template = parsed.document;

function resource(logicalId: string): Json {
  const found = resourcesOf(template).find((candidate) => candidate.logicalId === logicalId);
  if (found === undefined) throw new Error(`template has no ${logicalId}`);
  return found.properties;
}

function ofType(type: string) {
  return resourcesOf(template).filter((candidate) => candidate.type === type);
}

function parameter(name: string): Json {
  const parameters = template.Parameters as Json;
  return parameters[name] as Json;
}

interface Statement {
  Effect?: string;
  Action: unknown;
  Resource: unknown;
  condition?: string;
}

/** A policy's statements; a conditional policy (`Fn::If: [condition, policy, policy]`) yields its branches' statements tagged `condition` / `!condition`. */
function policyStatements(policy: unknown, condition?: string): Statement[] {
  if (!isRecord(policy)) return [];
  if ('Fn::If' in policy) {
    const [name, then, otherwise] = policy['Fn::If'] as [string, unknown, unknown];
    return [...policyStatements(then, name), ...policyStatements(otherwise, `!${name}`)];
  }
  if (!('Statement' in policy)) return [];
  return (asList(policy.Statement) as Statement[]).map((statement) =>
    condition === undefined ? statement : { ...statement, condition },
  );
}

function statementsOf(logicalId: string): Statement[] {
  return asList(resource(logicalId).Policies).flatMap((policy) => policyStatements(policy));
}

function actionsOf(logicalId: string): string[] {
  return statementsOf(logicalId).flatMap((statement) => asList(statement.Action) as string[]);
}

describe('template.yaml', () => {
  it('template.yaml passes every infrastructure policy rule', () => {
    expect(checkTemplate(parsed)).toEqual([]);
  });

  it('template.yaml deploys exactly the functions of LAMBDA_FUNCTIONS from their bundle directories', () => {
    const functions = functionsOf(template);

    expect(functions.map((fn) => fn.logicalId).sort()).toEqual(LAMBDA_FUNCTIONS.map((fn) => fn.logicalId).sort());
    for (const fn of LAMBDA_FUNCTIONS) {
      const deployed = functions.find((candidate) => candidate.logicalId === fn.logicalId);
      expect(deployed?.effective.CodeUri).toBe(bundleDirectory(fn));
      expect(deployed?.effective.Handler).toBe('index.handler');
    }
  });

  it('template.yaml globals: Node 24 on arm64, 256 MB, 30 s, active tracing, JSON logs, the documented environment', () => {
    const globals = (template.Globals as Json).Function as Json;
    const variables = (globals.Environment as Json).Variables as Json;

    expect(globals).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 256,
      Timeout: 30,
      Tracing: 'Active',
    });
    expect(globals.LoggingConfig).toEqual({
      LogFormat: 'JSON',
      ApplicationLogLevel: { 'Fn::FindInMap': ['LambdaLogLevels', { Ref: 'LogLevel' }, 'Application'] },
    });
    for (const fn of functionsOf(template)) {
      expect(fn.effective.Runtime, fn.logicalId).toBe('nodejs24.x');
      expect((fn.effective.LoggingConfig as Json).LogFormat, fn.logicalId).toBe('JSON');
    }
    expect(variables).toMatchObject({
      POWERTOOLS_SERVICE_NAME: { Ref: 'ServiceName' },
      POWERTOOLS_METRICS_NAMESPACE: 'Vgac',
      VGAC_MODE: 'aws',
      VGAC_TABLE: { Ref: 'DataTable' },
      VGAC_BUCKET: { Ref: 'CalibrationBucket' },
      VGAC_ALERT_TOPIC_ARN: { Ref: 'AlertTopic' },
      VGAC_REASONER: { Ref: 'Reasoner' },
      VGAC_BEDROCK_MODEL_ID: { Ref: 'BedrockModelId' },
      VGAC_API_KEY_PARAM: { Ref: 'ApiKeyParameterName' },
      VGAC_SLACK_SIGNING_SECRET_PARAM: { Ref: 'SlackSigningSecretParameterName' },
      VGAC_SLACK_BOT_TOKEN_PARAM: { Ref: 'SlackBotTokenParameterName' },
      VGAC_LOG_LEVEL: { Ref: 'LogLevel' },
    });
    expect(parameter('Reasoner')).toMatchObject({ Default: 'bedrock', AllowedValues: ['offline', 'bedrock'] });
  });

  it('template.yaml parameter defaults satisfy their own constraints', () => {
    const parameters = template.Parameters as Record<string, Json>;

    for (const [name, definition] of Object.entries(parameters)) {
      const value = definition.Default;
      if (typeof definition.AllowedPattern === 'string')
        expect(new RegExp(definition.AllowedPattern).test(String(value)), name).toBe(true);
      if (Array.isArray(definition.AllowedValues)) expect(definition.AllowedValues, name).toContain(value);
      if (typeof definition.MinValue === 'number')
        expect(Number(value), name).toBeGreaterThanOrEqual(definition.MinValue);
      if (typeof definition.MaxValue === 'number') expect(Number(value), name).toBeLessThanOrEqual(definition.MaxValue);
    }
  });

  it("template.yaml model parameters offer exactly the allow-list's US inference profiles: Haiku by default, Sonnet (or Haiku) for complex tasks", () => {
    const defaults = parameter('BedrockModelId');
    const complex = parameter('BedrockComplexModelId');
    const usProfiles = ALLOWED_MODELS.map((model) => `us.${model.foundationModelId}`);

    expect(defaults.Default).toBe(DEFAULT_MODEL_POLICY.defaultModelId);
    expect(complex.Default).toBe(DEFAULT_MODEL_POLICY.complexModelId);
    expect(defaults.AllowedValues).toEqual(usProfiles.filter((id) => modelFamily(parseModelId(id)) === 'haiku'));
    expect([...(complex.AllowedValues as string[])].sort()).toEqual([...usProfiles].sort());
    for (const id of [...(defaults.AllowedValues as string[]), ...(complex.AllowedValues as string[])])
      expect(parseModelId(id)).toBe(id);
    expect(() => modelPolicy(defaults.Default as string, complex.Default as string)).not.toThrow();
  });

  it("template.yaml table has the same shape as the DynamoDB adapter's table definition", () => {
    const table = resource('DataTable');
    const expected = tableDefinition('ignored');

    expect(table.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.KeySchema).toEqual(expected.KeySchema);
    expect(new Set(table.AttributeDefinitions as unknown[])).toEqual(new Set(expected.AttributeDefinitions));
    expect(table.GlobalSecondaryIndexes).toEqual(expected.GlobalSecondaryIndexes);
    expect((table.GlobalSecondaryIndexes as Json[])[0]?.IndexName).toBe(CLUSTER_INDEX_NAME);
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: TTL_ATTRIBUTE, Enabled: true });
    expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.SSESpecification).toEqual({ SSEEnabled: true });
  });

  it('template.yaml bucket is encrypted, versioned, private and expires old versions after 90 days', () => {
    const bucket = resource('CalibrationBucket');
    const rules = (bucket.LifecycleConfiguration as Json).Rules as Json[];

    expect(bucket.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(rules).toContainEqual({
      Id: 'ExpireNoncurrentVersions',
      Status: 'Enabled',
      NoncurrentVersionExpiration: { NoncurrentDays: 90 },
    });
  });

  it('template.yaml routes the HTTP API exactly as specified, with payload v2', () => {
    const routes: string[] = [];
    for (const fn of functionsOf(template)) {
      for (const event of Object.values((fn.properties.Events ?? {}) as Record<string, Json>)) {
        if (event.Type !== 'HttpApi') continue;
        const properties = event.Properties as Json;
        expect(properties.ApiId).toEqual({ Ref: 'HttpApi' });
        expect(properties.PayloadFormatVersion).toBe('2.0');
        routes.push(`${String(properties.Method)} ${String(properties.Path)} → ${fn.logicalId}`);
      }
    }

    expect(routes.sort()).toEqual([
      'ANY /api/{proxy+} → ApiFunction',
      'GET / → ApiFunction',
      'GET /dashboard/{proxy+} → ApiFunction',
      'POST /invocations → ApiFunction',
      'POST /slack/commands → SlackFunction',
      'POST /slack/events → SlackFunction',
      'POST /slack/interactions → SlackFunction',
    ]);
  });

  it('template.yaml allows CORS only for the dashboard origin (with If-None-Match and a readable ETag) and throttles every route', () => {
    const api = resource('HttpApi');

    expect((api.CorsConfiguration as Json).AllowOrigins).toEqual([{ Ref: 'DashboardOrigin' }]);
    expect((api.CorsConfiguration as Json).AllowHeaders).toContain('if-none-match');
    expect((api.CorsConfiguration as Json).ExposeHeaders).toEqual(['etag']);
    expect(api.DefaultRouteSettings).toEqual({
      ThrottlingBurstLimit: { Ref: 'ApiThrottleBurst' },
      ThrottlingRateLimit: { Ref: 'ApiThrottleRate' },
    });
  });

  it('template.yaml gives each function its own log group with the retention parameter (default 14 days)', () => {
    for (const fn of functionsOf(template)) {
      const logGroup = (fn.properties.LoggingConfig as Json).LogGroup as Json;
      expect(logGroup).toEqual({ Ref: `${fn.logicalId}LogGroup` });
      expect(resource(`${fn.logicalId}LogGroup`).RetentionInDays).toEqual({ Ref: 'LogRetentionDays' });
    }
    expect(parameter('LogRetentionDays').Default).toBe(14);
  });

  it('template.yaml grants only the services each function needs', () => {
    const allowedServices: Record<string, string[]> = {
      ApiFunction: ['dynamodb', 's3', 'ssm', 'bedrock-agentcore'],
      SlackFunction: ['dynamodb', 's3', 'ssm', 'bedrock-agentcore'],
      AgentCodeFunction: ['s3'],
      CheckDriftFunction: ['dynamodb', 's3'],
      RecalibrateFunction: ['dynamodb', 's3'],
      UpdateProfileFunction: ['dynamodb'],
      NotifyFunction: ['dynamodb'],
      CollectorFunction: ['dynamodb', 's3', 'ssm'],
      AlertsFunction: ['ssm'],
    };

    for (const [logicalId, services] of Object.entries(allowedServices)) {
      const used = new Set(actionsOf(logicalId).map((action) => action.split(':')[0]));
      expect([...used].sort(), logicalId).toEqual([...services].sort());
    }
    expect(actionsOf('RecalibrateFunction')).toContain('s3:PutObject');
    expect(
      ['ApiFunction', 'SlackFunction', 'CheckDriftFunction', 'CollectorFunction'].flatMap(actionsOf),
    ).not.toContain('s3:PutObject');
    // The code publisher writes and deletes only its own objects in the code bucket.
    expect(statementsOf('AgentCodeFunction')).toEqual([
      {
        Sid: 'PublishAgentCode',
        Effect: 'Allow',
        Action: ['s3:PutObject', 's3:DeleteObject'],
        Resource: { 'Fn::Sub': '${AgentCodeBucket.Arn}/agentcore/*' },
      },
    ]);
  });

  it('template.yaml reads SSM parameters only by the ARNs of the named parameters, the Slurm JWT only in the collector and only with slurmrestd', () => {
    const names = [
      'ApiKeyParameterName',
      'SlackSigningSecretParameterName',
      'SlackBotTokenParameterName',
      'SlurmJwtParameterName',
      'PlatformApiKeyParameterName',
    ];
    const arnOf = (name: string) =>
      `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter\${${name}}`;
    const allowed = new Set(names.map(arnOf));
    const jwtReaders: string[] = [];

    for (const fn of functionsOf(template)) {
      for (const statement of statementsOf(fn.logicalId)) {
        const actions = asList(statement.Action) as string[];
        if (!actions.some((action) => action.startsWith('ssm:'))) continue;
        expect(actions).toEqual(['ssm:GetParameter']);
        for (const arn of asList(statement.Resource)) {
          const sub = (arn as Json)['Fn::Sub'] as string;
          expect(allowed.has(sub), fn.logicalId).toBe(true);
          if (sub === arnOf('SlurmJwtParameterName'))
            jwtReaders.push(`${fn.logicalId} if ${String(statement.condition)}`);
        }
      }
    }
    expect(jwtReaders).toEqual(['CollectorFunction if CollectorEnabled']);
  });

  it("template.yaml lets the API function read the VGAC platform's key only when a platform is configured (HasPlatform)", () => {
    const platformKey = {
      'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${PlatformApiKeyParameterName}',
    };
    const readers = functionsOf(template).flatMap((fn) =>
      statementsOf(fn.logicalId)
        .filter((statement) =>
          asList(statement.Resource).some((arn) => JSON.stringify(arn) === JSON.stringify(platformKey)),
        )
        .map((statement) => `${fn.logicalId} if ${String(statement.condition)}`),
    );

    expect(readers).toEqual(['ApiFunction if HasPlatform']);
    expect((template.Conditions as Json).HasPlatform).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'PlatformUrl' }, ''] }],
    });
  });

  // The agents run in the AgentCore Runtime: its execution role is the only principal of the stack
  // that may call Bedrock models — the two US inference profiles in the stack's Region and their
  // foundation models in the Regions the profile routes to, only through the profiles
  // (docs.aws.amazon.com/bedrock/latest/userguide/geographic-cross-region-inference.html). No
  // Lambda function calls a model; the API and Slack functions may only invoke the runtime.
  it("template.yaml lets only the AgentCore Runtime's role call Bedrock: the two US profiles, and their foundation models in the profile's Regions only through them", () => {
    const functionBedrock = functionsOf(template).flatMap((fn) =>
      actionsOf(fn.logicalId).filter((action) => action.startsWith('bedrock:')),
    );
    const role = resource('AgentRuntimeRole');
    const roleStatements = (asList(role.Policies) as Json[]).flatMap((policy) =>
      policyStatements(isRecord(policy) && 'PolicyDocument' in policy ? policy.PolicyDocument : policy),
    );
    const bedrock = roleStatements.filter((statement) =>
      (asList(statement.Action) as string[]).some((action) => action.startsWith('bedrock:')),
    );
    const profileArn = (parameterName: string) => ({
      'Fn::Sub': `arn:\${AWS::Partition}:bedrock:\${AWS::Region}:\${AWS::AccountId}:inference-profile/\${${parameterName}}`,
    });
    const modelArns = (parameterName: string) =>
      US_PROFILE_DESTINATION_REGIONS.map((region) => ({
        'Fn::Sub': [
          `arn:\${AWS::Partition}:bedrock:${region}::foundation-model/\${Model}`,
          { Model: { 'Fn::Select': [1, { 'Fn::Split': ['us.', { Ref: parameterName }] }] } },
        ],
      }));

    expect(functionBedrock).toEqual([]);
    expect(bedrock.map((statement) => statement.Action)).toEqual([['bedrock:InvokeModel'], ['bedrock:InvokeModel']]);
    const [profiles, models] = bedrock as [Statement & { Condition?: unknown }, Statement & { Condition?: unknown }];
    expect(profiles.Resource).toEqual([profileArn('BedrockModelId'), profileArn('BedrockComplexModelId')]);
    expect(profiles.Condition).toBeUndefined();
    expect(models.Resource).toEqual([...modelArns('BedrockModelId'), ...modelArns('BedrockComplexModelId')]);
    expect(models.Condition).toEqual({
      StringEquals: {
        'bedrock:InferenceProfileArn': [profileArn('BedrockModelId'), profileArn('BedrockComplexModelId')],
      },
    });
  });

  it('template.yaml foundation-model ARNs resolve to the allow-list\'s models for every offered profile (CloudFormation\'s Fn::Split on "us.")', () => {
    for (const id of parameter('BedrockComplexModelId').AllowedValues as string[]) {
      const [, model] = id.split('us.');

      expect(model).toBe(foundationModelOf(parseModelId(id)));
    }
  });

  // Nothing in src invokes a Lambda function or starts an execution (no Lambda or Step Functions
  // client in package.json): the agent is reached only through POST /invocations, and only the
  // state machine invokes its steps. A grant for either would be an unused permission.
  it('template.yaml lets no function invoke another function or start the workflow', () => {
    for (const fn of functionsOf(template)) {
      expect(
        actionsOf(fn.logicalId).filter((action) => action.startsWith('lambda:') || action.startsWith('states:')),
        fn.logicalId,
      ).toEqual([]);
    }
  });

  it('template.yaml sets only environment variables config.ts reads', () => {
    // Read by the Powertools Metrics library itself when no namespace is passed in code.
    const readElsewhere = new Set(['POWERTOOLS_METRICS_NAMESPACE']);
    const known = new Set(CONFIG_VARIABLES);

    for (const fn of functionsOf(template)) {
      const unread = Object.keys(functionEnvironment(template, fn.logicalId).merged).filter(
        (name) => !known.has(name) && !readElsewhere.has(name),
      );
      expect(unread, fn.logicalId).toEqual([]);
    }
  });

  it('template.yaml workflow: scheduled STANDARD state machine, Map over clusters, retries with backoff, failures notified', () => {
    const machine = resource('RecalibrationStateMachine');
    const definition = machine.Definition as Json;
    const states = definition.States as Record<string, Json>;
    const perCluster = states.PerCluster as Json;
    const inner = (perCluster.ItemProcessor as Json).States as Record<string, Json>;
    const tasks = { ...states, ...inner };

    expect(machine.Type).toBe('STANDARD');
    expect(definition.StartAt).toBe('CheckDrift');
    expect(perCluster).toMatchObject({ Type: 'Map', ItemsPath: '$.clusters' });
    expect((inner.ShouldRecalibrate as Json).Type).toBe('Choice');
    expect(inner.Recalibrate?.Next).toBe('UpdateProfileThenNotify');
    expect(inner.UpdateProfileThenNotify?.Next).toBe('Notify');
    for (const [name, state] of Object.entries(tasks)) {
      if (state.Type !== 'Task') continue;
      const retry = (state.Retry as Json[])[0] as Json;
      expect(retry.ErrorEquals, name).toEqual(
        expect.arrayContaining([
          'Lambda.ServiceException',
          'Lambda.AWSLambdaException',
          'Lambda.SdkClientException',
          'Lambda.TooManyRequestsException',
        ]),
      );
      expect(retry.BackoffRate as number, name).toBeGreaterThan(1);
      if (!name.startsWith('Notify') || name === 'Notify') {
        const next = ((state.Catch as Json[])[0] as Json).Next as string;
        expect(next, name).toMatch(/^Notify(Run|Cluster)Failure$/);
      }
    }
    expect(Object.keys(machine.DefinitionSubstitutions as Json).sort()).toEqual([
      'CheckDriftFunctionArn',
      'NotifyFunctionArn',
      'RecalibrateFunctionArn',
      'UpdateProfileFunctionArn',
    ]);
    expect(((machine.Events as Json).Schedule as Json).Properties).toMatchObject({
      Schedule: { Ref: 'RecalibrationSchedule' },
    });
    expect(parameter('RecalibrationSchedule').Default).toBe('rate(6 hours)');
  });

  it('template.yaml schedules the collector every minute only under the CollectorEnabled condition', () => {
    const rule = resourcesOf(template).find((candidate) => candidate.logicalId === 'CollectorSchedule');
    const permission = resourcesOf(template).find((candidate) => candidate.logicalId === 'CollectorSchedulePermission');

    expect(rule?.raw.Condition).toBe('CollectorEnabled');
    expect(permission?.raw.Condition).toBe('CollectorEnabled');
    expect(rule?.properties.ScheduleExpression).toBe('rate(1 minute)');
    expect((template.Conditions as Json).CollectorEnabled).toEqual({
      'Fn::Equals': [{ Ref: 'CollectorSource' }, 'slurmrestd'],
    });
    expect(parameter('CollectorSource').Default).toBe('none');
  });

  it('template.yaml offers exactly the collector sources the collector Lambda can run (those observerFor accepts)', async () => {
    const secrets: SecretSource = { get: (name) => Promise.resolve(`jwt-for-${name}`) };
    const accepted: string[] = [];
    for (const collector of COLLECTORS) {
      const config = loadConfig({
        VGAC_COLLECTOR: collector,
        VGAC_SLURMRESTD_URL: 'https://slurm.example.org:6820',
        VGAC_SLURM_USER: 'vgac',
        VGAC_SLURM_JWT_PARAM: '/vgac/slurm/jwt',
        VGAC_PLATFORM_URL: 'https://vgac.example.org',
        VGAC_PLATFORM_CLUSTERS: 'plat-a',
      });
      if (
        await observerFor(config, secrets).then(
          () => true,
          () => false,
        )
      )
        accepted.push(collector);
    }

    expect(accepted.sort()).toEqual([...LAMBDA_COLLECTORS].sort());
    expect([...(parameter('CollectorSource').AllowedValues as string[])].sort()).toEqual(accepted);
  });

  it("template.yaml wires every slurmrestd setting into the collector's environment from its own parameter", () => {
    const { own, merged } = functionEnvironment(template, 'CollectorFunction');

    expect(own).toMatchObject({
      VGAC_SLURMRESTD_URL: { Ref: 'SlurmrestdUrl' },
      VGAC_SLURM_USER: { Ref: 'SlurmUser' },
      VGAC_SLURM_JWT_PARAM: { Ref: 'SlurmJwtParameterName' },
      VGAC_SLURM_API_VERSION: { Ref: 'SlurmApiVersion' },
      VGAC_SLURM_CLUSTER_ID: { Ref: 'SlurmClusterId' },
    });
    expect(merged.VGAC_COLLECTOR).toEqual({ Ref: 'CollectorSource' });
    expect(parameter('SlurmApiVersion').Default).toBe('v0.0.38');
  });

  it('template.yaml with CollectorSource=slurmrestd gives the collector a configuration it runs: slurmrestd observed with the JWT from SlurmJwtParameterName', async () => {
    const answers = {
      CollectorSource: 'slurmrestd',
      SlurmrestdUrl: 'https://slurm.example.org:6820',
      SlurmUser: 'vgac',
      SlurmJwtParameterName: '/site/slurm/jwt',
      SlurmApiVersion: 'v0.0.40',
      SlurmClusterId: 'site-a',
    };
    const env = resolveWithFakes(
      template,
      functionEnvironment(template, 'CollectorFunction').merged,
      undefined,
      answers,
    );
    const read: string[] = [];
    const secrets: SecretSource = {
      get: (name) => {
        read.push(name);
        return Promise.resolve('jwt');
      },
    };

    const config = loadConfig(env);
    const observer = await observerFor(config, secrets);

    expect(observer).toBeDefined();
    expect(read).toEqual(['/site/slurm/jwt']);
    expect(config.slurm).toMatchObject({
      restUrl: 'https://slurm.example.org:6820',
      user: 'vgac',
      jwtParameter: '/site/slurm/jwt',
      apiVersion: 'v0.0.40',
      clusterId: 'site-a',
    });
  });

  it('template.yaml subscribes the alerts function to the alert topic', () => {
    const events = resource('AlertsFunction').Events as Record<string, Json>;

    expect(Object.values(events)).toEqual([{ Type: 'SNS', Properties: { Topic: { Ref: 'AlertTopic' } } }]);
  });

  it('template.yaml hands due recomputes from the API and collector functions to the Recalibrate function through RecomputeTopic, publish-only on that topic', () => {
    const publishers = functionsOf(template)
      .filter((fn) =>
        asList(fn.properties.Policies).some(
          (policy) =>
            isRecord(policy) && JSON.stringify(policy.SNSPublishMessagePolicy ?? null).includes('RecomputeTopic'),
        ),
      )
      .map((fn) => fn.logicalId);
    const recalibrateEvents = Object.values(resource('RecalibrateFunction').Events as Record<string, Json>);

    expect(resource('RecomputeTopic')).toEqual({ DisplayName: 'VGAC recompute tasks' });
    expect(recalibrateEvents).toEqual([{ Type: 'SNS', Properties: { Topic: { Ref: 'RecomputeTopic' } } }]);
    expect(publishers.sort()).toEqual(['ApiFunction', 'CollectorFunction']);
    for (const logicalId of publishers) {
      expect(((resource(logicalId).Environment as Json).Variables as Json).VGAC_RECOMPUTE_TOPIC_ARN, logicalId).toEqual(
        { Ref: 'RecomputeTopic' },
      );
    }
  });

  it('template.yaml gives the Slack function its own encrypted task topic: subscribed, publish-only on exactly that topic, its ARN in VGAC_SLACK_TASK_TOPIC_ARN', () => {
    const slack = functionsOf(template).find((fn) => fn.logicalId === 'SlackFunction');
    const subscribers = functionsOf(template)
      .filter((fn) =>
        Object.values((fn.properties.Events ?? {}) as Record<string, Json>).some((event) =>
          JSON.stringify(event).includes('"SlackTaskTopic"'),
        ),
      )
      .map((fn) => fn.logicalId);
    const publishers = functionsOf(template)
      .filter((fn) => publishableTopics(fn).has('SlackTaskTopic'))
      .map((fn) => fn.logicalId);

    expect(resource('SlackTaskTopic')).toEqual({ DisplayName: 'VGAC Slack tasks', KmsMasterKeyId: 'alias/aws/sns' });
    expect(functionEnvironment(template, 'SlackFunction').own.VGAC_SLACK_TASK_TOPIC_ARN).toEqual({
      Ref: 'SlackTaskTopic',
    });
    expect(Object.values(resource('SlackFunction').Events as Record<string, Json>)).toContainEqual({
      Type: 'SNS',
      Properties: { Topic: { Ref: 'SlackTaskTopic' } },
    });
    expect(subscribers).toEqual(['SlackFunction']);
    expect(publishers).toEqual(['SlackFunction']);
    expect(slack === undefined ? [] : [...publishableTopics(slack)]).toEqual(['SlackTaskTopic', 'AlertTopic']);
  });

  it("template.yaml lets exactly the functions that decide escalations, and the workflow's notify step, publish notices to the alert topic", () => {
    const publishers = functionsOf(template)
      .filter((fn) => publishableTopics(fn).has('AlertTopic'))
      .map((fn) => fn.logicalId);

    expect(publishers.sort()).toEqual(['ApiFunction', 'NotifyFunction', 'SlackFunction']);
    expect(globalVariables(template).VGAC_ALERT_TOPIC_ARN).toEqual({ Ref: 'AlertTopic' });
  });

  describe.each(LAMBDA_FUNCTIONS.map((fn) => fn.logicalId))('%s cold start', (logicalId) => {
    const { merged } = functionEnvironment(template, logicalId);
    const needs = coldStartNeeds(logicalId);

    it(`template.yaml gives ${logicalId} an environment config.ts accepts in AWS mode, with every variable its entry needs at cold start`, () => {
      const env = resolveWithFakes(template, merged);

      const config = loadConfig(env);

      expect(config.mode).toBe('aws');
      for (const variable of needs.variables) expect(env[variable], variable).toMatch(/\S/);
    });

    it(`template.yaml lets ${logicalId} read the SSM parameters its entry reads at cold start`, () => {
      const readable = statementsOf(logicalId)
        .filter((statement) => statement.Effect === 'Allow' && asList(statement.Action).includes('ssm:GetParameter'))
        .flatMap((statement) => asList(statement.Resource).map((arn) => (arn as Json)['Fn::Sub']));

      for (const variable of needs.ssmParameters) {
        const parameterName = (merged[variable] as Json | undefined)?.Ref;
        expect(parameterName, variable).toEqual(expect.stringMatching(/ParameterName$/));
        expect(readable, variable).toContain(
          `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter\${${String(parameterName)}}`,
        );
      }
    });
  });

  it("template.yaml dashboard body is valid JSON graphing every custom metric the code emits, per-cluster ECE from CheckDrift's log lines, errors and latency", () => {
    const body = (resource('OperationsDashboard').DashboardBody as Json)['Fn::Sub'] as string;
    const json = body.replace(/\$\{[^}]+\}/g, 'x');

    const widgets = (
      JSON.parse(json) as { widgets: { type: string; properties: { metrics?: unknown[]; query?: string } }[] }
    ).widgets;
    const text = JSON.stringify(widgets.map((widget) => widget.properties.metrics ?? []));
    const graphed = [...text.matchAll(/MetricName=\\"([A-Za-z]+)\\"/g)].map((match) => match[1]);
    const logQueries = widgets.filter((widget) => widget.type === 'log').map((widget) => widget.properties.query ?? '');

    expect(new Set(graphed)).toEqual(new Set(Object.values(MetricName)));
    expect(logQueries).toEqual([
      expect.stringContaining('filter message = "check_drift.cluster" | stats avg(ece) by clusterId'),
    ]);
    expect(body).toContain("SOURCE '${CheckDriftFunctionLogGroup}'");
    expect(text).toContain('"AWS/Lambda","Errors"');
    expect(text).toContain('"stat":"p50"');
    expect(text).toContain('"stat":"p99"');
  });

  it("template.yaml alarms on Lambda's account-wide errors plus failed workflow runs (2 metrics) and on daily model cost", () => {
    const errors = resource('ErrorsAlarm');
    const metrics = errors.Metrics as Json[];
    const reads = metrics
      .filter((metric) => metric.MetricStat !== undefined)
      .map((metric) => (metric.MetricStat as Json).Metric as Json);
    const cost = resource('ModelCostAlarm');

    // No FunctionName dimension: Lambda's aggregate over every function, so no function of the stack is left out.
    expect(reads).toEqual([
      { Namespace: 'AWS/Lambda', MetricName: 'Errors' },
      {
        Namespace: 'AWS/States',
        MetricName: 'ExecutionsFailed',
        Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: 'RecalibrationStateMachine' } }],
      },
    ]);
    expect(errors.AlarmActions).toEqual([{ Ref: 'AlertTopic' }]);
    expect(cost).toMatchObject({
      Namespace: 'Vgac',
      MetricName: 'ModelCostUsd',
      Statistic: 'Sum',
      Period: 86400,
      Threshold: { Ref: 'ModelCostDailyAlarmUsd' },
      AlarmActions: [{ Ref: 'AlertTopic' }],
    });
  });

  it('template.yaml alarms on any ModelUnavailable (a model call that fell back to a templated answer) within 5 minutes, on the metric the code emits', () => {
    const alarm = resource('ModelUnavailableAlarm');

    expect(alarm).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: MetricName.modelUnavailable,
      Dimensions: [{ Name: 'service', Value: { Ref: 'ServiceName' } }],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: 'AlertTopic' }],
    });
  });

  it('template.yaml budgets $200 a month with ACTUAL notifications at 50/80/100 % and a FORECASTED one at 100 % to the topic, which Budgets may publish to', () => {
    const budget = resource('MonthlyBudget');
    const notifications = budget.NotificationsWithSubscribers as Json[];
    const topicPolicy = (resource('AlertTopicPolicy').PolicyDocument as Json).Statement as Json[];

    expect(budget.Budget).toMatchObject({
      BudgetType: 'COST',
      TimeUnit: 'MONTHLY',
      BudgetLimit: { Amount: { Ref: 'MonthlyBudgetUsd' }, Unit: 'USD' },
    });
    expect(parameter('MonthlyBudgetUsd')).toMatchObject({ Default: 200, MaxValue: 200 });
    expect(notifications.map((entry) => entry.Notification)).toEqual(
      [
        ['ACTUAL', 50],
        ['ACTUAL', 80],
        ['ACTUAL', 100],
        ['FORECASTED', 100],
      ].map(([type, threshold]) => ({
        NotificationType: type,
        ComparisonOperator: 'GREATER_THAN',
        Threshold: threshold,
        ThresholdType: 'PERCENTAGE',
      })),
    );
    for (const entry of notifications)
      expect(entry.Subscribers).toEqual([{ SubscriptionType: 'SNS', Address: { Ref: 'AlertTopic' } }]);
    expect(topicPolicy).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'budgets.amazonaws.com' },
        Action: 'sns:Publish',
      }),
    );
  });

  it('template.yaml outputs the URLs and names a deployer needs', () => {
    expect(Object.keys(template.Outputs as Json)).toEqual(
      expect.arrayContaining([
        'ApiUrl',
        'SlackCommandUrl',
        'DashboardUrl',
        'TableName',
        'BucketName',
        'TopicArn',
        'AsyncFailureTopicArn',
        'AgentRuntimeArn',
      ]),
    );
  });

  it('template.yaml retains the table and the buckets (the AgentCore code bucket too, left empty) on stack deletion and on replacement', () => {
    const stateful = resourcesOf(template).filter((candidate) =>
      ['AWS::DynamoDB::Table', 'AWS::S3::Bucket'].includes(candidate.type),
    );

    expect(
      stateful.map((candidate) => [
        candidate.logicalId,
        candidate.raw.DeletionPolicy,
        candidate.raw.UpdateReplacePolicy,
      ]),
    ).toEqual([
      ['DataTable', 'Retain', 'Retain'],
      ['CalibrationBucket', 'Retain', 'Retain'],
      ['AgentCodeBucket', 'Retain', 'Retain'],
    ]);
  });

  it("template.yaml sends every asynchronously invoked function's failures to the encrypted AsyncFailureTopic, which alarms to the alert topic", () => {
    const asynchronous = [...new Set(asyncInvocations(template).map((invocation) => invocation.functionId))];
    const alarm = resource('AsyncFailuresAlarm');

    expect(asynchronous.sort()).toEqual([
      'AgentCodeFunction',
      'AlertsFunction',
      'CollectorFunction',
      'RecalibrateFunction',
      'SlackFunction',
    ]);
    for (const logicalId of asynchronous) {
      const config = resource(logicalId).EventInvokeConfig as Json;
      expect(config.DestinationConfig, logicalId).toEqual({
        OnFailure: { Type: 'SNS', Destination: { Ref: 'AsyncFailureTopic' } },
      });
      expect(config.MaximumRetryAttempts, logicalId).toEqual(expect.any(Number));
    }
    expect((resource('CollectorFunction').EventInvokeConfig as Json).MaximumRetryAttempts).toBe(0);
    expect(resource('AsyncFailureTopic')).toEqual({
      DisplayName: 'VGAC failed async invocations',
      KmsMasterKeyId: 'alias/aws/sns',
    });
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SNS',
      MetricName: 'NumberOfMessagesPublished',
      Dimensions: [{ Name: 'TopicName', Value: { 'Fn::GetAtt': ['AsyncFailureTopic', 'TopicName'] } }],
      AlarmActions: [{ Ref: 'AlertTopic' }],
    });
  });

  it('template.yaml passes SlackApprovers to the Slack function as VGAC_SLACK_APPROVERS, which config.ts reads as the approver list (empty: anyone)', () => {
    const { merged } = functionEnvironment(template, 'SlackFunction');
    const pattern = new RegExp(parameter('SlackApprovers').AllowedPattern as string);
    const approvers = (answers: Record<string, string>) =>
      loadConfig(resolveWithFakes(template, merged, undefined, answers)).slack.approvers;

    expect(merged.VGAC_SLACK_APPROVERS).toEqual({ Ref: 'SlackApprovers' });
    expect(parameter('SlackApprovers').Default).toBe('');
    expect(approvers({})).toBeUndefined();
    expect(approvers({ SlackApprovers: 'U0123ABCD,W0456EFGH' })).toEqual(['U0123ABCD', 'W0456EFGH']);
    expect(['U0123ABCD', 'U0123ABCD,W0456EFGH', ''].every((value) => pattern.test(value))).toBe(true);
    expect(['U0123ABCD, W0456EFGH', 'C0123ABCD', 'U0123ABCD,', 'u0123abcd'].some((value) => pattern.test(value))).toBe(
      false,
    );
  });

  it("template.yaml LogLevel sets Lambda's application level and VGAC_LOG_LEVEL to the same level for each allowed value; its default is config.ts's", () => {
    const mapping = (template.Mappings as Json).LambdaLogLevels as Record<string, Json>;
    const { merged } = functionEnvironment(template, 'ApiFunction');

    expect(parameter('LogLevel').Default).toBe(DEFAULT_LOG_LEVEL);
    for (const level of parameter('LogLevel').AllowedValues as string[]) {
      const config = loadConfig(resolveWithFakes(template, merged, undefined, { LogLevel: level }));
      expect(config.logLevel, level).toBe(level);
      expect(mapping[level]?.Application, level).toBe(level.toUpperCase());
    }
  });

  it('template.yaml declares no secret values: only SSM parameter names', () => {
    expect(parsed.text).not.toMatch(/xox[abp]-\d+-|AKIA[0-9A-Z]{16}|SecretString|NoEcho/);
    expect(ofType('AWS::SSM::Parameter')).toEqual([]);
  });
});

describe('template.yaml: the Bedrock AgentCore Runtime', () => {
  it("deploys the agents as a Node.js 22 direct code deployment of the build's zip, published by the AgentCode custom resource", () => {
    const runtime = resource('AgentRuntime');
    const code = resource('AgentCode');
    const publisher = LAMBDA_FUNCTIONS.find((fn) => fn.carriesAgentCoreZip === true);

    expect(runtime.AgentRuntimeArtifact).toEqual({
      CodeConfiguration: {
        Code: {
          S3: { Bucket: { 'Fn::GetAtt': ['AgentCode', 'Bucket'] }, Prefix: { 'Fn::GetAtt': ['AgentCode', 'Key'] } },
        },
        EntryPoint: [AGENTCORE_BUNDLE.entryPoint],
        Runtime: 'NODE_22',
      },
    });
    expect(runtime).toMatchObject({
      RoleArn: { 'Fn::GetAtt': ['AgentRuntimeRole', 'Arn'] },
      NetworkConfiguration: { NetworkMode: 'PUBLIC' },
      ProtocolConfiguration: 'HTTP',
      AgentRuntimeName: { Ref: 'AgentRuntimeName' },
    });
    expect(new RegExp(parameter('AgentRuntimeName').AllowedPattern as string).test('vgac-agents')).toBe(false);
    expect(publisher?.logicalId).toBe('AgentCodeFunction');
    expect(code).toEqual({
      ServiceToken: { Ref: 'AgentCodeFunction.Alias' },
      Bucket: { Ref: 'AgentCodeBucket' },
      CodeVersion: { Ref: 'AgentCodeFunction.Version' },
    });
    expect(resource('AgentCodeFunction').AutoPublishAlias).toBe('live');
  });

  it('ends an idle session after the idle time the cost projection bills memory for', () => {
    expect((resource('AgentRuntime').LifecycleConfiguration as Json).IdleRuntimeSessionTimeout).toBe(
      AGENTCORE_IDLE_SESSION_SECONDS,
    );
  });

  it("lets only AgentCore, for this account, assume the runtime's role; the role writes only the runtime log groups", () => {
    const role = resource('AgentRuntimeRole');
    const trust = (role.AssumeRolePolicyDocument as Json).Statement as Json[];
    const logs = (asList(role.Policies) as Json[])
      .flatMap((policy) =>
        policyStatements(isRecord(policy) && 'PolicyDocument' in policy ? policy.PolicyDocument : policy),
      )
      .filter((statement) => (asList(statement.Action) as string[]).some((action) => action.startsWith('logs:')));

    expect(trust).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'bedrock-agentcore.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: expect.objectContaining({
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        }) as unknown,
      }),
    ]);
    for (const statement of logs) {
      for (const arn of asList(statement.Resource))
        expect(String((arn as Json)['Fn::Sub'])).toMatch(/:log-group:(\/aws\/bedrock-agentcore\/runtimes\/\*|\*$)/);
    }
  });

  it('lets exactly the API and Slack functions invoke the runtime, on its ARN and DEFAULT endpoint, and tells them its ARN', () => {
    const invokers = functionsOf(template)
      .filter((fn) => actionsOf(fn.logicalId).includes('bedrock-agentcore:InvokeAgentRuntime'))
      .map((fn) => fn.logicalId);

    expect(invokers.sort()).toEqual(['ApiFunction', 'SlackFunction']);
    for (const logicalId of invokers) {
      const statement = statementsOf(logicalId).find((candidate) =>
        asList(candidate.Action).includes('bedrock-agentcore:InvokeAgentRuntime'),
      );
      expect(statement?.Resource, logicalId).toEqual([
        { 'Fn::GetAtt': ['AgentRuntime', 'AgentRuntimeArn'] },
        { 'Fn::Sub': '${AgentRuntime.AgentRuntimeArn}/runtime-endpoint/DEFAULT' },
      ]);
      expect(functionEnvironment(template, logicalId).own.VGAC_AGENTCORE_RUNTIME_ARN, logicalId).toEqual({
        'Fn::GetAtt': ['AgentRuntime', 'AgentRuntimeArn'],
      });
      expect(
        loadConfig(resolveWithFakes(template, functionEnvironment(template, logicalId).merged)).agentCore.runtimeArn,
        logicalId,
      ).toMatch(/^arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime\//);
    }
  });

  it('gives the runtime an environment config.ts accepts in AWS mode (no API key: IAM authorises callers), setting only variables it reads', () => {
    const variables = resource('AgentRuntime').EnvironmentVariables as Record<string, unknown>;
    const known = new Set(CONFIG_VARIABLES);

    const config = loadConfig(resolveWithFakes(template, variables));

    expect(Object.keys(variables).filter((name) => !known.has(name))).toEqual([]);
    expect(config).toMatchObject({
      mode: 'aws',
      apiKey: undefined,
      lambda: { collector: 'none', tracingEnabled: false },
    });
    expect(config.platform.url).toBeUndefined();
  });

  it("the runtime logs at the functions' LogLevel, for each allowed value", () => {
    const variables = resource('AgentRuntime').EnvironmentVariables as Record<string, unknown>;

    for (const level of parameter('LogLevel').AllowedValues as string[]) {
      expect(loadConfig(resolveWithFakes(template, variables, undefined, { LogLevel: level })).logLevel, level).toBe(
        level,
      );
    }
  });

  it('with PlatformUrl set, the API function and the runtime wrap the platform for PlatformClusters, the key read from PlatformApiKeyParameterName', () => {
    const answers = {
      PlatformUrl: 'https://vgac.example.org',
      PlatformClusters: 'plat-a,plat-b',
      PlatformApiKeyParameterName: '/site/platform/key',
    };

    const api = loadConfig(
      resolveWithFakes(template, functionEnvironment(template, 'ApiFunction').merged, undefined, answers),
    );
    const runtime = loadConfig(
      resolveWithFakes(
        template,
        resource('AgentRuntime').EnvironmentVariables as Record<string, unknown>,
        undefined,
        answers,
      ),
    );
    const collector = loadConfig(
      resolveWithFakes(template, functionEnvironment(template, 'CollectorFunction').merged, undefined, answers),
    );

    for (const config of [api, runtime]) {
      expect(config.lambda.collector).toBe('vgac-api');
      expect(config.platform).toMatchObject({
        url: 'https://vgac.example.org',
        clusterIds: ['plat-a', 'plat-b'],
        apiKeyParameter: '/site/platform/key',
      });
    }
    // The collector function keeps CollectorSource: it cannot run the platform's source.
    expect(collector.lambda.collector).toBe('none');
  });
});

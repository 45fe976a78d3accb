/**
 * Every Lambda function the SAM template deploys, as data: its logical id in template.yaml, the
 * kebab-case name of its bundle (`dist/lambda/<name>/index.mjs`, the template's CodeUri) and the
 * TypeScript entry file that exports `handler`. The build script, the bench and the template
 * tests all read this one list, so they cannot drift apart.
 */

export interface LambdaFunction {
  /** Logical id of the AWS::Serverless::Function in template.yaml. */
  readonly logicalId: string;
  /** Bundle directory name under dist/lambda/: the logical id in kebab-case without "Function". */
  readonly name: string;
  /** Entry file, relative to the repository root. Must export `handler`. */
  readonly entry: string;
  /** What triggers it (documentation only). */
  readonly trigger: string;
  /** Its bundle directory also carries the AgentCore Runtime's code zip (agentcore.zip), which it publishes at deploy time. */
  readonly carriesAgentCoreZip?: boolean;
  /** Files copied beside the bundle: `from` (a directory, relative to the repository root) → `dist/lambda/<name>/<to>/`. */
  readonly assets?: { readonly from: string; readonly to: string };
}

export const LAMBDA_FUNCTIONS: readonly LambdaFunction[] = Object.freeze(
  [
    // The dashboard's page, script and stylesheet, read at cold start (src/entry/lambda/lambda-dashboard-assets.ts).
    {
      logicalId: 'ApiFunction',
      name: 'api',
      entry: 'src/entry/lambda/api.ts',
      trigger: 'HTTP API: ANY /api/{proxy+}, POST /invocations, GET /, GET /dashboard/{proxy+}',
      assets: { from: 'src/entry/local/dashboard', to: 'dashboard' },
    },
    {
      logicalId: 'SlackFunction',
      name: 'slack',
      entry: 'src/entry/lambda/slack.ts',
      trigger:
        'HTTP API: POST /slack/commands, /slack/events, /slack/interactions; SNS Slack task topic subscription (its own slow half)',
    },
    {
      logicalId: 'AgentCodeFunction',
      name: 'agent-code',
      entry: 'src/entry/lambda/agent-code.ts',
      trigger: 'CloudFormation custom resource AgentCode (at deploy: publishes the AgentCore Runtime code zip)',
      carriesAgentCoreZip: true,
    },
    {
      logicalId: 'CheckDriftFunction',
      name: 'check-drift',
      entry: 'src/entry/lambda/recalibration/check-drift.ts',
      trigger: 'Step Functions task',
    },
    {
      logicalId: 'RecalibrateFunction',
      name: 'recalibrate',
      entry: 'src/entry/lambda/recalibration/recalibrate.ts',
      trigger: 'Step Functions task; SNS recompute topic subscription',
    },
    {
      logicalId: 'UpdateProfileFunction',
      name: 'update-profile',
      entry: 'src/entry/lambda/recalibration/update-profile.ts',
      trigger: 'Step Functions task',
    },
    {
      logicalId: 'NotifyFunction',
      name: 'notify',
      entry: 'src/entry/lambda/recalibration/notify.ts',
      trigger: 'Step Functions task',
    },
    {
      logicalId: 'CollectorFunction',
      name: 'collector',
      entry: 'src/entry/lambda/collect.ts',
      trigger: 'EventBridge rate(1 minute), only when a collector is configured',
    },
    {
      logicalId: 'AlertsFunction',
      name: 'alerts',
      entry: 'src/entry/lambda/alerts.ts',
      trigger: 'SNS alert topic subscription',
    },
  ].map((fn: LambdaFunction) => Object.freeze(fn)),
);

/**
 * The Bedrock AgentCore Runtime's code (template.yaml `AgentRuntime`, direct code deployment on
 * NODE_22): one ES module, its entry point `index.js` beside a package.json of `"type": "module"`,
 * every dependency bundled (the AWS SDK included: the managed runtime does not promise one),
 * zipped into `agentcore.zip`.
 */
export const AGENTCORE_BUNDLE = Object.freeze({
  name: 'agentcore',
  entry: 'src/entry/agentcore/main.ts',
  entryPoint: 'index.js',
  zip: 'agentcore.zip',
});

/** The directory a function's bundle is written to, relative to the repository root (the template's CodeUri). */
export function bundleDirectory(fn: LambdaFunction): string {
  return `dist/lambda/${fn.name}/`;
}

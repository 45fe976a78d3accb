/**
 * The only place that reads `process.env`: once, into a typed, frozen object. Every bad variable
 * is reported at once and start-up fails fast. Defaults make the embedded mode work with no
 * AWS account; explicit arguments (CLI flags) override the environment, which overrides these.
 */
import * as z from 'zod';
import { InvalidInputError } from '../core/errors.ts';
import type { GateConfig } from '../core/gating/gate-config.ts';
import { parseGateConfig } from '../core/gating/parse-gate-config.ts';
import { DEFAULT_MODEL_POLICY, modelPolicy } from '../core/agents/model-policy.ts';

export const DEFAULT_DATA_DIR = '.vgac';
export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_TABLE = 'vgac';
export const DEFAULT_BUCKET = 'vgac-calibration';
/** Bedrock AgentCore Runtime's HTTP contract listens on 8080; we serve everything on that one port. */
export const DEFAULT_HTTP_PORT = 8080;
export const DEFAULT_HOST = '127.0.0.1';
/** Claude Haiku 5.5 through the US cross-Region inference profile (the model policy's default, dated there). */
export const DEFAULT_BEDROCK_MODEL_ID = DEFAULT_MODEL_POLICY.defaultModelId;
/** Claude Sonnet 5.5 through the US profile: only for requests marked complex. */
export const DEFAULT_BEDROCK_COMPLEX_MODEL_ID = DEFAULT_MODEL_POLICY.complexModelId;
/** How long the agents wait for a collector before answering "cannot predict now", ms. */
export const DEFAULT_OBSERVE_TIMEOUT_MS = 5_000;
/** Per-attempt timeout of a DynamoDB or S3 call, ms (aws-call-policy.ts AwsCallPolicy). */
export const DEFAULT_AWS_TIMEOUT_MS = 3_000;
/** Attempts per DynamoDB or S3 call (the SDK's bounded retry). */
export const DEFAULT_AWS_MAX_ATTEMPTS = 3;
/** Failed calls in a row that open a dependency's circuit breaker. */
export const DEFAULT_BREAKER_FAILURES = 5;
/** How long an open breaker fails calls at once before trying one, ms. */
export const DEFAULT_BREAKER_HALF_OPEN_MS = 5_000;
/**
 * How old a cluster's calibration (calibrator, standing, wait state) the serving path may use, ms:
 * the staleness bound argued in src/app/learning/calibration-cache.ts. 0 reads it on every request.
 */
export const DEFAULT_CALIBRATION_MAX_AGE_MS = 1_000;
/**
 * The shortest time between two fresh forecasts of one pending job someone subscribed to, ms: the
 * collector checks subscriptions on every poll (every few seconds), but a "forecast moved" message
 * needs the wait estimate to double or halve, which a queue rarely does within minutes.
 */
export const DEFAULT_SUBSCRIBER_FORECAST_INTERVAL_MS = 300_000;
/** Request bodies above this are refused with 413 (bytes). */
export const DEFAULT_BODY_LIMIT_BYTES = 262_144;
/** Slack's Web API base URL; tests point it at a loopback server. */
export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';

/** The endpoint every AgentCore runtime has; the API and Slack functions invoke it. */
export const DEFAULT_AGENTCORE_QUALIFIER = 'DEFAULT';

/** Powertools `service` name (and metric dimension) when POWERTOOLS_SERVICE_NAME is unset. */
export const DEFAULT_SERVICE_NAME = 'vgac';
/** Live Slurm: slurmrestd's OpenAPI version, the capture poll period (ms) and the cluster id it is registered as. */
export const DEFAULT_SLURM_API_VERSION = 'v0.0.38';
export const DEFAULT_COLLECT_INTERVAL_MS = 5_000;
export const DEFAULT_SLURM_CLUSTER_ID = 'slurm';
/**
 * The collector function's poll period within its one-minute invocation, ms, when
 * VGAC_LAMBDA_COLLECT_INTERVAL_MS is unset: one pass per invocation (template.yaml's
 * CollectorIntervalMs sets 30 s).
 */
export const DEFAULT_LAMBDA_COLLECT_INTERVAL_MS = 60_000;
/** The logger's level when VGAC_LOG_LEVEL is unset (template.yaml's LogLevel default must equal it). */
export const DEFAULT_LOG_LEVEL = 'info';
/** Collector sources: `slurmrestd` (HTTP + JWT; what a Lambda uses) and `slurm-cli` (squeue/scontrol on a login node). */
export const COLLECTORS = ['none', 'vgac-api', 'simulator', 'slurmrestd', 'slurm-cli'] as const;
export type CollectorSource = (typeof COLLECTORS)[number];

export const Mode = { embedded: 'embedded', aws: 'aws' } as const;
export type Mode = (typeof Mode)[keyof typeof Mode];

const booleanText = z.enum(['true', 'false', '1', '0']).transform((text) => text === 'true' || text === '1');
const optionalUrl = z.url().optional();
/** The template passes '' for an unset optional parameter: treat it as absent. */
const emptyAsUndefined = (value: unknown): unknown => (value === '' ? undefined : value);
const parameterName = z
  .string()
  .regex(/^\/[A-Za-z0-9_.\-/]+$/, 'an SSM parameter name starting with /')
  .optional();

const EnvSchema = z.object({
  VGAC_MODE: z.enum(['embedded', 'aws']).default('embedded'),
  VGAC_DATA_DIR: z.string().min(1).default(DEFAULT_DATA_DIR),
  AWS_REGION: z.string().min(1).default(DEFAULT_REGION),
  VGAC_TABLE: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'a DynamoDB table name (3–255 of A–Z a–z 0–9 _ . -)')
    .default(DEFAULT_TABLE),
  VGAC_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name (3–63 lowercase letters, digits, dots, hyphens)')
    .default(DEFAULT_BUCKET),
  VGAC_DYNAMODB_ENDPOINT: optionalUrl,
  VGAC_S3_ENDPOINT: optionalUrl,
  VGAC_HOST: z.string().min(1).default(DEFAULT_HOST),
  VGAC_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_HTTP_PORT),
  VGAC_API_KEY: z.string().min(16, 'at least 16 characters').optional(),
  VGAC_REASONER: z.enum(['offline', 'bedrock']).default('offline'),
  VGAC_BEDROCK_MODEL_ID: z.string().min(1).default(DEFAULT_BEDROCK_MODEL_ID),
  VGAC_GATE_CONFIG: z.string().optional(),
  VGAC_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default(DEFAULT_LOG_LEVEL),
  // HTTP API and Slack.
  VGAC_API_AUTH: z.enum(['on', 'off']).optional(),
  VGAC_CORS_ORIGIN: z
    .url()
    .transform((url) => new URL(url).origin)
    .optional(),
  VGAC_DEFAULT_CLUSTER: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'a cluster id')
    .optional(),
  VGAC_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10_485_760).default(DEFAULT_BODY_LIMIT_BYTES),
  VGAC_SLACK_SIGNING_SECRET: z.string().min(16, 'at least 16 characters').optional(),
  VGAC_SLACK_BOT_TOKEN: z.string().min(1).optional(),
  VGAC_SLACK_API_URL: z.url().default(DEFAULT_SLACK_API_URL),
  VGAC_SLACK_CHANNEL: z.string().min(1).optional(),
  // Slack users who may approve or reject escalations: comma-separated user ids; unset → anyone in the workspace.
  VGAC_SLACK_APPROVERS: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .transform((text) =>
        text
          .split(',')
          .map((id) => id.trim())
          .filter((id) => id !== ''),
      )
      .pipe(
        z
          .array(z.string().regex(/^[UW][A-Z0-9]{2,20}$/, 'a Slack user id (U…/W…)'))
          .min(1, 'at least one Slack user id'),
      )
      .optional(),
  ),
  VGAC_SLACK_TASK_TOPIC_ARN: z
    .string()
    .regex(/^arn:[a-z-]+:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'an SNS topic ARN')
    .optional(),
  // Agents: Bedrock endpoint override, the model for requests marked complex, the collector deadline.
  VGAC_BEDROCK_ENDPOINT: optionalUrl,
  // `vgac doctor`: Bedrock's control plane (GetFoundationModel, GetInferenceProfile) URL override; tests use a loopback server.
  VGAC_BEDROCK_CONTROL_ENDPOINT: optionalUrl,
  VGAC_BEDROCK_COMPLEX_MODEL_ID: z.string().min(1).default(DEFAULT_BEDROCK_COMPLEX_MODEL_ID),
  VGAC_OBSERVE_TIMEOUT_MS: z.coerce.number().int().min(1).max(120_000).default(DEFAULT_OBSERVE_TIMEOUT_MS),
  // Timeouts, bounded retries and circuit breakers of every DynamoDB and S3 call (on Lambda, SNS and SSM too); the serving path's calibration staleness bound.
  VGAC_AWS_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(DEFAULT_AWS_TIMEOUT_MS),
  VGAC_AWS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(DEFAULT_AWS_MAX_ATTEMPTS),
  VGAC_BREAKER_FAILURES: z.coerce.number().int().min(1).max(1_000).default(DEFAULT_BREAKER_FAILURES),
  VGAC_BREAKER_HALF_OPEN_MS: z.coerce.number().int().min(10).max(600_000).default(DEFAULT_BREAKER_HALF_OPEN_MS),
  VGAC_CALIBRATION_MAX_AGE_MS: z.coerce.number().int().min(0).max(60_000).default(DEFAULT_CALIBRATION_MAX_AGE_MS),
  VGAC_SUBSCRIBER_FORECAST_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(86_400_000)
    .default(DEFAULT_SUBSCRIBER_FORECAST_INTERVAL_MS),
  // `vgac start`: the folder of the reference data it replays (default ../shared/data from the repository root).
  VGAC_SHARED_DATA: z.string().min(1).optional(),
  // Lambda: what template.yaml passes to every function, plus endpoint overrides for tests.
  POWERTOOLS_SERVICE_NAME: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,30}$/, 'a service name')
    .default(DEFAULT_SERVICE_NAME),
  POWERTOOLS_TRACE_ENABLED: booleanText.optional(),
  VGAC_ALERT_TOPIC_ARN: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^arn:[a-z-]+:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'an SNS topic ARN')
      .optional(),
  ),
  VGAC_API_KEY_PARAM: z.preprocess(emptyAsUndefined, parameterName),
  VGAC_SLACK_SIGNING_SECRET_PARAM: z.preprocess(emptyAsUndefined, parameterName),
  VGAC_SLACK_BOT_TOKEN_PARAM: z.preprocess(emptyAsUndefined, parameterName),
  VGAC_SLACK_ALERT_CHANNEL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[A-Z0-9]{8,12}$/, 'a Slack channel id')
      .optional(),
  ),
  VGAC_COLLECTOR: z.enum(COLLECTORS).default('none'),
  // Live Slurm. The JWT is a secret: VGAC_SLURM_JWT_PARAM names it in SSM on Lambda, VGAC_SLURM_JWT holds it locally.
  VGAC_SLURMRESTD_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  VGAC_SLURM_USER: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[a-z_][a-z0-9_.-]{0,31}$/, 'a Unix user name')
      .optional(),
  ),
  VGAC_SLURM_JWT_PARAM: z.preprocess(emptyAsUndefined, parameterName),
  VGAC_SLURM_JWT: z.preprocess(emptyAsUndefined, z.string().min(1).optional()),
  VGAC_SLURM_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+\.\d+$/, 'an OpenAPI plugin version such as v0.0.38')
    .default(DEFAULT_SLURM_API_VERSION),
  VGAC_COLLECT_INTERVAL_MS: z.coerce.number().int().min(500).max(600_000).default(DEFAULT_COLLECT_INTERVAL_MS),
  // The collector function: ms between passes within its one-minute EventBridge invocation.
  VGAC_LAMBDA_COLLECT_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(10_000)
    .max(60_000)
    .default(DEFAULT_LAMBDA_COLLECT_INTERVAL_MS),
  VGAC_SLURM_CLUSTER_ID: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'a cluster id')
    .default(DEFAULT_SLURM_CLUSTER_ID),
  // A VGAC platform API whose predictions the listed clusters wrap (VGAC_COLLECTOR=vgac-api). The key is a secret.
  VGAC_PLATFORM_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  VGAC_PLATFORM_API_KEY: z.preprocess(emptyAsUndefined, z.string().min(1).optional()),
  VGAC_PLATFORM_CLUSTERS: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .transform((text) =>
        text
          .split(',')
          .map((id) => id.trim())
          .filter((id) => id !== ''),
      )
      .pipe(
        z
          .array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'a cluster id'))
          .min(1, 'at least one cluster id'),
      )
      .optional(),
  ),
  // Async recompute: the SNS topic the API and collector functions hand due recomputes to.
  VGAC_RECOMPUTE_TOPIC_ARN: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^arn:[a-z-]+:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'an SNS topic ARN')
      .optional(),
  ),
  VGAC_SNS_ENDPOINT: optionalUrl,
  VGAC_SSM_ENDPOINT: optionalUrl,
  // The deployed Bedrock AgentCore Runtime the API and Slack functions run the agents in (template.yaml AgentRuntime).
  VGAC_AGENTCORE_RUNTIME_ARN: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(
        /^arn:[a-z-]+:bedrock-agentcore:[a-z0-9-]+:\d{12}:runtime\/[A-Za-z][A-Za-z0-9_-]{0,99}$/,
        'an AgentCore runtime ARN (arn:aws:bedrock-agentcore:<region>:<account>:runtime/<id>)',
      )
      .optional(),
  ),
  VGAC_AGENTCORE_QUALIFIER: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,100}$/, 'an endpoint name or version')
    .default(DEFAULT_AGENTCORE_QUALIFIER),
  VGAC_AGENTCORE_ENDPOINT: optionalUrl,
  // Lambda / AgentCore Runtime: the SSM parameter holding VGAC_PLATFORM_API_KEY, read at cold start.
  VGAC_PLATFORM_API_KEY_PARAM: z.preprocess(emptyAsUndefined, parameterName),
  // `vgac agent`: the XDG base directory its default spool goes under (~/.local/state when unset).
  XDG_STATE_HOME: z.preprocess(emptyAsUndefined, z.string().startsWith('/', 'an absolute path').optional()),
});

/** Every environment variable loadConfig reads (the template may set no other; scripts/check-infra checks it). */
export const CONFIG_VARIABLES: readonly string[] = Object.freeze(Object.keys(EnvSchema.shape));

export interface Config {
  readonly mode: Mode;
  readonly dataDir: string;
  readonly region: string;
  readonly table: string;
  readonly bucket: string;
  /** Set: use this endpoint instead of AWS's (embedded mode starts dynalite when unset). */
  readonly dynamoEndpoint: string | undefined;
  readonly s3Endpoint: string | undefined;
  readonly host: string;
  readonly httpPort: number;
  /** Required in the `x-api-key` header when set. Never logged. */
  readonly apiKey: string | undefined;
  readonly reasoner: 'offline' | 'bedrock';
  readonly bedrockModelId: string;
  readonly gate: GateConfig;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** The dashboard's origin when served from elsewhere: the only origin CORS answers; off when undefined. */
  readonly corsOrigin: string | undefined;
  /** Cluster for prediction requests that name none (VGAC clients). */
  readonly defaultClusterId: string | undefined;
  readonly bodyLimitBytes: number;
  /** Timeouts, attempts and circuit breakers of every DynamoDB and S3 call (aws-call-policy.ts AwsCallPolicy). */
  readonly callPolicy: {
    readonly timeoutMs: number;
    readonly maxAttempts: number;
    readonly breakerFailures: number;
    readonly breakerHalfOpenMs: number;
  };
  /** How old a calibration the serving path may use, ms (0: read on every request). */
  readonly calibrationMaxAgeMs: number;
  /** The shortest time between two fresh forecasts of one pending subscribed job, ms (0: every collector poll). */
  readonly subscriberForecastIntervalMs: number;
  /** Slack app settings; the Slack routes are off without a signing secret. Secrets never logged. */
  readonly slack: {
    readonly signingSecret: string | undefined;
    readonly botToken: string | undefined;
    readonly apiUrl: string;
    /** Channel that escalations with Approve / Reject buttons are posted to. */
    readonly channel: string | undefined;
    /** On Lambda: the SNS topic the Slack function hands its slow work to (and is subscribed to). */
    readonly taskTopicArn: string | undefined;
    /** Slack user ids allowed to approve or reject escalations; undefined → anyone in the workspace (a start-up warning says so). */
    readonly approvers: readonly string[] | undefined;
  };
  /** Agents. Model ids are checked by the model policy: Haiku default, never Opus. */ // policy-allow: opus-refusal
  readonly agents: {
    readonly bedrockEndpoint: string | undefined;
    /** Bedrock control-plane endpoint override (`vgac doctor`); AWS's regional endpoint when undefined. */
    readonly bedrockControlEndpoint: string | undefined;
    readonly complexModelId: string;
    readonly observeTimeoutMs: number;
  };
  /** XDG_STATE_HOME: where `vgac agent` keeps its spool by default (under `vgac/agent/`); undefined: `~/.local/state`. */
  readonly stateHome?: string;
  /** Folder of the reference data (`vgac start`, `replay`, `versus-slurm` defaults); undefined: `../shared/data` from the repository root (shared-data-dir.ts). */
  readonly sharedDataDir?: string;
  /** Lambda: the deployed functions' settings. Secrets are parameter names, never values. */
  readonly lambda: {
    readonly serviceName: string;
    /** X-Ray tracing; default on in AWS mode, off embedded (POWERTOOLS_TRACE_ENABLED). */
    readonly tracingEnabled: boolean;
    readonly alertTopicArn: string | undefined;
    readonly parameters: {
      readonly apiKey: string | undefined;
      readonly slackSigningSecret: string | undefined;
      readonly slackBotToken: string | undefined;
    };
    /** Slack channel id alerts are posted to; undefined: no Slack alerts. */
    readonly slackAlertChannel: string | undefined;
    readonly collector: CollectorSource;
    /** The collector function's poll period within its one-minute invocation, ms (10,000–60,000). */
    readonly collectIntervalMs: number;
    /** SNS topic a due recompute is published to (the Recalibrate function subscribes); undefined: the recompute runs inline. */
    readonly recomputeTopicArn: string | undefined;
    /** Endpoint overrides (loopback servers in tests); AWS's regional endpoints when undefined. */
    readonly snsEndpoint: string | undefined;
    readonly ssmEndpoint: string | undefined;
  };
  /** A VGAC platform API the listed clusters' predictions wrap (VGAC_COLLECTOR=vgac-api). The key is never logged. */
  readonly platform: {
    readonly url: string | undefined;
    readonly apiKey: string | undefined;
    /** SSM parameter holding the key (Lambda, AgentCore Runtime). */
    readonly apiKeyParameter: string | undefined;
    readonly clusterIds: readonly string[];
  };
  /** The deployed Bedrock AgentCore Runtime; undefined: the agents run in this process. */
  readonly agentCore: {
    readonly runtimeArn: string | undefined;
    readonly qualifier: string;
    /** Data-plane endpoint override (tests use a loopback server). */
    readonly endpoint: string | undefined;
  };
  /** A live Slurm to collect from: VGAC_COLLECTOR `slurmrestd` or `slurm-cli`. The JWT is never logged. */
  readonly slurm: {
    readonly restUrl: string | undefined;
    readonly user: string | undefined;
    /** SSM parameter holding the JWT (Lambda). */
    readonly jwtParameter: string | undefined;
    /** The JWT itself (local runs). */
    readonly jwt: string | undefined;
    readonly apiVersion: string;
    /** Capture poll period, ms. */
    readonly collectIntervalMs: number;
    readonly clusterId: string;
  };
}

/**
 * Reads and validates the environment: `process.env` unless `env` is given (tests); callers that
 * only add overrides (CLI flags) pass `undefined` for it — no other module reads `process.env`
 * (eslint enforces it). Throws one InvalidInputError listing every bad variable (names and
 * reasons, never values).
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  overrides: Partial<Config> = {},
): Config {
  // Parsed once per process: zod's JIT (a `new Function` parser generated on an object schema's
  // first parse) would cost more to compile than the one parse it speeds up, on every cold start.
  const parsed = EnvSchema.safeParse(env, { jitless: true });
  const problems: string[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  let gate: GateConfig | undefined;
  if (parsed.success) {
    try {
      gate = parseGateConfig(
        parsed.data.VGAC_GATE_CONFIG === undefined ? {} : (JSON.parse(parsed.data.VGAC_GATE_CONFIG) as unknown),
      );
    } catch (error) {
      problems.push(`VGAC_GATE_CONFIG: ${error instanceof Error ? error.message : String(error)}`);
    }
    try {
      modelPolicy(parsed.data.VGAC_BEDROCK_MODEL_ID, parsed.data.VGAC_BEDROCK_COMPLEX_MODEL_ID);
    } catch (error) {
      problems.push(
        `VGAC_BEDROCK_MODEL_ID / VGAC_BEDROCK_COMPLEX_MODEL_ID: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  // API-key auth is on by default when deployed: an AWS stage must set a key or opt out explicitly.
  if (parsed.success) {
    const authOn = parsed.data.VGAC_API_AUTH ?? (parsed.data.VGAC_MODE === 'aws' ? 'on' : 'off');
    // On Lambda the key comes from SSM Parameter Store (VGAC_API_KEY_PARAM), never from the environment.
    if (authOn === 'on' && parsed.data.VGAC_API_KEY === undefined && parsed.data.VGAC_API_KEY_PARAM === undefined) {
      problems.push(
        'VGAC_API_KEY: required while API auth is on (set VGAC_API_KEY_PARAM on Lambda, or VGAC_API_AUTH=off to open the API)',
      );
    }
  }
  // slurmrestd needs where, as whom and a token (from SSM on Lambda, from the environment locally).
  if (parsed.success && parsed.data.VGAC_COLLECTOR === 'slurmrestd') {
    if (parsed.data.VGAC_SLURMRESTD_URL === undefined)
      problems.push('VGAC_SLURMRESTD_URL: required with VGAC_COLLECTOR=slurmrestd');
    if (parsed.data.VGAC_SLURM_USER === undefined)
      problems.push('VGAC_SLURM_USER: required with VGAC_COLLECTOR=slurmrestd');
    if (parsed.data.VGAC_SLURM_JWT === undefined && parsed.data.VGAC_SLURM_JWT_PARAM === undefined) {
      problems.push(
        'VGAC_SLURM_JWT: required with VGAC_COLLECTOR=slurmrestd (or VGAC_SLURM_JWT_PARAM, its SSM parameter, on Lambda)',
      );
    }
  }
  // A platform wrapper needs where the platform is and which clusters it serves.
  if (parsed.success && parsed.data.VGAC_COLLECTOR === 'vgac-api') {
    if (parsed.data.VGAC_PLATFORM_URL === undefined)
      problems.push('VGAC_PLATFORM_URL: required with VGAC_COLLECTOR=vgac-api');
    if (parsed.data.VGAC_PLATFORM_CLUSTERS === undefined)
      problems.push(
        'VGAC_PLATFORM_CLUSTERS: required with VGAC_COLLECTOR=vgac-api (the cluster ids the platform predicts for)',
      );
  }
  if (!parsed.success || gate === undefined || problems.length > 0) {
    throw new InvalidInputError(`bad configuration — ${problems.join('; ')}`);
  }
  const values = parsed.data;
  return Object.freeze({
    mode: values.VGAC_MODE,
    dataDir: values.VGAC_DATA_DIR,
    region: values.AWS_REGION,
    table: values.VGAC_TABLE,
    bucket: values.VGAC_BUCKET,
    dynamoEndpoint: values.VGAC_DYNAMODB_ENDPOINT,
    s3Endpoint: values.VGAC_S3_ENDPOINT,
    host: values.VGAC_HOST,
    httpPort: values.VGAC_HTTP_PORT,
    apiKey: values.VGAC_API_KEY,
    reasoner: values.VGAC_REASONER,
    bedrockModelId: values.VGAC_BEDROCK_MODEL_ID,
    gate,
    logLevel: values.VGAC_LOG_LEVEL,
    corsOrigin: values.VGAC_CORS_ORIGIN,
    defaultClusterId: values.VGAC_DEFAULT_CLUSTER,
    bodyLimitBytes: values.VGAC_BODY_LIMIT_BYTES,
    callPolicy: Object.freeze({
      timeoutMs: values.VGAC_AWS_TIMEOUT_MS,
      maxAttempts: values.VGAC_AWS_MAX_ATTEMPTS,
      breakerFailures: values.VGAC_BREAKER_FAILURES,
      breakerHalfOpenMs: values.VGAC_BREAKER_HALF_OPEN_MS,
    }),
    calibrationMaxAgeMs: values.VGAC_CALIBRATION_MAX_AGE_MS,
    subscriberForecastIntervalMs: values.VGAC_SUBSCRIBER_FORECAST_INTERVAL_MS,
    slack: Object.freeze({
      signingSecret: values.VGAC_SLACK_SIGNING_SECRET,
      botToken: values.VGAC_SLACK_BOT_TOKEN,
      apiUrl: values.VGAC_SLACK_API_URL,
      channel: values.VGAC_SLACK_CHANNEL,
      taskTopicArn: values.VGAC_SLACK_TASK_TOPIC_ARN,
      approvers:
        values.VGAC_SLACK_APPROVERS === undefined ? undefined : Object.freeze([...values.VGAC_SLACK_APPROVERS]),
    }),
    agents: Object.freeze({
      bedrockEndpoint: values.VGAC_BEDROCK_ENDPOINT,
      bedrockControlEndpoint: values.VGAC_BEDROCK_CONTROL_ENDPOINT,
      complexModelId: values.VGAC_BEDROCK_COMPLEX_MODEL_ID,
      observeTimeoutMs: values.VGAC_OBSERVE_TIMEOUT_MS,
    }),
    ...(values.VGAC_SHARED_DATA === undefined ? {} : { sharedDataDir: values.VGAC_SHARED_DATA }),
    ...(values.XDG_STATE_HOME === undefined ? {} : { stateHome: values.XDG_STATE_HOME }),
    lambda: Object.freeze({
      serviceName: values.POWERTOOLS_SERVICE_NAME,
      tracingEnabled: values.POWERTOOLS_TRACE_ENABLED ?? values.VGAC_MODE === 'aws',
      alertTopicArn: values.VGAC_ALERT_TOPIC_ARN,
      parameters: Object.freeze({
        apiKey: values.VGAC_API_KEY_PARAM,
        slackSigningSecret: values.VGAC_SLACK_SIGNING_SECRET_PARAM,
        slackBotToken: values.VGAC_SLACK_BOT_TOKEN_PARAM,
      }),
      slackAlertChannel: values.VGAC_SLACK_ALERT_CHANNEL,
      collector: values.VGAC_COLLECTOR,
      collectIntervalMs: values.VGAC_LAMBDA_COLLECT_INTERVAL_MS,
      recomputeTopicArn: values.VGAC_RECOMPUTE_TOPIC_ARN,
      snsEndpoint: values.VGAC_SNS_ENDPOINT,
      ssmEndpoint: values.VGAC_SSM_ENDPOINT,
    }),
    platform: Object.freeze({
      url: values.VGAC_PLATFORM_URL,
      apiKey: values.VGAC_PLATFORM_API_KEY,
      apiKeyParameter: values.VGAC_PLATFORM_API_KEY_PARAM,
      clusterIds: Object.freeze([...(values.VGAC_PLATFORM_CLUSTERS ?? [])]),
    }),
    agentCore: Object.freeze({
      runtimeArn: values.VGAC_AGENTCORE_RUNTIME_ARN,
      qualifier: values.VGAC_AGENTCORE_QUALIFIER,
      endpoint: values.VGAC_AGENTCORE_ENDPOINT,
    }),
    slurm: Object.freeze({
      restUrl: values.VGAC_SLURMRESTD_URL,
      user: values.VGAC_SLURM_USER,
      jwtParameter: values.VGAC_SLURM_JWT_PARAM,
      jwt: values.VGAC_SLURM_JWT,
      apiVersion: values.VGAC_SLURM_API_VERSION,
      collectIntervalMs: values.VGAC_COLLECT_INTERVAL_MS,
      clusterId: values.VGAC_SLURM_CLUSTER_ID,
    }),
    ...overrides,
  });
}

/** What is safe to log about the configuration: everything but secrets. */
export function describeConfig(config: Config): Record<string, unknown> {
  const { apiKey, slack, slurm, platform, ...rest } = config;
  return {
    ...rest,
    platform: { ...platform, apiKey: platform.apiKey === undefined ? 'off' : 'set' },
    slurm: { ...slurm, jwt: slurm.jwt === undefined ? 'off' : 'set' },
    apiKey: apiKey === undefined ? 'off' : 'set',
    slack: {
      apiUrl: slack.apiUrl,
      channel: slack.channel,
      signingSecret: slack.signingSecret === undefined ? 'off' : 'set',
      botToken: slack.botToken === undefined ? 'off' : 'set',
    },
  };
}

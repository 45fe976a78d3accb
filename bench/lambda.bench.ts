/**
 * Lambda bundles: size and cold start. Builds every function in scripts/lambda-functions.ts with
 * the real build (scripts/build-lambdas.ts → esbuild, `@aws-sdk/*` external as on nodejs24.x)
 * into a temp directory, then for each bundle starts a fresh `node` process that imports it and
 * runs its first invocation with a fixture event against a running dynalite + s3rver.
 * Reported per function:
 * - `lambda bundle <name>` in KB beside the trivial "hello" bundle: every file deployed (entry +
 *   chunks loaded on first use);
 * - `lambda cold start <name>` = import + first invocation in ms (median of COLD_START_RUNS fresh
 *   processes; process start-up itself excluded), against a trivial "hello" bundle built and
 *   started the same way;
 * - `lambda cold start api vs SDK clients + one GetItem`: the API function against a bare handler
 *   creating the same SDK clients and doing one GetItem (target ≤ 1.3×), the two started in turn
 *   (PAIRED_RUNS pairs, medians), in wall time and in the child's CPU time (user + system, which
 *   other load on the machine disturbs far less than wall time); and beside a bare handler with
 *   the DynamoDB client alone, the only SDK client the API function builds at cold start; and,
 *   against that one, `lambda cold start api, one-GetItem route`: the API serving a request whose
 *   storage work is the yardstick's own (one GetItem of the same CALIBRATION item); every API run
 *   must be answered 200;
 * - `lambda cold start api, X-Ray tracing on (as deployed)`: the same API function with tracing on
 *   in a Lambda-like environment (template.yaml sets `Tracing: Active`, and tracing defaults on in
 *   AWS mode: Powertools' tracer loads the X-Ray SDK and traces the DynamoDB client; segments go
 *   to a daemon address nothing listens on, as UDP), beside itself with tracing off, in the same pairs.
 * Functions whose entry file does not exist are reported on stderr and skipped; so is the AgentCore
 * code publisher, which runs only during a deploy.
 *
 * Run alone: `node --import tsx bench/lambda.bench.ts`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { createLearningDeps } from '../src/app/learning/learning-deps.ts';
import { registerCluster } from '../src/app/learning/register-cluster.ts';
import { ensureTable } from '../src/adapters/dynamodb/table-definition.ts';
import { ensureBucket, S3BundleStore } from '../src/adapters/s3/s3-bundle-store.ts';
import { dynamoLearningStores } from '../src/entry/learning-stores.ts';
import { DEFAULT_GATE_CONFIG } from '../src/core/gating/gate-config.ts';
import type { ModelBundle } from '../src/core/model/bundle.ts';
import { createAwsClients } from '../src/entry/aws-clients.ts';
import { startEmbeddedAws } from '../src/entry/local/embedded-aws.ts';
import { buildLambdas, esbuildOptionsFor } from '../scripts/build-lambdas.ts';
import { LAMBDA_FUNCTIONS, type LambdaFunction } from '../scripts/lambda-functions.ts';
import type { BenchResult } from './types.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'events');
/** Fresh processes per function; the median is reported. */
export const COLD_START_RUNS = 3;
/** API / bare-handler pairs started in turn for the cold-start ratio. */
export const PAIRED_RUNS = 7;

/**
 * The environment Lambda gives a function with active tracing, as far as Powertools' tracer and
 * the X-Ray SDK read it: the tracer turns itself on only inside Lambda (AWS_EXECUTION_ENV) and
 * needs the invocation's trace header; segments are sent by UDP to the daemon address.
 */
const AS_DEPLOYED_TRACING: Readonly<Record<string, string>> = {
  POWERTOOLS_TRACE_ENABLED: 'true',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  AWS_LAMBDA_FUNCTION_NAME: 'api',
  // The X-Ray SDK's Lambda mode: a facade segment per invocation from _X_AMZN_TRACE_ID.
  LAMBDA_TASK_ROOT: '/var/task',
  _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
  AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
  AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
};
const CHILD_TIMEOUT_MS = 20_000;
const TABLE = 'vgac-lambda-bench';
const BUCKET = 'vgac-lambda-bench';
const CLUSTER = 'bench-cluster';

const HELLO_SOURCE = 'export const handler = async (event) => ({ ok: true, keys: Object.keys(event ?? {}).length });\n';

/**
 * The API function's yardstick: a bare handler that creates the same SDK clients (DynamoDB with
 * the document client, S3) from the same environment and does one GetItem — what any handler
 * reading the table pays before our code does anything.
 */
const BARE_SDK_SOURCE = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
const region = process.env.AWS_REGION;
const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({ region, endpoint: process.env.VGAC_DYNAMODB_ENDPOINT }));
const s3 = new S3Client({ region, endpoint: process.env.VGAC_S3_ENDPOINT, forcePathStyle: true });
export const handler = async () => {
  const item = await dynamo.send(new GetCommand({ TableName: process.env.VGAC_TABLE, Key: { PK: 'CLUSTER#bench-cluster', SK: 'CALIBRATION' } }));
  return { statusCode: 200, body: JSON.stringify({ found: item.Item !== undefined, s3: typeof s3.send }) };
};
`;

/**
 * The same without S3: the clients the API function builds at cold start (its S3 client is built
 * on the first S3 call, lazy-s3-bundle-store.ts), a second yardstick beside the one above.
 */
const BARE_DYNAMO_SOURCE = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
const region = process.env.AWS_REGION;
const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({ region, endpoint: process.env.VGAC_DYNAMODB_ENDPOINT }));
export const handler = async () => {
  const item = await dynamo.send(new GetCommand({ TableName: process.env.VGAC_TABLE, Key: { PK: 'CLUSTER#bench-cluster', SK: 'CALIBRATION' } }));
  return { statusCode: 200, body: JSON.stringify({ found: item.Item !== undefined }) };
};
`;

/** A one-feature prior (P = sigmoid(2x − 2)), enough for the workflow tasks to do real work. */
const PRIOR: ModelBundle = {
  schemaVersion: 1,
  bundleId: 'lambda-bench-prior',
  training: { source: 'bench', dataHash: '0'.repeat(64), rows: 0, positives: 0, labelThresholdSeconds: 600 },
  numericFeatures: ['x'],
  categoricalFeatures: [],
  scaler: { means: [0], scales: [1] },
  classifier: { kind: 'logistic', weights: [2], intercept: -2, l2: 1 },
  calibrator: { kind: 'platt', slope: 1, intercept: 0 },
  waitModel: null,
  metrics: {},
};

function apiGatewayEvent(method: string, path: string, query = ''): Record<string, unknown> {
  // API Gateway HTTP API payload format 2.0 (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html)
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: query,
    headers: { 'content-type': 'application/json', host: 'example.execute-api.us-east-1.amazonaws.com' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api-id',
      domainName: 'example.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'example',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'bench' },
      requestId: 'bench-request',
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: '05/Jan/2026:09:00:00 +0000',
      timeEpoch: 1767603600000,
    },
    isBase64Encoded: false,
  };
}

/**
 * A first request whose storage work is the bare handlers' own (one GetItem of the cluster's
 * CALIBRATION item, through the calibration cache), so that the comparison is of everything else.
 */
const ONE_READ_EVENT = apiGatewayEvent('GET', '/api/jobs/predict/calibration', `cluster_id=${CLUSTER}`);

/** The first invocation's event per function. */
async function eventFor(name: string): Promise<unknown> {
  const fixture = async (file: string): Promise<unknown> =>
    JSON.parse(await readFile(join(FIXTURES, file), 'utf8')) as unknown;
  switch (name) {
    case 'check-drift':
    case 'collector':
      return fixture('eventbridge-scheduled.json');
    case 'recalibrate':
    case 'update-profile':
      return { clusterId: CLUSTER, recalibrate: true, notify: false, scope: 'learning' };
    case 'notify':
      return fixture('sfn-notify-cluster-failure.json');
    case 'alerts':
      return fixture('sns-notification.json');
    case 'api':
      return apiGatewayEvent('GET', '/api/clusters');
    case 'slack':
      return apiGatewayEvent('POST', '/slack/commands');
    default:
      return {};
  }
}

const CHILD_SCRIPT = `
const { performance } = await import('node:perf_hooks');
const { pathToFileURL } = await import('node:url');
const { bundle, event, name } = JSON.parse(process.env.VGAC_BENCH_INPUT);
const context = { functionName: name, functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:' + name, memoryLimitInMB: '256', awsRequestId: 'bench-' + name, logGroupName: '/aws/lambda/' + name, logStreamName: 'bench', callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => 30000 };
const cpuStart = process.cpuUsage();
const started = performance.now();
const module = await import(pathToFileURL(bundle).href);
const imported = performance.now();
let ok = true;
let status;
try { status = (await module.handler(event, context))?.statusCode; } catch { ok = false; }
const invoked = performance.now();
const cpu = process.cpuUsage(cpuStart);
process.stdout.write('\\nVGAC_BENCH ' + JSON.stringify({ importMs: imported - started, invocationMs: invoked - imported, cpuMs: (cpu.user + cpu.system) / 1000, ok, status }) + '\\n');
process.exit(0);
`;

interface ColdStart {
  readonly importMs: number;
  readonly invocationMs: number;
  /** The child's CPU time (user + system, all threads) over import + first invocation. */
  readonly cpuMs: number;
  readonly ok: boolean;
  /** The first invocation's HTTP status, for handlers that answer HTTP events. */
  readonly status?: number;
}

function runChild(
  bundle: string,
  name: string,
  event: unknown,
  env: Readonly<Record<string, string>>,
): Promise<ColdStart> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD_SCRIPT], {
      env: { PATH: process.env['PATH'] ?? '', ...env, VGAC_BENCH_INPUT: JSON.stringify({ bundle, event, name }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.on('close', () => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((text) => text.startsWith('VGAC_BENCH '));
      if (line === undefined) {
        reject(
          new Error(
            `cold start of ${name} produced no measurement: ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
          ),
        );
        return;
      }
      resolvePromise(JSON.parse(line.slice('VGAC_BENCH '.length)) as ColdStart);
    });
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

async function coldStart(
  bundle: string,
  name: string,
  event: unknown,
  env: Readonly<Record<string, string>>,
): Promise<{ ms: number; ok: boolean }> {
  const runs: ColdStart[] = [];
  for (let run = 0; run < COLD_START_RUNS; run += 1) runs.push(await runChild(bundle, name, event, env));
  return { ms: median(runs.map((run) => run.importMs + run.invocationMs)), ok: runs.every((run) => run.ok) };
}

export async function benchLambda(): Promise<BenchResult[]> {
  const workDirectory = await mkdtemp(join(tmpdir(), 'vgac-lambda-bench-'));
  const embedded = await startEmbeddedAws({ dataDir: join(workDirectory, 'data'), dynamoPort: 0, s3Port: 0 });
  const clients = createAwsClients({
    region: 'us-east-1',
    dynamoEndpoint: embedded.dynamoEndpoint,
    s3Endpoint: embedded.s3Endpoint,
  });
  try {
    const outDirectory = join(workDirectory, 'lambda');
    // The nodejs22.x runtime provides @aws-sdk/*: here the repository's node_modules stands in for it.
    await symlink(join(ROOT, 'node_modules'), join(workDirectory, 'node_modules'), 'dir');

    // The AgentCore code publisher runs only during a deploy (bench/agentcore.bench.ts measures the runtime it publishes).
    const present = LAMBDA_FUNCTIONS.filter(
      (fn) => fn.carriesAgentCoreZip !== true && existsSync(join(ROOT, fn.entry)),
    );
    for (const fn of LAMBDA_FUNCTIONS.filter((candidate) => !present.includes(candidate))) {
      const reason = fn.carriesAgentCoreZip === true ? 'runs only during a deploy' : `${fn.entry} does not exist`;
      process.stderr.write(`lambda bench: ${fn.name} skipped — ${reason}\n`);
    }
    const reports = await buildLambdas(present, ROOT, outDirectory);

    /** Builds a baseline handler from `source` the way the real functions are built; returns its bundle. */
    const buildBaseline = async (name: string, logicalId: string, source: string): Promise<string> => {
      const entry = join(workDirectory, `${name}.mjs`);
      await writeFile(entry, source);
      const fn: LambdaFunction = { logicalId, name, entry, trigger: 'bench baseline' };
      await mkdir(join(outDirectory, name), { recursive: true });
      await build(esbuildOptionsFor(fn, ROOT, outDirectory));
      return join(outDirectory, name, 'index.mjs');
    };
    const helloBundle = await buildBaseline('hello', 'HelloFunction', HELLO_SOURCE);
    const helloBytes = (await stat(helloBundle)).size;
    const bareBundle = await buildBaseline('bare-sdk', 'BareSdkFunction', BARE_SDK_SOURCE);
    const bareDynamoBundle = await buildBaseline('bare-dynamo', 'BareDynamoFunction', BARE_DYNAMO_SOURCE);

    await ensureTable(clients.dynamo, TABLE);
    await ensureBucket(clients.s3, BUCKET);
    const learning = createLearningDeps({
      ...dynamoLearningStores(clients.dynamo, TABLE),
      bundles: new S3BundleStore({ client: clients.s3, bucket: BUCKET }),
      gate: DEFAULT_GATE_CONFIG,
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    await registerCluster(learning, {
      clusterId: CLUSTER,
      prior: PRIOR,
      platform: 'slurm',
      nowMs: Date.UTC(2026, 0, 5),
    });

    const env = {
      VGAC_MODE: 'aws',
      AWS_REGION: 'us-east-1',
      VGAC_TABLE: TABLE,
      VGAC_BUCKET: BUCKET,
      VGAC_DYNAMODB_ENDPOINT: embedded.dynamoEndpoint,
      VGAC_S3_ENDPOINT: embedded.s3Endpoint,
      VGAC_API_AUTH: 'off',
      VGAC_COLLECTOR: 'none',
      POWERTOOLS_SERVICE_NAME: 'vgac',
      POWERTOOLS_METRICS_NAMESPACE: 'Vgac',
      POWERTOOLS_TRACE_ENABLED: 'false',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      // The Slack function refuses to start without them (its task topic is only published to on a signed command).
      VGAC_SLACK_SIGNING_SECRET: 'lambda-bench-signing-secret-0123',
      VGAC_SLACK_TASK_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:vgac-lambda-bench-tasks',
    };
    const helloStart = await coldStart(helloBundle, 'hello', {}, env);
    const results: BenchResult[] = [];
    for (const report of reports) {
      results.push({
        name: `lambda bundle ${report.name}`,
        value: report.bytes / 1024,
        unit: 'KB',
        baseline: { name: 'hello bundle', value: helloBytes / 1024 },
      });
    }
    for (const report of reports) {
      let measured: { ms: number; ok: boolean };
      try {
        measured = await coldStart(
          join(outDirectory, report.name, 'index.mjs'),
          report.name,
          await eventFor(report.name),
          env,
        );
      } catch (error) {
        // A bundle that cannot even start is reported, not measured; the other functions still are.
        process.stderr.write(
          `lambda bench: ${report.name} did not start — ${error instanceof Error ? error.message : String(error)}\n`,
        );
        continue;
      }
      if (!measured.ok)
        process.stderr.write(`lambda bench: ${report.name}'s first invocation threw (its time is still reported)\n`);
      results.push({
        name: `lambda cold start ${report.name}`,
        value: measured.ms,
        unit: 'ms',
        baseline: { name: 'hello bundle', value: helloStart.ms },
      });
      if (report.name === 'api') {
        // Target: ≤ 1.3× a bare handler with the same SDK clients and one GetItem.
        const api: ColdStart[] = [];
        const bareRuns: ColdStart[] = [];
        const bareDynamoRuns: ColdStart[] = [];
        const tracedRuns: ColdStart[] = [];
        const oneReadRuns: ColdStart[] = [];
        for (let pair = 0; pair < PAIRED_RUNS; pair += 1) {
          api.push(
            await runChild(join(outDirectory, report.name, 'index.mjs'), report.name, await eventFor('api'), env),
          );
          oneReadRuns.push(
            await runChild(join(outDirectory, report.name, 'index.mjs'), report.name, ONE_READ_EVENT, env),
          );
          tracedRuns.push(
            await runChild(join(outDirectory, report.name, 'index.mjs'), report.name, await eventFor('api'), {
              ...env,
              ...AS_DEPLOYED_TRACING,
            }),
          );
          bareRuns.push(await runChild(bareBundle, 'bare-sdk', {}, env));
          bareDynamoRuns.push(await runChild(bareDynamoBundle, 'bare-dynamo', {}, env));
        }
        // A failed request (or a throw: no status) costs less than a served one: every API run must be answered 200.
        for (const [label, runs] of [
          ['GET /api/clusters', api],
          ['GET /api/jobs/predict/calibration', oneReadRuns],
          ['GET /api/clusters with tracing on', tracedRuns],
        ] as const) {
          const statuses = [...new Set(runs.map((run) => run.status))];
          if (statuses.some((status) => status !== 200))
            throw new Error(`lambda bench: the API answered ${label} with ${statuses.join(', ')}, not 200`);
        }
        const wall = (runs: readonly ColdStart[]): number => median(runs.map((run) => run.importMs + run.invocationMs));
        const cpu = (runs: readonly ColdStart[]): number => median(runs.map((run) => run.cpuMs));
        // The API beside a yardstick, in wall time and in the child's CPU time.
        const beside = (label: string, baseline: string, runs: readonly ColdStart[]): BenchResult[] => [
          {
            name: `lambda cold start api vs ${label}`,
            value: wall(api),
            unit: 'ms',
            baseline: { name: baseline, value: wall(runs) },
          },
          {
            name: `lambda cold start api vs ${label}, CPU`,
            value: cpu(api),
            unit: 'ms',
            baseline: { name: baseline, value: cpu(runs) },
          },
        ];
        results.push(
          ...beside('SDK clients + one GetItem', 'bare SDK handler', bareRuns),
          ...beside('DynamoDB client + one GetItem', 'bare DynamoDB handler', bareDynamoRuns),
          {
            name: 'lambda cold start api, one-GetItem route, vs DynamoDB client + one GetItem, CPU',
            value: cpu(oneReadRuns),
            unit: 'ms',
            baseline: { name: 'bare DynamoDB handler', value: cpu(bareDynamoRuns) },
          },
          {
            name: 'lambda cold start api, X-Ray tracing on (as deployed), CPU',
            value: cpu(tracedRuns),
            unit: 'ms',
            baseline: { name: 'the API with tracing off', value: cpu(api) },
          },
        );
      }
    }
    return results;
  } finally {
    clients.destroy();
    await embedded.stop();
    await rm(workDirectory, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  for (const result of await benchLambda()) {
    process.stdout.write(
      `${result.name.padEnd(34)} ${result.value.toFixed(1).padStart(9)} ${result.unit}  (${result.baseline?.name ?? ''} ${result.baseline?.value.toFixed(1) ?? ''})\n`,
    );
  }
}

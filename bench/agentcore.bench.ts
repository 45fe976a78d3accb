/**
 * What one agent question costs the AgentCore Runtime, measured: the runtime's built code
 * (dist/agentcore/index.js) runs in its own process on dynalite/s3rver, exactly as the runtime
 * starts it; after a warm-up, N `POST /invocations` (one observe→predict→decide each, the offline
 * reasoner: a model call is I/O wait, which AgentCore does not bill as CPU) are sent one at a
 * time. Reported: the CPU seconds the process spent starting (each new session's microVM spends
 * them), the process's own CPU seconds per invocation (/proc/<pid>/stat: what AgentCore
 * bills as active vCPU time), its peak resident memory (/proc/<pid>/status VmHWM: what it bills
 * as memory) and the wall time per invocation (how long a session is busy).
 * `vgac cost`'s AgentCore defaults (src/core/budget/default-usage.ts) are these numbers.
 *
 * usage: node --import tsx bench/agentcore.bench.ts [--invocations N]
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { predictJob } from '../src/app/learning/predict-job.ts';
import { registerCluster } from '../src/app/learning/register-cluster.ts';
import { ensureTable } from '../src/adapters/dynamodb/table-definition.ts';
import { ensureBucket } from '../src/adapters/s3/s3-bundle-store.ts';
import { loadConfig } from '../src/entry/config.ts';
import { createLambdaRuntime } from '../src/entry/lambda/lambda-runtime.ts';
import { buildAgentCore } from '../scripts/build-lambdas.ts';
import { startAgentCoreRuntimeProcess } from '../test/support/agentcore-runtime-process.ts';
import { startTestAws, uniqueName } from '../test/support/embedded-aws.ts';
import { featuresFor, KNOWN_CLUSTER } from '../test/support/http-stack.ts';
import { sampleBundle } from '../test/support/storage-fixtures.ts';
import type { BenchResult } from './types.ts';

const REPOSITORY = join(import.meta.dirname, '..');
const WARM_UP_INVOCATIONS = 20;
export const DEFAULT_MEASURED_INVOCATIONS = 200;

export async function benchAgentCore(invocations = DEFAULT_MEASURED_INVOCATIONS): Promise<BenchResult[]> {
  const aws = await startTestAws();
  await mkdir(join(REPOSITORY, 'node_modules/.cache'), { recursive: true });
  const buildDirectory = await mkdtemp(join(REPOSITORY, 'node_modules/.cache/agentcore-bench-'));
  try {
    const table = uniqueName('agentcore-bench');
    const bucket = uniqueName('agentcore-bench');
    await ensureTable(aws.clients.dynamo, table);
    await ensureBucket(aws.clients.s3, bucket);
    const environment = {
      VGAC_MODE: 'aws',
      VGAC_API_AUTH: 'off',
      VGAC_TABLE: table,
      VGAC_BUCKET: bucket,
      VGAC_DYNAMODB_ENDPOINT: aws.dynamoEndpoint,
      VGAC_S3_ENDPOINT: aws.s3Endpoint,
      VGAC_REASONER: 'offline',
      POWERTOOLS_TRACE_ENABLED: 'false',
      VGAC_LOG_LEVEL: 'warn',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDAGENTCOREBENCH',
      AWS_SECRET_ACCESS_KEY: 'agentcore-bench',
    };
    const runtime = await createLambdaRuntime(loadConfig({ ...environment, VGAC_LOG_LEVEL: 'silent' }));
    await registerCluster(runtime.learning, {
      clusterId: KNOWN_CLUSTER,
      prior: sampleBundle(),
      platform: 'kubernetes',
      nowMs: Date.now() - 60_000,
    });
    await predictJob(runtime.learning, {
      clusterId: KNOWN_CLUSTER,
      jobId: 'collected-bench',
      features: featuresFor({ gpus: 2 }),
      nowMs: Date.now() - 1_000,
    });
    await runtime.close();

    const artifact = await buildAgentCore(REPOSITORY, join(buildDirectory, 'agentcore'));
    // The server logs `agentcore.listening` at info; the rest of its logging stays at warn.
    const agentCore = await startAgentCoreRuntimeProcess(artifact.directory, {
      ...environment,
      VGAC_LOG_LEVEL: 'info',
    });
    // Loading the bundle and building the clients: what each new session's microVM spends before its first invocation.
    const startUpCpuSeconds = await agentCore.cpuSeconds();
    try {
      const invoke = async (index: number): Promise<void> => {
        const response = await fetch(`${agentCore.url}/invocations`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-amzn-bedrock-agentcore-runtime-session-id': `bench-session-${'0'.repeat(40)}`,
          },
          body: JSON.stringify({ clusterId: KNOWN_CLUSTER, jobId: `bench-${index}`, job: { gpus: 1 + (index % 8) } }),
        });
        if (response.status !== 200) throw new Error(`invocation ${index} answered ${response.status}`);
        await response.arrayBuffer();
      };
      for (let index = 0; index < WARM_UP_INVOCATIONS; index += 1) await invoke(index);
      const cpuBefore = await agentCore.cpuSeconds();
      const startedMs = performance.now();
      for (let index = 0; index < invocations; index += 1) await invoke(WARM_UP_INVOCATIONS + index);
      const wallMs = performance.now() - startedMs;
      const cpuSeconds = (await agentCore.cpuSeconds()) - cpuBefore;
      const peakRssBytes = await agentCore.peakRssBytes();
      return [
        { name: 'agentcore: start-up CPU per session', value: startUpCpuSeconds, unit: 's' },
        { name: 'agentcore: active CPU per invocation', value: cpuSeconds / invocations, unit: 's' },
        { name: 'agentcore: peak resident memory', value: peakRssBytes / 2 ** 20, unit: 'MiB' },
        { name: 'agentcore: wall time per invocation', value: wallMs / invocations, unit: 'ms' },
        { name: 'agentcore: code zip', value: artifact.zipBytes / 1024, unit: 'KB' },
      ];
    } finally {
      await agentCore.stop();
    }
  } finally {
    await aws.stop();
    await rm(buildDirectory, { recursive: true, force: true });
  }
}

// Run only as a script, not when bench/run.ts imports the module.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values } = parseArgs({ options: { invocations: { type: 'string' } }, strict: true });
  const results = await benchAgentCore(values.invocations === undefined ? undefined : Number(values.invocations));
  for (const result of results)
    process.stdout.write(`${result.name.padEnd(42)} ${result.value.toPrecision(4)} ${result.unit}\n`);
}

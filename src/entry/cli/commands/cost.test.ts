import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoBudgetLedger } from '../../../adapters/dynamodb/dynamo-budget-ledger.ts';
import { BudgetComponent } from '../../../core/budget/budget-allocation.ts';
import { loadConfig } from '../../config.ts';
import { createRuntime } from '../../runtime.ts';
import { runVgacWithEnv, type VgacRun } from '../../../../test/support/run-vgac.ts';

/** Where `vgac cost` finds its budget ledger (an embedded store): each test's own. */
let dataDir = '';

function vgac(...args: string[]): Promise<VgacRun> {
  return runVgacWithEnv({ VGAC_DATA_DIR: dataDir }, ...args);
}

describe('vgac cost', () => {
  let directory = '';

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'vgac-cost-'));
    dataDir = join(directory, 'empty-store');
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('vgac cost --json prices a usage file over the defaults, with the configured Haiku 5.5 through the US profile', async () => {
    // Only Haiku: 1,000 calls × (1,000 in × $0.00011/1K + 1,000 out × $0.00055/1K) = $0.66 net for agent reasoning.
    const file = join(directory, 'usage.json');
    await writeFile(
      file,
      JSON.stringify({
        modelCalls: 1_000,
        averageInputTokensPerCall: 1_000,
        averageOutputTokensPerCall: 1_000,
        sonnetCallShare: 0,
      }),
    );

    const result = await vgac('cost', '--usage', file, '--json');

    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      modelPricesAsOf: string;
      models: { haiku: { modelId: string } };
      seedModelPrices: { haiku: { inputUsdPer1kTokens: number } };
      usage: { lambdaRequests: number };
      projection: { components: { component: string; netUsd: number }[] };
    };
    expect(report.usage.lambdaRequests).toBe(50_000);
    expect(
      report.projection.components.find((component) => component.component === 'agent_reasoning')?.netUsd,
    ).toBeCloseTo(0.66, 9);
    expect(report.models.haiku.modelId).toBe('us.anthropic.claude-haiku-5-5');
    expect(report.modelPricesAsOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(report.seedModelPrices.haiku.inputUsdPer1kTokens).toBe(0.00025);
  });

  it('vgac cost prices the model actually configured: Haiku 5.5 through the global profile at its list price', async () => {
    // 1,000 calls × (1,000 in × $0.0001/1K + 1,000 out × $0.0005/1K) = $0.60.
    const file = join(directory, 'usage-global.json');
    await writeFile(
      file,
      JSON.stringify({
        modelCalls: 1_000,
        averageInputTokensPerCall: 1_000,
        averageOutputTokensPerCall: 1_000,
        sonnetCallShare: 0,
      }),
    );

    const result = await runVgacWithEnv(
      { VGAC_DATA_DIR: dataDir, VGAC_BEDROCK_MODEL_ID: 'global.anthropic.claude-haiku-5-5' },
      'cost',
      '--usage',
      file,
      '--json',
    );

    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { projection: { components: { component: string; netUsd: number }[] } };
    expect(
      report.projection.components.find((component) => component.component === 'agent_reasoning')?.netUsd,
    ).toBeCloseTo(0.6, 9);
  });

  it('vgac cost prints the component table and the runway line', async () => {
    const result = await vgac('cost');

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Agent reasoning\s+Bedrock/m);
    expect(result.stdout).toMatch(
      /^Bedrock: Claude Haiku 5\.5 \(us\.anthropic\.claude-haiku-5-5\) \$0\.11 \/ \$0\.55 per M tokens by default, Claude Sonnet 5\.5 \(us\.anthropic\.claude-sonnet-5-5\) \$2\.2 \/ \$11 per M tokens for complex requests, as of \d{4}-\d{2}-\d{2} \(the seed's table held Claude 3 Haiku's \$0\.25 \/ \$1\.25 per M tokens\)$/m,
    );
    expect(result.stdout).toMatch(/the \$200 budget lasts \d+\.\d months\./);
    expect(result.stdout).toMatch(
      /^AgentCore Runtime: \$0\.0895 per vCPU-hour, \$0\.00945 per GB-hour as of \d{4}-\d{2}-\d{2}; 10000 invocations in ≤ 10000 sessions, /m,
    );
    expect(result.stdout).toMatch(
      /^Agent orchestration\s+Bedrock AgentCore \+ Step Functions\s+\$0\.3713\s+-\$0\.0500\s+\$0\.3213\s+\$50\.00\s+0\.64 %/m,
    );
  });

  it('vgac cost includes one dashboard tab by default, and a usage file can change or remove it', async () => {
    // Default: 176 h × 3,600 ÷ 15 s = 42,240 requests; × 26 read units = 1,098,240 (core/budget/cost-projection.test.ts).
    // The old page: 12 requests every 2 s → 316,800 refreshes × 12 = 3,801,600 requests; API Gateway over its $2.
    const old = join(directory, 'old-dashboard.json');
    const none = join(directory, 'no-dashboard.json');
    await writeFile(old, JSON.stringify({ dashboardRefreshSeconds: 2, dashboardRequestsPerRefresh: 12 }));
    await writeFile(none, JSON.stringify({ dashboardHoursPerMonth: 0 }));

    const byDefault = await vgac('cost', '--no-ledger');
    const before = await vgac('cost', '--no-ledger', '--usage', old, '--json');
    const without = await vgac('cost', '--no-ledger', '--usage', none);

    expect(byDefault.stdout).toContain(
      'Web dashboard (included): open 176 h/month, 1 request every 15 s: 42,240 API requests and Lambda invocations, 1,098,240 DynamoDB read units a month',
    );
    expect(byDefault.stdout).toContain('No component spends more in a month than its whole allocation.');
    const report = JSON.parse(before.stdout) as {
      projection: { dashboard: { requests: number }; overAllocated: string[] };
    };
    expect(report.projection.dashboard.requests).toBe(3_801_600);
    expect(report.projection.overAllocated).toContain('slack_integration');
    expect(without.stdout).not.toContain('Web dashboard');
  });

  it('vgac cost names the bad field of a usage file on one line and exits 2', async () => {
    const file = join(directory, 'bad.json');
    await writeFile(file, JSON.stringify({ modelCalls: -5 }));

    const result = await vgac('cost', '--usage', file);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^vgac cost: .*bad\.json: usage field 'modelCalls': .*\n$/);
    expect(result.stdout).toBe('');
  });

  it('vgac cost refuses a missing file, bad JSON and an unknown option without a stack trace', async () => {
    const badJson = join(directory, 'broken.json');
    await writeFile(badJson, '{broken');

    const missing = await vgac('cost', '--usage', join(directory, 'nope.json'));
    const broken = await vgac('cost', '--usage', badJson);
    const unknown = await vgac('cost', '--frobnicate');

    expect([missing.code, broken.code, unknown.code]).toEqual([2, 2, 2]);
    expect(missing.stderr).toMatch(/usage file '.*nope\.json' not found\n$/);
    expect(broken.stderr).toMatch(/broken\.json' is not valid JSON/);
    expect(unknown.stderr).toMatch(/'--frobnicate'/);
    for (const result of [missing, broken, unknown]) expect(result.stderr.split('\n')).toHaveLength(2);
  });

  it('vgac cost takes the average tokens per model call from the budget ledger once it has counted calls', async () => {
    const measuredDir = join(directory, 'measured-store');
    const runtime = await createRuntime(loadConfig({ VGAC_DATA_DIR: measuredDir, VGAC_LOG_LEVEL: 'silent' }));
    const ledger = new DynamoBudgetLedger({ client: runtime.clients.dynamo, tableName: runtime.config.table });
    await ledger.settle(BudgetComponent.agentReasoning, 10, { inputTokens: 60, outputTokens: 20 });
    await ledger.settle(BudgetComponent.agentReasoning, 10, { inputTokens: 40, outputTokens: 30 });
    await runtime.close();
    dataDir = measuredDir;

    const measured = await vgac('cost', '--json');
    const skipped = await vgac('cost', '--json', '--no-ledger');
    const table = await vgac('cost');
    dataDir = join(directory, 'empty-store');

    // (60 + 40) / 2 = 50 input and (20 + 30) / 2 = 25 output tokens per call.
    const usageOf = (result: VgacRun) =>
      (
        JSON.parse(result.stdout) as {
          usage: { averageInputTokensPerCall: number; averageOutputTokensPerCall: number };
        }
      ).usage;
    expect(usageOf(measured)).toMatchObject({ averageInputTokensPerCall: 50, averageOutputTokensPerCall: 25 });
    expect(usageOf(skipped)).toMatchObject({ averageInputTokensPerCall: 200, averageOutputTokensPerCall: 150 });
    expect(table.stdout).toContain('50 in / 25 out tokens per model call (measured over 2 calls in the budget ledger)');
  }, 60_000);
});

/**
 * `vgac cost [--usage FILE] [--json] [--always-free-only] [--no-ledger]`: projects a month's AWS
 * cost per budget component from the price table, the free tier and a usage profile — the seed's
 * expected usage plus one web dashboard open on the deployed API 8 hours a working day, with the
 * average tokens per model call measured by the budget ledger (the configured table: the embedded
 * store, or DynamoDB on AWS) once it has counted calls, and any field a JSON usage file names —
 * against the seed's $200 allocation. Model calls are priced with the configured models
 * (VGAC_BEDROCK_MODEL_ID for Haiku's share, VGAC_BEDROCK_COMPLEX_MODEL_ID for Sonnet's) at their
 * dated prices, not the seed's Claude 3 Haiku prices.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { projectMonthlyCost } from '../../../core/budget/cost-projection.ts';
import { SEED_FREE_TIER, alwaysFreeOnly } from '../../../core/budget/free-tier.ts';
import { modelPolicy, resolveModel, type AllowedModelId } from '../../../core/agents/model-policy.ts';
import {
  AGENTCORE_PRICES_AS_OF,
  AGENTCORE_PRICE_SOURCE,
  MODEL_PRICES_AS_OF,
  MODEL_PRICE_SOURCE,
  PRICES_AS_OF,
  PRICE_SOURCE,
  SEED_MODEL_PRICES,
  US_EAST_1_PRICES,
  pricesForPolicy,
  type ModelPrice,
  type PriceTable,
} from '../../../core/budget/price-table.ts';
import {
  DEFAULT_USAGE,
  parseUsage,
  withMeasuredTokens,
  type MeasuredModelUsage,
  type Usage,
} from '../../../core/budget/usage.ts';
import { InvalidInputError } from '../../../core/errors.ts';
import { loadConfig } from '../../config.ts';
import { formatCostReport } from '../format-cost-report.ts';
import { readLedgerSnapshot } from '../read-ledger-snapshot.ts';
import { options } from './cost-usage.ts';

/** The ledger's model calls and tokens, summed over its components; null when it cannot be read (the reason is printed). */
async function measuredModelUsage(): Promise<MeasuredModelUsage | null> {
  try {
    const snapshot = await readLedgerSnapshot();
    const components = Object.values(snapshot.components);
    return {
      calls: components.reduce((sum, component) => sum + component.calls, 0),
      inputTokens: components.reduce((sum, component) => sum + component.inputTokens, 0),
      outputTokens: components.reduce((sum, component) => sum + component.outputTokens, 0),
    };
  } catch (error) {
    process.stderr.write(
      `vgac cost: budget ledger not read (${error instanceof Error ? error.message : String(error)}): using the seed's token assumptions\n`,
    );
    return null;
  }
}

export async function run(args: readonly string[]): Promise<number> {
  const values = parseOptions(args);
  // A bad usage file fails before the ledger is opened.
  const overrides = values.usage === undefined ? undefined : await readUsageFile(values.usage);
  const measured = values['no-ledger'] === true ? null : await measuredModelUsage();
  const base = measured === null ? DEFAULT_USAGE : withMeasuredTokens(DEFAULT_USAGE, measured);
  const usage = overrides === undefined ? base : overrides.over(base);
  const alwaysFree = values['always-free-only'] === true;
  const freeTier = alwaysFree ? alwaysFreeOnly(SEED_FREE_TIER) : SEED_FREE_TIER;
  const config = loadConfig(undefined, { logLevel: 'silent' });
  const policy = modelPolicy(config.bedrockModelId, config.agents.complexModelId);
  const prices = pricesForPolicy(US_EAST_1_PRICES, policy);
  const projection = projectMonthlyCost(usage, prices, freeTier);
  if (values.json === true) {
    const report = {
      pricesAsOf: PRICES_AS_OF,
      priceSource: PRICE_SOURCE,
      modelPricesAsOf: MODEL_PRICES_AS_OF,
      modelPriceSource: MODEL_PRICE_SOURCE,
      agentCorePricesAsOf: AGENTCORE_PRICES_AS_OF,
      agentCorePriceSource: AGENTCORE_PRICE_SOURCE,
      models: {
        haiku: { modelId: policy.defaultModelId, ...prices.bedrock.haiku },
        sonnet: { modelId: policy.complexModelId, ...prices.bedrock.sonnet },
      },
      seedModelPrices: SEED_MODEL_PRICES,
      freeTier: alwaysFree ? 'always-free-only' : 'seed',
      measuredModelUsage: measured,
      usage,
      projection,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  process.stdout.write(
    formatCostReport(projection, {
      pricesAsOf: PRICES_AS_OF,
      freeTierLabel: alwaysFree ? 'always-free allowances only' : 'seed (incl. 12-month allowances)',
      modelPricesLabel: `${modelLabel(policy.defaultModelId, prices.bedrock.haiku)} by default, ${modelLabel(policy.complexModelId, prices.bedrock.sonnet)} for complex requests, as of ${MODEL_PRICES_AS_OF} (the seed's table held Claude 3 Haiku's ${perMillion(SEED_MODEL_PRICES.haiku)})`,
      usageLabel: `${values.usage ?? 'seed expected usage (defaults)'}; ${tokensLabel(measured, usage)}`,
      dashboardLabel: `${usage.dashboardHoursPerMonth} h/month, ${usage.dashboardRequestsPerRefresh} request${usage.dashboardRequestsPerRefresh === 1 ? '' : 's'} every ${usage.dashboardRefreshSeconds} s`,
      agentCoreLabel: agentCoreLabel(prices, usage),
    }),
  );
  return 0;
}

/** USD per million input / output tokens, e.g. `$0.11 / $0.55 per M tokens`. */
function perMillion(price: ModelPrice): string {
  const usd = (perThousand: number) => `$${Number((perThousand * 1000).toFixed(4)).toString()}`;
  return `${usd(price.inputUsdPer1kTokens)} / ${usd(price.outputUsdPer1kTokens)} per M tokens`;
}

function modelLabel(modelId: AllowedModelId, price: ModelPrice): string {
  return `${resolveModel(modelId).model.name} (${modelId}) ${perMillion(price)}`;
}

/** The runtime's prices and what they are applied to, e.g. `$0.0895 per vCPU-hour, … as of 2026-12-07; 10000 invocations in ≤ 10000 sessions, …`. */
function agentCoreLabel(prices: PriceTable, usage: Usage): string {
  return (
    `$${prices.agentCore.usdPerVcpuHour} per vCPU-hour, $${prices.agentCore.usdPerGbHour} per GB-hour as of ${AGENTCORE_PRICES_AS_OF}; ` +
    `${usage.agentInvocations} invocations in ≤ ${usage.agentSessions} sessions, ${usage.agentCpuSecondsPerInvocation} s CPU each (+ ${usage.agentCpuSecondsPerSessionStart} s per session start), ` +
    `${usage.agentMemoryGb} GB held ${usage.agentIdleSessionSeconds} s after a session's last invocation`
  );
}

function tokensLabel(measured: MeasuredModelUsage | null, usage: Usage): string {
  const tokens = `${usage.averageInputTokensPerCall.toFixed(0)} in / ${usage.averageOutputTokensPerCall.toFixed(0)} out tokens per model call`;
  return measured === null || measured.calls === 0
    ? `${tokens} (assumed: the ledger has counted no call)`
    : `${tokens} (measured over ${measured.calls} calls in the budget ledger)`;
}

function parseOptions(args: readonly string[]): {
  usage?: string;
  json?: boolean;
  'always-free-only'?: boolean;
  'no-ledger'?: boolean;
  help?: boolean;
} {
  try {
    return parseArgs({
      args: [...args],
      options,
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    // node:util parseArgs throws TypeError (ERR_PARSE_ARGS_*) for an unknown option or a missing value: a user mistake.
    throw new InvalidInputError(error instanceof Error ? error.message : String(error));
  }
}

/** A usage file, validated; `over(base)` lays its fields over a base usage. */
async function readUsageFile(path: string): Promise<{ over(base: Usage): Usage }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvalidInputError(
      code === 'ENOENT' ? `usage file '${path}' not found` : `cannot read usage file '${path}' (${code ?? 'error'})`,
      { cause: error },
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidInputError(`usage file '${path}' is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    parseUsage(document);
  } catch (error) {
    if (error instanceof InvalidInputError) throw new InvalidInputError(`${path}: ${error.message}`, { cause: error });
    throw error;
  }
  return { over: (base) => parseUsage(document, base) };
}

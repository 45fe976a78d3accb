/**
 * `vgac cost [--usage FILE] [--json] [--always-free-only] [--no-ledger]`: projects a month's AWS
 * cost per budget component from the price table, the free tier and a usage profile — the seed's
 * expected usage plus one web dashboard open on the deployed API 8 hours a working day, with the
 * average tokens per model call measured by the budget ledger (the configured table: the embedded
 * store, or DynamoDB on AWS) once it has counted calls, and any field a JSON usage file names —
 * against the seed's $200 allocation.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { projectMonthlyCost } from '../../../core/budget/cost-projection.ts';
import { SEED_FREE_TIER, alwaysFreeOnly } from '../../../core/budget/free-tier.ts';
import { PRICES_AS_OF, PRICE_SOURCE, US_EAST_1_PRICES } from '../../../core/budget/price-table.ts';
import { DEFAULT_USAGE, parseUsage, withMeasuredTokens, type MeasuredModelUsage, type Usage } from '../../../core/budget/usage.ts';
import { InvalidInputError } from '../../../core/errors.ts';
import { formatCostReport } from '../format-cost-report.ts';
import { readLedgerSnapshot } from '../read-ledger-snapshot.ts';

export const summary = 'Project the monthly AWS cost per budget component against the $200 allocation';

const HELP = `usage: vgac cost [--usage FILE] [--json] [--always-free-only] [--no-ledger]

Projects one month's AWS cost (us-east-1 on-demand prices, minus the free tier) per budget
component, next to the seed's allocation, and how many months the $200 lasts. Usage is the
seed's expected usage plus one web dashboard tab open on the deployed API 8 h a working day
(22 days: 176 h/month; one GET /api/dashboard every 15 s, the interval the deployed API
announces), with the average input and output tokens per model call measured by the budget
ledger (VGAC_DATA_DIR's embedded store, or the configured DynamoDB table) once it has counted
calls, and any field of --usage FILE on top (e.g. {"dashboardHoursPerMonth": 0}: no dashboard).

options:
  --usage FILE         JSON object overriding any usage field, e.g. {"modelCalls": 12000};
                       unknown or negative fields are refused.
  --no-ledger          do not read the budget ledger: the seed's token assumptions.
  --always-free-only   drop the 12-month free-tier allowances (API Gateway, S3): the second year.
  --json               print the projection, usage and price source as JSON.
  -h, --help           show this help.

usage fields: ${Object.keys(DEFAULT_USAGE).join(', ')}
`;

/** Everything `vgac cost` accepts (node:util parseArgs options). */
export const options = {
  usage: { type: 'string' },
  json: { type: 'boolean' },
  'always-free-only': { type: 'boolean' },
  'no-ledger': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

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
    process.stderr.write(`vgac cost: budget ledger not read (${error instanceof Error ? error.message : String(error)}): using the seed's token assumptions\n`);
    return null;
  }
}

export async function run(args: readonly string[]): Promise<number> {
  const values = parseOptions(args);
  if (values.help === true) {
    process.stdout.write(HELP);
    return 0;
  }
  // A bad usage file fails before the ledger is opened.
  const overrides = values.usage === undefined ? undefined : await readUsageFile(values.usage);
  const measured = values['no-ledger'] === true ? null : await measuredModelUsage();
  const base = measured === null ? DEFAULT_USAGE : withMeasuredTokens(DEFAULT_USAGE, measured);
  const usage = overrides === undefined ? base : overrides.over(base);
  const alwaysFree = values['always-free-only'] === true;
  const freeTier = alwaysFree ? alwaysFreeOnly(SEED_FREE_TIER) : SEED_FREE_TIER;
  const projection = projectMonthlyCost(usage, US_EAST_1_PRICES, freeTier);
  if (values.json === true) {
    const report = { pricesAsOf: PRICES_AS_OF, priceSource: PRICE_SOURCE, freeTier: alwaysFree ? 'always-free-only' : 'seed', measuredModelUsage: measured, usage, projection };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  process.stdout.write(
    formatCostReport(projection, {
      pricesAsOf: PRICES_AS_OF,
      freeTierLabel: alwaysFree ? 'always-free allowances only' : 'seed (incl. 12-month allowances)',
      usageLabel: `${values.usage ?? 'seed expected usage (defaults)'}; ${tokensLabel(measured, usage)}`,
      dashboardLabel: `${usage.dashboardHoursPerMonth} h/month, ${usage.dashboardRequestsPerRefresh} request${usage.dashboardRequestsPerRefresh === 1 ? '' : 's'} every ${usage.dashboardRefreshSeconds} s`,
    }),
  );
  return 0;
}

function tokensLabel(measured: MeasuredModelUsage | null, usage: Usage): string {
  const tokens = `${usage.averageInputTokensPerCall.toFixed(0)} in / ${usage.averageOutputTokensPerCall.toFixed(0)} out tokens per model call`;
  return measured === null || measured.calls === 0 ? `${tokens} (assumed: the ledger has counted no call)` : `${tokens} (measured over ${measured.calls} calls in the budget ledger)`;
}

function parseOptions(args: readonly string[]): { usage?: string; json?: boolean; 'always-free-only'?: boolean; 'no-ledger'?: boolean; help?: boolean } {
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
    throw new InvalidInputError(code === 'ENOENT' ? `usage file '${path}' not found` : `cannot read usage file '${path}' (${code ?? 'error'})`, { cause: error });
  }
  let document: unknown;
  try {
    document = JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidInputError(`usage file '${path}' is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  try {
    parseUsage(document);
  } catch (error) {
    if (error instanceof InvalidInputError) throw new InvalidInputError(`${path}: ${error.message}`, { cause: error });
    throw error;
  }
  return { over: (base) => parseUsage(document, base) };
}

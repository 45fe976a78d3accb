/**
 * `vgac cost [--usage FILE] [--json] [--always-free-only]`: projects a month's AWS cost per
 * budget component from the price table, the free tier and a usage profile (the seed's expected
 * usage unless a JSON usage file overrides fields), against the seed's $200 allocation.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { projectMonthlyCost } from '../../../core/budget/cost-projection.ts';
import { SEED_FREE_TIER, alwaysFreeOnly } from '../../../core/budget/free-tier.ts';
import { PRICES_AS_OF, PRICE_SOURCE, US_EAST_1_PRICES } from '../../../core/budget/price-table.ts';
import { DEFAULT_USAGE, parseUsage, type Usage } from '../../../core/budget/usage.ts';
import { InvalidInputError } from '../../../core/errors.ts';
import { formatCostReport } from '../format-cost-report.ts';

export const summary = 'Project the monthly AWS cost per budget component against the $200 allocation';

const HELP = `usage: vgac cost [--usage FILE] [--json] [--always-free-only]

Projects one month's AWS cost (us-east-1 on-demand prices, minus the free tier) per budget
component, next to the seed's allocation, and how many months the $200 lasts.

options:
  --usage FILE         JSON object overriding any usage field, e.g. {"modelCalls": 12000};
                       unknown or negative fields are refused. Default: the seed's expected usage.
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
  help: { type: 'boolean', short: 'h' },
} as const;

export async function run(args: readonly string[]): Promise<number> {
  const values = parseOptions(args);
  if (values.help === true) {
    process.stdout.write(HELP);
    return 0;
  }
  const usage = values.usage === undefined ? DEFAULT_USAGE : await readUsageFile(values.usage);
  const alwaysFree = values['always-free-only'] === true;
  const freeTier = alwaysFree ? alwaysFreeOnly(SEED_FREE_TIER) : SEED_FREE_TIER;
  const projection = projectMonthlyCost(usage, US_EAST_1_PRICES, freeTier);
  if (values.json === true) {
    const report = { pricesAsOf: PRICES_AS_OF, priceSource: PRICE_SOURCE, freeTier: alwaysFree ? 'always-free-only' : 'seed', usage, projection };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  process.stdout.write(
    formatCostReport(projection, {
      pricesAsOf: PRICES_AS_OF,
      freeTierLabel: alwaysFree ? 'always-free allowances only' : 'seed (incl. 12-month allowances)',
      usageLabel: values.usage ?? 'seed expected usage (defaults)',
    }),
  );
  return 0;
}

function parseOptions(args: readonly string[]): { usage?: string; json?: boolean; 'always-free-only'?: boolean; help?: boolean } {
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

async function readUsageFile(path: string): Promise<Usage> {
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
    return parseUsage(document);
  } catch (error) {
    if (error instanceof InvalidInputError) throw new InvalidInputError(`${path}: ${error.message}`, { cause: error });
    throw error;
  }
}

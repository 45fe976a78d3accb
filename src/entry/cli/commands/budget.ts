/** `vgac budget`: spend vs allocation per component, tokens per call, cache hit rate (from the ledger in the table). */
import { formatBudgetReport } from '../format-budget-report.ts';
import { parseCommandOptions } from '../parse-command-options.ts';
import { readLedgerSnapshot } from '../read-ledger-snapshot.ts';

export const summary = 'Show model spend against the seed\'s budget allocation, tokens per call and cache hit rate';

const HELP = `usage: vgac budget [--json]

Reads the budget ledger in the table (VGAC_DATA_DIR's embedded store, or the configured
DynamoDB): per budget component, the committed spend (reservations included) against the seed's
allocation and the $200 total, model calls, input and output tokens per call, and the
explanation cache's hit rate.

options:
  --json       print the ledger snapshot as JSON instead of the table
  -h, --help   show this help
`;

/** Everything `vgac budget` accepts (node:util parseArgs options). */
export const options = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function run(args: readonly string[]): Promise<number> {
  const values = parseCommandOptions('budget', args, options);
  if (values.help === true) {
    process.stdout.write(HELP);
    return 0;
  }
  const snapshot = await readLedgerSnapshot();
  process.stdout.write(values.json === true ? `${JSON.stringify(snapshot, null, 2)}\n` : `${formatBudgetReport(snapshot)}\n`);
  return 0;
}

/** `vgac budget`: spend vs allocation per component, tokens per call, cache hit rate (from the ledger in the table). */
import { formatBudgetReport } from '../format-budget-report.ts';
import { parseCommandOptions } from '../parse-command-options.ts';
import { readLedgerSnapshot } from '../read-ledger-snapshot.ts';
import { options } from './budget-usage.ts';

export async function run(args: readonly string[]): Promise<number> {
  const values = parseCommandOptions('budget', args, options);
  const snapshot = await readLedgerSnapshot();
  process.stdout.write(
    values.json === true ? `${JSON.stringify(snapshot, null, 2)}\n` : `${formatBudgetReport(snapshot)}\n`,
  );
  return 0;
}

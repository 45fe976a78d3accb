/** `vgac budget`: spend vs allocation per component, tokens per call, cache hit rate (from the ledger in the table). */
import { parseArgs } from 'node:util';
import { DynamoBudgetLedger } from '../../../adapters/dynamodb/dynamo-budget-ledger.ts';
import { loadConfig } from '../../config.ts';
import { createRuntime } from '../../runtime.ts';
import { formatBudgetReport } from '../format-budget-report.ts';

export const summary = 'model spend vs the seed\'s budget allocation, tokens per call, cache hit rate';

export async function run(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({ args: [...args], options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help === true) {
    process.stdout.write('usage: vgac budget [--json]\n');
    return 0;
  }
  const runtime = await createRuntime(loadConfig(process.env, { logLevel: 'silent' }));
  try {
    const snapshot = await new DynamoBudgetLedger({ client: runtime.clients.dynamo, tableName: runtime.config.table }).snapshot();
    process.stdout.write(values.json === true ? `${JSON.stringify(snapshot, null, 2)}\n` : `${formatBudgetReport(snapshot)}\n`);
    return 0;
  } finally {
    await runtime.close();
  }
}

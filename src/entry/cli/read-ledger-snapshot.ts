/** The budget ledger as it stands in the configured table (VGAC_DATA_DIR's embedded store, or DynamoDB): `vgac budget`, `vgac cost`. */
import type { LedgerSnapshot } from '../../app/ports/budget-ledger.ts';
import { DynamoBudgetLedger } from '../../adapters/dynamodb/dynamo-budget-ledger.ts';
import { loadConfig } from '../config.ts';
import { createRuntime } from '../runtime.ts';

export async function readLedgerSnapshot(): Promise<LedgerSnapshot> {
  const runtime = await createRuntime(loadConfig(undefined, { logLevel: 'silent' }));
  try {
    return await new DynamoBudgetLedger({ client: runtime.clients.dynamo, tableName: runtime.config.table }).snapshot();
  } finally {
    await runtime.close();
  }
}

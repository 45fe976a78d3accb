/** What `vgac budget --help` and `vgac --help` show without loading the command (budget.ts): its summary, help and options. */
export const summary = "Show model spend against the seed's budget allocation, tokens per call and cache hit rate";

export const help = `usage: vgac budget [--json]

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

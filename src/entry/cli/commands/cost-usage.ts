/** What `vgac cost --help` and `vgac --help` show without loading the command (cost.ts): its summary, help and options. */
import { DEFAULT_USAGE } from '../../../core/budget/default-usage.ts';

export const summary = 'Project the monthly AWS cost per budget component against the $200 allocation';

export const help = `usage: vgac cost [--usage FILE] [--json] [--always-free-only] [--no-ledger]

Projects one month's AWS cost (us-east-1 on-demand prices, minus the free tier) per budget
component, next to the seed's allocation, and how many months the $200 lasts. Model calls are
priced with the configured models (VGAC_BEDROCK_MODEL_ID for the Haiku share,
VGAC_BEDROCK_COMPLEX_MODEL_ID for the Sonnet share) at their dated Bedrock prices. Usage is the
seed's expected usage plus one web dashboard tab open on the deployed API 8 h a working day
(22 days: 176 h/month; one GET /api/dashboard every 15 s, the interval the deployed API
announces), with the average input and output tokens per model call measured by the budget
ledger (VGAC_DATA_DIR's embedded store, or the configured DynamoDB table) once it has counted
calls, and any field of --usage FILE on top (e.g. {"dashboardHoursPerMonth": 0}: no dashboard). The Bedrock AgentCore Runtime (agent
orchestration) is priced per vCPU-hour and GB-hour for one invocation per agent question, with
the CPU and memory bench/agentcore.bench.ts measured (the agent* usage fields).

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

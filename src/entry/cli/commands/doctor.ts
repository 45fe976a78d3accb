/**
 * `vgac doctor [--json]`: a deployer's check that the configured Bedrock models can be called —
 * the default (VGAC_BEDROCK_MODEL_ID) and the complex model (VGAC_BEDROCK_COMPLEX_MODEL_ID) — in
 * AWS_REGION, through Bedrock's control plane (GetInferenceProfile for a profile id, then
 * GetFoundationModel for its model: ACTIVE vs LEGACY). Exit 0 when both are ACTIVE, 1 when one
 * is not (LEGACY, missing, unreadable, or routed where the template grants nothing), 2 for a
 * usage or configuration mistake.
 */
import { checkModels, type ModelCheckReport } from '../../../app/agents/check-models.ts';
import { createBedrockControlClient, createBedrockModelCatalog } from '../../../adapters/llm/bedrock-model-catalog.ts';
import { Availability } from '../../../core/agents/model-availability.ts';
import { modelPolicy } from '../../../core/agents/model-policy.ts';
import { isLoopbackEndpoint, LOCAL_DUMMY_CREDENTIALS } from '../../aws-clients.ts';
import { loadConfig } from '../../config.ts';
import { parseCommandOptions } from '../parse-command-options.ts';

export const summary = 'Check that the configured Bedrock models are ACTIVE in the Region (not Legacy or gone)';

const HELP = `usage: vgac doctor [--json]

Asks Bedrock's control plane in AWS_REGION about the configured models — VGAC_BEDROCK_MODEL_ID
(the default, a Claude Haiku) and VGAC_BEDROCK_COMPLEX_MODEL_ID (requests marked complex) —
with your AWS credentials (they need bedrock:GetInferenceProfile and bedrock:GetFoundationModel):
for an inference-profile id (us., eu., apac., global.) the profile must be ACTIVE, route only to
the Regions template.yaml grants, and its foundation model must be ACTIVE, not LEGACY; for a plain
id, the foundation model. A Legacy or missing model is named with what to use instead.
VGAC_BEDROCK_CONTROL_ENDPOINT replaces Bedrock's control-plane URL (tests use a loopback server).

exit status: 0 both models ACTIVE; 1 a model is not (or Bedrock could not be reached); 2 a usage
or configuration mistake.

options:
  --json       print the report as JSON on stdout
  -h, --help   show this help
`;

/** Everything `vgac doctor` accepts (node:util parseArgs options). */
export const options = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const MARK: Readonly<Record<string, string>> = { [Availability.active]: '✓' };

function formatReport(report: ModelCheckReport): string {
  const lines = [`vgac doctor — Bedrock models in ${report.region} (allow-list checked ${report.allowListAsOf})`];
  for (const model of report.models) lines.push(`${MARK[model.status] ?? '✗'} ${model.setting}: ${model.message}`);
  lines.push(report.ok ? 'Both models are ACTIVE.' : 'Not every model can be called: agents would answer with templated explanations (ModelUnavailable).');
  return `${lines.join('\n')}\n`;
}

export async function run(args: readonly string[]): Promise<number> {
  const values = parseCommandOptions('doctor', args, options);
  if (values.help === true) {
    process.stdout.write(HELP);
    return 0;
  }
  const config = loadConfig(undefined, { logLevel: 'silent' });
  const policy = modelPolicy(config.bedrockModelId, config.agents.complexModelId);
  const endpoint = config.agents.bedrockControlEndpoint;
  const client = createBedrockControlClient({
    region: config.region,
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(endpoint !== undefined && isLoopbackEndpoint(endpoint) ? { credentials: LOCAL_DUMMY_CREDENTIALS } : {}),
  });
  try {
    const report = await checkModels(createBedrockModelCatalog(client, config.region), policy);
    process.stdout.write(values.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return report.ok ? 0 : 1;
  } finally {
    client.destroy();
  }
}

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
import { options } from './doctor-usage.ts';

const MARK: Readonly<Record<string, string>> = { [Availability.active]: '✓' };

function formatReport(report: ModelCheckReport): string {
  const lines = [`vgac doctor — Bedrock models in ${report.region} (allow-list checked ${report.allowListAsOf})`];
  for (const model of report.models) lines.push(`${MARK[model.status] ?? '✗'} ${model.setting}: ${model.message}`);
  lines.push(
    report.ok
      ? 'Both models are ACTIVE.'
      : 'Not every model can be called: agents would answer with templated explanations (ModelUnavailable).',
  );
  return `${lines.join('\n')}\n`;
}

export async function run(args: readonly string[]): Promise<number> {
  const values = parseCommandOptions('doctor', args, options);
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

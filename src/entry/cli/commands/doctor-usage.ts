/** What `vgac doctor --help` and `vgac --help` show without loading the command (doctor.ts): its summary, help and options. */

export const summary = 'Check that the configured Bedrock models are ACTIVE in the Region (not Legacy or gone)';

export const help = `usage: vgac doctor [--json]

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

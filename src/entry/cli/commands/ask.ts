/**
 * `vgac ask "when will my 4-GPU job start on slurm-hpc?"`: one what-if observe→predict→decide
 * against the embedded store, answered by the offline reasoner unless VGAC_REASONER=bedrock
 * (or `--bedrock`). With no collector running in this process, the queue state is the cluster's
 * most recent stored prediction (its age is printed).
 */
import { parseArgs } from 'node:util';
import { toDecisionRequest } from '../../../app/agents/invocation-request.ts';
import { observePredictDecide } from '../../../app/agents/observe-predict-decide.ts';
import { storedStateObserver } from '../../../app/agents/stored-state-observer.ts';
import { SimulatedClusterActions } from '../../../adapters/collectors/simulated-cluster-actions.ts';
import { SimulatedObserver } from '../../../adapters/collectors/simulated-observer.ts';
import { InvalidInputError } from '../../../core/errors.ts';
import { createAgentWiring } from '../../agent-wiring.ts';
import { loadConfig } from '../../config.ts';
import { createRuntime } from '../../runtime.ts';

export const summary = 'Answer "when will my job start?" for a cluster (offline reasoner by default)';

const USAGE = 'usage: vgac ask "<question>" [--cluster ID] [--bedrock] [--json]';

const HELP = `${USAGE}

Answers one what-if question against the local store (VGAC_DATA_DIR, or the configured
DynamoDB/S3): observes the cluster's queue state (its most recent stored prediction; the age is
printed), predicts P(long wait) and the wait interval, and lets the calibration gate decide how
much to say. Never acts on the queue. Example: vgac ask "when will my 4-GPU job start on slurm-hpc?"

options:
  --cluster ID   cluster to ask about when the question names none ("on <cluster>");
                 default VGAC_DEFAULT_CLUSTER
  --bedrock      answer with Bedrock (VGAC_BEDROCK_MODEL_ID) instead of the offline reasoner,
                 as VGAC_REASONER=bedrock does
  --json         print the whole decision (scope, confidence, prediction, answer) as JSON
  -h, --help     show this help
`;

/** Everything `vgac ask` accepts besides the question (node:util parseArgs options). */
export const options = {
  cluster: { type: 'string' },
  bedrock: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function run(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options,
  });
  if (values.help === true) {
    process.stdout.write(HELP);
    return 0;
  }
  const question = positionals.join(' ').trim();
  if (question === '') throw new InvalidInputError(`no question; ${USAGE}`);
  const config = loadConfig(undefined, { logLevel: 'silent' });
  const runtime = await createRuntime(config);
  try {
    const nowMs = Date.now();
    // A what-if never acts; these actions only satisfy the wiring.
    const idleActions = new SimulatedClusterActions(new SimulatedObserver());
    const wiring = createAgentWiring(runtime, {
      observer: storedStateObserver(runtime.learning.store),
      actions: idleActions,
      reasoner: values.bedrock === true ? 'bedrock' : config.reasoner,
    });
    const request = toDecisionRequest(
      { prompt: question, ...(values.cluster === undefined ? {} : { clusterId: values.cluster }) },
      { nowMs, ...(config.defaultClusterId === undefined ? {} : { defaultClusterId: config.defaultClusterId }) },
    );
    const decision = await observePredictDecide(wiring.deps, request);
    if (values.json === true) {
      process.stdout.write(`${JSON.stringify(decision, null, 2)}\n`);
      return 0;
    }
    const lines = [decision.answer];
    if (decision.observed !== null) lines.push(`(queue state from ${Math.round((nowMs - decision.observed.observedAtMs) / 60_000)} min ago; scope ${decision.scope}; confidence ${decision.confidence.toFixed(2)}; answer: ${decision.explanation?.source ?? 'none'})`);
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await runtime.close();
  }
}

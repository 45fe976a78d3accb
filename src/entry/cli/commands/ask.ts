/**
 * `vgac ask "when will my 4-GPU job start on slurm-hpc?"` (or "status of slurm-hpc"): the Copilot,
 * one what-if observe→predict→decide against the configured store, answered by the offline
 * reasoner unless VGAC_REASONER=bedrock (or `--bedrock`). With no collector running in this
 * process, the queue state is the cluster's most recent stored prediction (its age is printed),
 * or the VGAC platform's answer for its clusters. Works beside a running `vgac start` (it shares
 * its embedded servers). Questions about a submitted job ("when will 12345 start?", "how can
 * 12345 start sooner?") ask Slurm where VGAC_COLLECTOR=slurm-cli (its clients) or slurmrestd (its
 * REST API), else read the queue state the cluster's `vgac agent --push` sent, else the prediction log.
 */
import { parseArgs } from 'node:util';
import { createCopilot } from '../../../app/agents/ask-copilot.ts';
import { inProcessAgentRuntime } from '../../../app/agents/in-process-agent-runtime.ts';
import { routeClusters } from '../../../app/agents/cluster-routes.ts';
import { storedStateObserver } from '../../../app/agents/stored-state-observer.ts';
import { unavailableClusterActions } from '../../../app/agents/unavailable-cluster-actions.ts';
import { DynamoPushedQueueStateStore } from '../../../adapters/dynamodb/dynamo-pushed-queue-state-store.ts';
import { DynamoJobSubscriptionStore } from '../../../adapters/dynamodb/dynamo-job-subscription-store.ts';
import type { JobQuestionDeps } from '../../../app/jobs/answer-job-question.ts';
import { InvalidInputError } from '../../../core/errors.ts';
import { createAgentWiring } from '../../agent-wiring.ts';
import { jobQuestionParts } from '../../job-questions.ts';
import { slurmJobLookupFor, slurmObserverFor } from '../../local/slurm-collector.ts';
import { loadConfig } from '../../config.ts';
import { platformRoutes } from '../../platform-routes.ts';
import { createRuntime } from '../../runtime.ts';
import { options, USAGE } from './ask-usage.ts';

export async function run(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options,
  });
  const question = positionals.join(' ').trim();
  if (question === '') throw new InvalidInputError(`no question; ${USAGE}`);
  const config = loadConfig(undefined, { logLevel: 'silent' });
  const runtime = await createRuntime(config);
  try {
    const nowMs = Date.now();
    // The queue state `vgac start` or the collector stored, or a VGAC platform for its clusters.
    // A what-if never acts.
    const routed = routeClusters(platformRoutes(config), {
      observer: storedStateObserver(runtime.learning.predictions),
      actions: unavailableClusterActions('a question from the command line changes no jobs'),
    });
    const wiring = createAgentWiring(runtime, {
      ...routed,
      reasoner: values.bedrock === true ? 'bedrock' : config.reasoner,
    });
    const defaultClusterId = values.cluster ?? config.defaultClusterId;
    // Questions about a submitted job ask the scheduler itself when this host reaches it
    // (VGAC_COLLECTOR=slurm-cli: the Slurm clients; slurmrestd: its REST API), else the queue
    // state its agent pushed, else they are answered from the prediction log.
    const collector = config.lambda.collector;
    const live = collector === 'slurm-cli' || collector === 'slurmrestd' ? collector : undefined;
    const liveObserver =
      live === undefined
        ? routed.observer
        : routeClusters(
            [{ clusterId: config.slurm.clusterId, observer: slurmObserverFor(config, live), actions: routed.actions }],
            routed,
          ).observer;
    const lookup = live === undefined ? undefined : slurmJobLookupFor(config, live);
    const questionParts = jobQuestionParts({
      queueStates: new DynamoPushedQueueStateStore({ client: runtime.clients.dynamo, tableName: config.table }),
      observer: liveObserver,
      liveLookup: (clusterId) => (clusterId === config.slurm.clusterId ? lookup : undefined),
      clock: () => Date.now(),
    });
    const jobs: JobQuestionDeps = {
      learning: runtime.learning,
      observer: questionParts.jobObserver,
      jobLookup: questionParts.jobLookup,
      registry: runtime.learning.registry,
      subscriptions: new DynamoJobSubscriptionStore({ client: runtime.clients.dynamo, tableName: config.table }),
    };
    const copilot = createCopilot(
      { learning: runtime.learning, runtime: inProcessAgentRuntime(wiring.deps, () => nowMs), jobs },
      defaultClusterId === undefined ? {} : { defaultClusterId },
    );
    // A time of day in the question ("before 17:00") is on this machine's clock.
    const reply = await copilot({
      text: question,
      askedBy: 'cli',
      conversationId: 'cli',
      nowMs,
      utcOffsetMinutes: -new Date(nowMs).getTimezoneOffset(),
    });
    // A question the Copilot did not understand is the user's mistake: exit status 2, as for any.
    const status = reply.understood ? 0 : 2;
    if (values.json === true) {
      process.stdout.write(`${JSON.stringify(reply, null, 2)}\n`);
      return status;
    }
    const lines = [reply.text];
    const { decision } = reply;
    if (decision !== undefined && decision.observed !== null)
      lines.push(
        `(queue state from ${Math.round((nowMs - decision.observed.observedAtMs) / 60_000)} min ago; scope ${decision.scope}; confidence ${decision.confidence.toFixed(2)}; answer: ${decision.explanation?.source ?? 'none'})`,
      );
    process.stdout.write(`${lines.join('\n')}\n`);
    return status;
  } finally {
    await runtime.close();
  }
}

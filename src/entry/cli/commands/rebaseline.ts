/** `vgac rebaseline <cluster>`: a new long-wait threshold for a cluster and a new calibration epoch (app/learning/rebaseline-cluster.ts). */
import { parseArgs } from 'node:util';
import { rebaselineCluster } from '../../../app/learning/rebaseline-cluster.ts';
import { InvalidInputError } from '../../../core/errors.ts';
import { loadConfig } from '../../config.ts';
import { createRuntime } from '../../runtime.ts';
import { options, USAGE } from './rebaseline-usage.ts';

function thresholdOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds < 0)
    throw new InvalidInputError(`--threshold must be a number of seconds ≥ 0, got '${text}'`);
  return seconds;
}

export async function run(args: readonly string[]): Promise<number> {
  // main checked the options against rebaseline-usage.ts before loading this module.
  const { values, positionals } = parseArgs({ args: [...args], options, allowPositionals: true });
  const [clusterId, ...extra] = positionals;
  if (clusterId === undefined) throw new InvalidInputError(`no cluster; ${USAGE}`);
  if (extra.length > 0)
    throw new InvalidInputError(`one cluster at a time, got ${positionals.length}: ${positionals.join(' ')}`);
  const threshold = thresholdOf(values.threshold);
  const config = loadConfig(undefined, { logLevel: 'silent' });
  const runtime = await createRuntime(config);
  try {
    const result = await rebaselineCluster(runtime.learning, {
      clusterId,
      nowMs: Date.now(),
      ...(threshold === undefined ? {} : { longWaitThresholdSeconds: threshold }),
    });
    const { calibration } = result;
    if (values.json === true) {
      process.stdout.write(
        `${JSON.stringify({ clusterId, previousThresholdSeconds: result.previousThresholdSeconds, thresholdSeconds: result.thresholdSeconds, fromOutcomes: result.fromOutcomes, epoch: calibration.epoch, scope: calibration.scope }, null, 2)}\n`,
      );
      return 0;
    }
    const source =
      result.fromOutcomes === 0 ? 'as given' : `the P90 of the last ${result.fromOutcomes} outcomes' waits`;
    process.stdout.write(
      `${clusterId}: long-wait threshold ${result.previousThresholdSeconds} s → ${result.thresholdSeconds} s (${source}); calibration epoch ${calibration.epoch} starts in learning mode (scope ${calibration.scope}) until ${runtime.learning.gate.minOutcomes} outcomes of the new label are known\n`,
    );
    return 0;
  } finally {
    await runtime.close();
  }
}

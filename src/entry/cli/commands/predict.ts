/**
 * `vgac predict`: scores one job with a bundle file and shows what the gate would allow. A bare
 * bundle has no live outcomes, so its scope is learning (escalate only); the tier line shows
 * what its cross-validated ECE would allow once a cluster's outcome window confirms it.
 */
import { InvalidInputError } from '../../../core/errors.ts';
import { ActionScope, DEFAULT_GATE_CONFIG, DriftStatus } from '../../../core/gating/gate-config.ts';
import { ACTION_SCOPE_WORDS, scopeFromScore } from '../../../core/gating/action-scope.ts';
import { calibrationScore } from '../../../core/gating/calibration-score.ts';
import { gateDecision } from '../../../core/gating/gate.ts';
import { allowedTier } from '../../../core/gating/tiers.ts';
import { compileBundle } from '../../../core/model/apply-bundle.ts';
import { readBundleFile } from '../read-bundle-file.ts';
import { parseCommandOptions, requireOption } from '../parse-command-options.ts';
import { options } from './predict-usage.ts';

function parseJob(text: string): Record<string, number | string> {
  let job: unknown;
  try {
    job = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`--job is not valid JSON (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  if (job === null || typeof job !== 'object' || Array.isArray(job)) throw new InvalidInputError('--job must be a JSON object of feature values');
  return job as Record<string, number | string>;
}

function seconds(value: number): string {
  return value >= 600 ? `${(value / 60).toFixed(1)} min` : `${Math.round(value)} s`;
}

export async function run(args: readonly string[]): Promise<number> {
  const values = parseCommandOptions('predict', args, options);
  const bundlePath = requireOption('predict', 'bundle', values.bundle);
  const jobText = requireOption('predict', 'job', values.job);
  const bundle = await readBundleFile(bundlePath);
  const job = parseJob(jobText);
  const prediction = compileBundle(bundle).predict(job);

  const validatedEce = bundle.metrics.cvEce ?? null;
  // A bare bundle: no cluster has recorded outcomes for it yet.
  const decision = gateDecision({
    probability: prediction.probability,
    standing: { scope: ActionScope.learning, qualifiedTiers: [], driftStatus: DriftStatus.none, reasons: [`learning mode: 0 of ${DEFAULT_GATE_CONFIG.minOutcomes} outcomes observed`], evidence: null, outcomes: 0 },
  });
  const tierOnceConfirmed = allowedTier(prediction.probability, validatedEce);
  const scopeOnceConfirmed = validatedEce === null ? null : scopeFromScore(calibrationScore(validatedEce));

  if (values.json === true) {
    const report = { bundleId: bundle.bundleId, prediction, validatedEce, decision, tierOnceConfirmed, scopeOnceConfirmed };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  const wait = prediction.wait;
  const lines = [
    `P(long wait)   ${prediction.probability.toFixed(3)}   (raw score ${prediction.rawScore.toFixed(3)}; long wait = above ${
      bundle.training.labelThresholdSeconds === null ? 'the threshold labelled in the training data' : seconds(bundle.training.labelThresholdSeconds)})`,
    wait === null
      ? 'wait           no estimate: the bundle was trained without observed waits'
      : `wait           ~${seconds(wait.pointSeconds)} (${Math.round(wait.coverage * 100)} % between ${seconds(wait.lowerSeconds)} and ${seconds(wait.upperSeconds)})`,
    `scope          ${ACTION_SCOPE_WORDS[decision.scope]} — a bare bundle has no outcomes from a live cluster ` +
      `(${DEFAULT_GATE_CONFIG.minOutcomes} needed); a cluster's scope comes from its own outcome window`,
    validatedEce === null
      ? 'tier           none: the bundle carries no cross-validated ECE'
      : `tier           ${tierOnceConfirmed ?? 'none'} once confirmed — cross-validated ECE ${validatedEce.toFixed(3)} ` +
        `(score ${calibrationScore(validatedEce).toFixed(2)}, ${scopeOnceConfirmed === null ? '' : ACTION_SCOPE_WORDS[scopeOnceConfirmed]}); ` +
        `requested by p alone: ${decision.requestedTier ?? 'none'}`,
    `gate now       ${decision.outcome}${decision.reasons.length === 0 ? '' : `: ${decision.reasons.join('; ')}`}`,
    ...(prediction.unknownFeatures.length === 0
      ? []
      : [`unknown        ${prediction.unknownFeatures.join(', ')}: not given, scored as unknown (a number as its training mean, a category as none of the known ones)`]),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/**
 * `vgac predict`: scores one job with a bundle file and shows what the gate would allow. A bare
 * bundle has no live outcomes, so its scope is learning (escalate only); the tier line shows
 * what its cross-validated ECE would allow once a cluster's outcome window confirms it.
 * With `--cluster`, the job is asked about a registered cluster as `POST /api/predict/wait` asks
 * (a what-if on the configured store), and the answer shows its wait distribution and P(start
 * within T).
 */
import { storedStateObserver } from '../../../app/agents/stored-state-observer.ts';
import { predictWait } from '../../../app/http/predict-wait.ts';
import { validate } from '../../../app/http/read-request.ts';
import { JobSpecBody, MAX_WITHIN_SECONDS, toJobSpec } from '../../../app/http/request-schemas.ts';
import type { VgacPrediction } from '../../../app/http/vgac-prediction.ts';
import { percentText } from '../../../core/agents/answer-text.ts';
import { InvalidInputError } from '../../../core/errors.ts';
import { ActionScope, DEFAULT_GATE_CONFIG, DriftStatus } from '../../../core/gating/gate-config.ts';
import { ACTION_SCOPE_WORDS, scopeFromScore } from '../../../core/gating/action-scope.ts';
import { calibrationScore } from '../../../core/gating/calibration-score.ts';
import { gateDecision } from '../../../core/gating/gate.ts';
import { allowedTier } from '../../../core/gating/tiers.ts';
import { compileBundle } from '../../../core/model/apply-bundle.ts';
import { readBundleFile } from '../read-bundle-file.ts';
import { parseCommandOptions, requireOption } from '../parse-command-options.ts';
import { loadConfig } from '../../config.ts';
import { systemClock } from '../../http-wiring.ts';
import { createRuntime } from '../../runtime.ts';
import { DEFAULT_WITHIN_SECONDS, options } from './predict-usage.ts';

function parseJob(text: string): Record<string, number | string> {
  let job: unknown;
  try {
    job = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`--job is not valid JSON (${error instanceof Error ? error.message : String(error)})`, {
      cause: error,
    });
  }
  if (job === null || typeof job !== 'object' || Array.isArray(job))
    throw new InvalidInputError('--job must be a JSON object of feature values');
  return job as Record<string, number | string>;
}

function seconds(value: number): string {
  return value >= 600 ? `${(value / 60).toFixed(1)} min` : `${Math.round(value)} s`;
}

/** `--within SECONDS`: a number of seconds ≥ 0 (an hour when not given). */
function withinOption(value: string | undefined): number {
  if (value === undefined) return DEFAULT_WITHIN_SECONDS;
  const seconds = Number(value);
  if (value.trim() === '' || !(seconds >= 0 && seconds <= MAX_WITHIN_SECONDS))
    throw new InvalidInputError(`--within must be a number of seconds in [0, ${MAX_WITHIN_SECONDS}], got '${value}'`);
  return seconds;
}

/** A horizon for people: `1 h`, `30 min`, `90 s`. */
function horizonText(value: number): string {
  if (value >= 3600 && value % 3600 === 0) return `${value / 3600} h`;
  if (value >= 60 && value % 60 === 0) return `${value / 60} min`;
  return `${value} s`;
}

/** The distribution in one line: `5 % 1 min · 10 % 2 min · … · 95 % 3.2 h`. */
export function quantilesLine(prediction: Pick<VgacPrediction, 'wait_quantiles'>): string {
  if (prediction.wait_quantiles === null) return 'none yet: the cluster has too few observed waits';
  return prediction.wait_quantiles
    .map((quantile) => `${Math.round(quantile.level * 100)} % ${seconds(quantile.seconds)}`)
    .join(' · ');
}

/** Asks a registered cluster (the configured store), as POST /api/predict/wait does; a what-if, nothing stored. */
async function runOnCluster(clusterId: string, jobText: string, withinSeconds: number, json: boolean): Promise<number> {
  const body = validate(JobSpecBody, parseJob(jobText), 'body');
  const config = loadConfig(undefined, { logLevel: 'silent' });
  const runtime = await createRuntime(config);
  try {
    const observer = storedStateObserver(runtime.learning.predictions);
    const predicted = await predictWait(
      { learning: runtime.learning, observer, clock: systemClock },
      { clusterId, jobId: undefined, job: toJobSpec(body), horizon: { withinSeconds } },
    );
    if (json) {
      process.stdout.write(`${JSON.stringify(predicted, null, 2)}\n`);
      return 0;
    }
    const wait = predicted.wait_interval;
    const probability = predicted.p_start_within?.probability ?? null;
    const lines = [
      `P(long wait)   ${predicted.probability_long_wait.toFixed(3)}   (long wait = above ${seconds(predicted.calibration.long_wait_threshold_seconds)})`,
      predicted.estimated_wait_seconds === null || wait === null
        ? 'wait           no estimate yet'
        : `wait           ~${seconds(predicted.estimated_wait_seconds)} (${Math.round(wait.coverage * 100)} % between ${seconds(wait.lower_seconds)} and ${seconds(wait.upper_seconds)})`,
      `distribution   ${quantilesLine(predicted)}`,
      `P(start within ${horizonText(withinSeconds)}) = ${probability === null ? 'unknown (no distribution yet)' : percentText(probability)}`,
      `scope          ${predicted.scope}${predicted.is_calibrated ? '' : ' (not calibrated enough to rely on)'} — ${predicted.recommendation}`,
      ...(predicted.unknown_features.length === 0
        ? []
        : [`unknown        ${predicted.unknown_features.join(', ')}: not given, scored as unknown`]),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await runtime.close();
  }
}

export async function run(args: readonly string[]): Promise<number> {
  const values = parseCommandOptions('predict', args, options);
  if (values.cluster !== undefined) {
    if (values.bundle !== undefined)
      throw new InvalidInputError("give --bundle or --cluster, not both (try 'vgac predict --help')");
    return runOnCluster(
      values.cluster,
      requireOption('predict', 'job', values.job),
      withinOption(values.within),
      values.json === true,
    );
  }
  if (values.within !== undefined)
    throw new InvalidInputError(
      "--within needs --cluster: a bare bundle has no wait distribution (try 'vgac predict --help')",
    );
  const bundlePath = requireOption('predict', 'bundle', values.bundle);
  const jobText = requireOption('predict', 'job', values.job);
  const bundle = await readBundleFile(bundlePath);
  const job = parseJob(jobText);
  const prediction = compileBundle(bundle).predict(job);

  const validatedEce = bundle.metrics.cvEce ?? null;
  // A bare bundle: no cluster has recorded outcomes for it yet.
  const decision = gateDecision({
    probability: prediction.probability,
    standing: {
      scope: ActionScope.learning,
      qualifiedTiers: [],
      driftStatus: DriftStatus.none,
      reasons: [`learning mode: 0 of ${DEFAULT_GATE_CONFIG.minOutcomes} outcomes observed`],
      evidence: null,
      outcomes: 0,
    },
  });
  const tierOnceConfirmed = allowedTier(prediction.probability, validatedEce);
  const scopeOnceConfirmed = validatedEce === null ? null : scopeFromScore(calibrationScore(validatedEce));

  if (values.json === true) {
    const report = {
      bundleId: bundle.bundleId,
      prediction,
      validatedEce,
      decision,
      tierOnceConfirmed,
      scopeOnceConfirmed,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  const wait = prediction.wait;
  const lines = [
    `P(long wait)   ${prediction.probability.toFixed(3)}   (raw score ${prediction.rawScore.toFixed(3)}; long wait = above ${
      bundle.training.labelThresholdSeconds === null
        ? 'the threshold labelled in the training data'
        : seconds(bundle.training.labelThresholdSeconds)
    })`,
    wait === null
      ? 'wait           no estimate: the bundle was trained without observed waits'
      : `wait           ~${seconds(wait.pointSeconds)} (${Math.round(wait.coverage * 100)} % between ${seconds(wait.lowerSeconds)} and ${seconds(wait.upperSeconds)})`,
    "distribution   none: a bare bundle has no observed waits (--cluster ID shows a registered cluster's, with P(start within 1 h))",
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
      : [
          `unknown        ${prediction.unknownFeatures.join(', ')}: not given, scored as unknown (a number as its training mean, a category as none of the known ones)`,
        ]),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

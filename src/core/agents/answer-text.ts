/**
 * The words of an answer, written from facts alone: what the offline reasoner says, and what any
 * answer falls back to. Honest by scope (SPEC, "Who uses it"): autonomous → the estimate and its
 * interval as SPEC's example writes it; notify → the same with the interval's ± half-width and
 * the ECE it is calibrated within; escalate → says the calibration is not
 * good enough to rely on; learning → "I am still learning this cluster".
 */
import { ActionScope } from '../gating/gate-config.ts';

export interface AnswerFacts {
  readonly clusterId: string;
  readonly probability: number;
  readonly waitPointSeconds: number | null;
  readonly waitLowerSeconds: number | null;
  readonly waitUpperSeconds: number | null;
  /** Nominal coverage of the interval, in (0, 1). */
  readonly coverage: number | null;
  readonly scope: ActionScope;
  readonly intervention: string;
  readonly ece: number | null;
  readonly outcomeCount: number;
  readonly minOutcomes: number;
}

/** A wait for people: `45 s`, `25 min`, `3.5 h`, `2.0 days`. */
export function humanDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return 'unknown';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}

/**
 * `~25 min (80 % between 12 min and 41 min)`; with `plusMinus`, the interval's half-width too:
 * `~25 min ± 15 min (80 % between …)`, the caveat the notify scope carries.
 */
function estimateText(facts: AnswerFacts, plusMinus = false): string {
  if (facts.waitPointSeconds === null) return `P(long wait) ${Math.round(facts.probability * 100)} %`;
  const point = humanDuration(facts.waitPointSeconds);
  if (facts.waitLowerSeconds === null || facts.waitUpperSeconds === null) return `~${point}`;
  const coverage = facts.coverage === null ? '' : `${Math.round(facts.coverage * 100)} % `;
  const spread = plusMinus ? ` ± ${humanDuration((facts.waitUpperSeconds - facts.waitLowerSeconds) / 2)}` : '';
  return `~${point}${spread} (${coverage}between ${humanDuration(facts.waitLowerSeconds)} and ${humanDuration(facts.waitUpperSeconds)})`;
}

/**
 * Why a cluster is still learning, in words: too few outcomes, or enough outcomes but too few of
 * one kind (the gate's per-class rule) — never "150 of 50 outcomes".
 */
export function learningProgress(outcomeCount: number, minOutcomes: number): string {
  return outcomeCount < minOutcomes
    ? `${outcomeCount} of ${minOutcomes} outcomes observed`
    : `${outcomeCount} outcomes observed, too few long or short waits among them to judge`;
}

/** One or two sentences answering "when will my job start?" honestly for the scope. */
export function answerText(facts: AnswerFacts): string {
  const estimate = estimateText(facts);
  const longWait = `P(long wait) ${Math.round(facts.probability * 100)} %`;
  const action = facts.intervention === 'none' ? '' : ` · ${facts.intervention.replace(/_/g, ' ')}`;
  switch (facts.scope) {
    case ActionScope.autonomous:
      return `${estimate} · ${longWait} · calibrated · autonomous${action}`;
    case ActionScope.notify:
      return `${estimateText(facts, true)} · ${longWait} · calibrated within ECE ${facts.ece?.toFixed(3) ?? '?'} · act and notify${action}`;
    case ActionScope.escalate:
      return `I cannot predict reliably on ${facts.clusterId} right now: its calibration (ECE ${facts.ece?.toFixed(3) ?? 'unknown'}) is not good enough to act on. Rough estimate ${estimate}; a human decides.`;
    case ActionScope.learning:
      return `I am still learning this cluster (${learningProgress(facts.outcomeCount, facts.minOutcomes)}). Rough, uncalibrated estimate ${estimate}.`;
  }
}

/** What a "will it start by then?" answer states: the deadline, P(start by it) and the cluster's standing. */
export interface StartWithinFacts {
  readonly clusterId: string;
  /** The deadline as the question stated it: "before 17:00", "within 2 hours". */
  readonly deadlineText: string;
  /** Seconds from now to the deadline, ≥ 0. */
  readonly seconds: number;
  /** P(wait ≤ seconds) from the job's wait distribution, in [0, 1]; null when the cluster issues none yet. */
  readonly probability: number | null;
  readonly scope: ActionScope;
  readonly ece: number | null;
  readonly outcomeCount: number;
  readonly minOutcomes: number;
}

/** A probability as people read it: `62 %`; `< 1 %` and `> 99 %` rather than a 0 % or 100 % it is not. */
export function percentText(probability: number): string {
  if (probability > 0 && probability < 0.01) return '< 1 %';
  if (probability > 0.99 && probability < 1) return '> 99 %';
  return `${Math.round(probability * 100)} %`;
}

/**
 * One sentence answering "will my job start before 17:00?" / "…within 2 hours?": the chance, and
 * how far it can be trusted on this cluster (its scope's caveat, as {@link answerText} words it).
 */
export function startWithinText(facts: StartWithinFacts): string {
  const when = `${facts.deadlineText} (in ${humanDuration(facts.seconds)})`;
  if (facts.probability === null)
    return `I cannot yet say how likely it is to start ${when}: ${facts.clusterId} has too few observed waits for a wait distribution.`;
  const chance = `Chance it starts ${when}: ${percentText(facts.probability)}`;
  const ece = facts.ece?.toFixed(3);
  switch (facts.scope) {
    case ActionScope.autonomous:
      return `${chance}, calibrated on ${facts.clusterId}'s own outcomes.`;
    case ActionScope.notify:
      return `${chance}; ${facts.clusterId}'s calibration is fair, not excellent (ECE ${ece ?? '?'}): read it as a rough share.`;
    case ActionScope.escalate:
      return `${chance}, but ${facts.clusterId}'s calibration (ECE ${ece ?? 'unknown'}) is not good enough to rely on right now: a human decides.`;
    case ActionScope.learning:
      return `${chance}, but I am still learning ${facts.clusterId} (${learningProgress(facts.outcomeCount, facts.minOutcomes)}): an uncalibrated guess.`;
  }
}

/** What a "status of <cluster>" answer states: the cluster's calibration and, when observed, its queue. */
export interface StatusFacts {
  readonly clusterId: string;
  readonly scope: ActionScope;
  /** ECE of the issued forecasts in the evidence, and its upper confidence bound (null: no evidence). */
  readonly ece: number | null;
  readonly eceUpper: number | null;
  /** The calibration score by the upper bound (what the scope is earned on). */
  readonly score: number | null;
  /** Issued forecasts with outcomes in the evidence. */
  readonly evidenceCount: number;
  /** Outcomes since onboarding (what learning mode counts). */
  readonly outcomeCount: number;
  readonly minOutcomes: number;
  readonly driftStatus: string;
  readonly qualifiedTiers: readonly string[];
  readonly queue: {
    readonly pendingJobs: number;
    readonly pendingGpus: number;
    readonly runningJobs: number;
    readonly utilisationPercent: number;
    readonly totalGpus: number;
  } | null;
}

/**
 * One line on how a cluster is doing, e.g. `eks-prod · autonomous · calibration score 0.87 (ECE
 * 0.014, at most 0.026, over 1000 forecasts) · drift none · tiers annotate, warn · queue 12 pending
 * (40 GPUs), 30 running, 78 % of 64 GPUs in use`.
 */
export function statusText(facts: StatusFacts): string {
  const parts = [facts.clusterId];
  if (facts.scope === ActionScope.learning) {
    parts.push(`learning (${learningProgress(facts.outcomeCount, facts.minOutcomes)}): escalates, never acts`);
  } else {
    const words = { autonomous: 'autonomous', notify: 'acts and notifies a human', escalate: 'escalates, never acts' }[
      facts.scope
    ];
    parts.push(words);
  }
  if (facts.score !== null && facts.ece !== null && facts.eceUpper !== null) {
    parts.push(
      `calibration score ${facts.score.toFixed(2)} (ECE ${facts.ece.toFixed(3)}, at most ${facts.eceUpper.toFixed(3)}, over ${facts.evidenceCount} forecasts)`,
    );
  }
  parts.push(`drift ${facts.driftStatus.replace(/_/g, ' ')}`);
  parts.push(
    facts.qualifiedTiers.length === 0
      ? 'no tier qualified'
      : `tiers ${facts.qualifiedTiers.map((tier) => tier.replace(/_/g, ' ')).join(', ')}`,
  );
  const { queue } = facts;
  if (queue !== null) {
    parts.push(
      `queue ${queue.pendingJobs} pending (${queue.pendingGpus} GPUs), ${queue.runningJobs} running, ${Math.round(queue.utilisationPercent)} % of ${queue.totalGpus} GPUs in use`,
    );
  }
  return parts.join(' · ');
}

/** The honest answer when the queue state or the prediction source cannot be reached. */
export function cannotPredictText(clusterId: string, reason: string): string {
  return `I cannot predict now on ${clusterId}: ${reason}. Confidence 0; nothing was done, a human decides.`;
}

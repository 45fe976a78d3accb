import { describe, expect, it } from 'vitest';
import { ActionScope } from '../gating/gate-config.ts';
import {
  answerText,
  cannotPredictText,
  humanDuration,
  learningProgress,
  percentText,
  startWithinText,
  statusText,
  type AnswerFacts,
  type StartWithinFacts,
  type StatusFacts,
} from './answer-text.ts';

const FACTS: AnswerFacts = {
  clusterId: 'slurm-hpc',
  probability: 0.734,
  waitPointSeconds: 1500,
  waitLowerSeconds: 720,
  waitUpperSeconds: 2460,
  coverage: 0.8,
  scope: ActionScope.autonomous,
  intervention: 'suggest_reschedule',
  ece: 0.0214,
  outcomeCount: 12,
  minOutcomes: 50,
};

describe('humanDuration', () => {
  it.each([
    [0, '0 s'],
    [44.6, '45 s'],
    [59.4, '59 s'],
    [60, '1 min'],
    [1500, '25 min'],
    [3599, '60 min'],
    [3600, '1.0 h'],
    [12_600, '3.5 h'],
    [48 * 3600 - 1, '48.0 h'],
    [48 * 3600, '2.0 days'],
    [-1, 'unknown'],
    [Number.NaN, 'unknown'],
    [Number.POSITIVE_INFINITY, 'unknown'],
  ])('writes %s seconds as %s', (seconds, expected) => {
    expect(humanDuration(seconds)).toBe(expected);
  });
});

describe('answerText', () => {
  it('autonomous: the estimate with its interval, calibrated, and the intervention in words', () => {
    expect(answerText(FACTS)).toBe(
      '~25 min (80 % between 12 min and 41 min) · P(long wait) 73 % · calibrated · autonomous · suggest reschedule',
    );
  });

  it('autonomous without an intervention and without a stated coverage', () => {
    expect(answerText({ ...FACTS, intervention: 'none', coverage: null })).toBe(
      '~25 min (between 12 min and 41 min) · P(long wait) 73 % · calibrated · autonomous',
    );
  });

  it('falls back to the point alone when a bound is missing, and to P(long wait) without a wait', () => {
    expect(answerText({ ...FACTS, waitLowerSeconds: null, intervention: 'none' })).toBe(
      '~25 min · P(long wait) 73 % · calibrated · autonomous',
    );
    expect(answerText({ ...FACTS, waitUpperSeconds: null, intervention: 'none' })).toBe(
      '~25 min · P(long wait) 73 % · calibrated · autonomous',
    );
    expect(answerText({ ...FACTS, waitPointSeconds: null, intervention: 'none' })).toBe(
      'P(long wait) 73 % · P(long wait) 73 % · calibrated · autonomous',
    );
  });

  it('notify: states the ECE it is calibrated within, or ? when unknown', () => {
    const notify = { ...FACTS, scope: ActionScope.notify, intervention: 'warn' };

    // ± half the interval's width: (2460 − 720) / 2 = 870 s ≈ 15 min.
    expect(answerText(notify)).toBe(
      '~25 min ± 15 min (80 % between 12 min and 41 min) · P(long wait) 73 % · calibrated within ECE 0.021 · act and notify · warn',
    );
    expect(answerText({ ...notify, waitLowerSeconds: null })).toBe(
      '~25 min · P(long wait) 73 % · calibrated within ECE 0.021 · act and notify · warn',
    );
    expect(answerText({ ...notify, ece: null })).toContain('calibrated within ECE ? · act and notify');
  });

  it('escalate: says the calibration is not good enough and a human decides', () => {
    const escalate = { ...FACTS, scope: ActionScope.escalate, ece: 0.1234 };

    expect(answerText(escalate)).toBe(
      'I cannot predict reliably on slurm-hpc right now: its calibration (ECE 0.123) is not good enough to act on. Rough estimate ~25 min (80 % between 12 min and 41 min); a human decides.',
    );
    expect(answerText({ ...escalate, ece: null })).toContain('its calibration (ECE unknown)');
  });

  it('learning: "I am still learning this cluster" with the outcome count', () => {
    expect(answerText({ ...FACTS, scope: ActionScope.learning })).toBe(
      'I am still learning this cluster (12 of 50 outcomes observed). Rough, uncalibrated estimate ~25 min (80 % between 12 min and 41 min).',
    );
  });
});

describe('cannotPredictText', () => {
  it('names the cluster and the reason, with zero confidence', () => {
    expect(cannotPredictText('eks-a', 'the collector timed out')).toBe(
      'I cannot predict now on eks-a: the collector timed out. Confidence 0; nothing was done, a human decides.',
    );
  });
});

describe('learningProgress', () => {
  it('learningProgress counts toward minOutcomes, then names the per-class shortfall instead of "150 of 50"', () => {
    expect(learningProgress(12, 50)).toBe('12 of 50 outcomes observed');
    expect(learningProgress(150, 50)).toBe('150 outcomes observed, too few long or short waits among them to judge');
  });
});

describe('statusText', () => {
  const STATUS: StatusFacts = {
    clusterId: 'eks-prod',
    scope: ActionScope.autonomous,
    ece: 0.0142,
    eceUpper: 0.0263,
    score: 0.929,
    evidenceCount: 240,
    outcomeCount: 250,
    minOutcomes: 50,
    driftStatus: 'none',
    qualifiedTiers: ['annotate', 'warn', 'suggest_reschedule'],
    queue: { pendingJobs: 12, pendingGpus: 40, runningJobs: 30, utilisationPercent: 78.1, totalGpus: 64 },
  };

  it('statusText states scope, calibration, drift, tiers and the queue', () => {
    expect(statusText(STATUS)).toBe(
      'eks-prod · autonomous · calibration score 0.93 (ECE 0.014, at most 0.026, over 240 forecasts) · drift none · tiers annotate, warn, suggest reschedule · queue 12 pending (40 GPUs), 30 running, 78 % of 64 GPUs in use',
    );
  });

  it('statusText says a learning cluster only escalates, without a score it has not measured or a queue it has not seen', () => {
    const learning = {
      ...STATUS,
      scope: ActionScope.learning,
      ece: null,
      eceUpper: null,
      score: null,
      evidenceCount: 0,
      outcomeCount: 12,
      qualifiedTiers: [],
      queue: null,
    };

    expect(statusText(learning)).toBe(
      'eks-prod · learning (12 of 50 outcomes observed): escalates, never acts · drift none · no tier qualified',
    );
  });

  it('statusText words notify and escalate scopes and drift statuses', () => {
    expect(statusText({ ...STATUS, scope: ActionScope.notify, driftStatus: 'reduce_autonomy', queue: null })).toContain(
      'eks-prod · acts and notifies a human · calibration score 0.93',
    );
    expect(
      statusText({ ...STATUS, scope: ActionScope.escalate, driftStatus: 'reduce_autonomy', queue: null }),
    ).toContain(
      'escalates, never acts · calibration score 0.93 (ECE 0.014, at most 0.026, over 240 forecasts) · drift reduce autonomy',
    );
  });

  it('statusText leaves the calibration out unless the score, the ECE and its upper bound are all known', () => {
    const partial = [{ score: null }, { ece: null }, { eceUpper: null }].map((missing) =>
      statusText({ ...STATUS, ...missing, queue: null }),
    );

    expect(partial).toEqual(
      Array(3).fill('eks-prod · autonomous · drift none · tiers annotate, warn, suggest reschedule'),
    );
  });
});

describe('percentText', () => {
  it.each([
    [0, '0 %'],
    [0.004, '< 1 %'],
    [0.01, '1 %'],
    [0.624, '62 %'],
    [0.99, '99 %'],
    [0.996, '> 99 %'],
    [1, '100 %'],
  ])('writes %s as %s', (probability, expected) => {
    expect(percentText(probability)).toBe(expected);
  });
});

describe('startWithinText', () => {
  const WITHIN: StartWithinFacts = {
    clusterId: 'slurm-hpc',
    deadlineText: 'before 17:00',
    seconds: 25_200,
    probability: 0.624,
    scope: ActionScope.autonomous,
    ece: 0.0214,
    outcomeCount: 12,
    minOutcomes: 50,
  };

  it.each([
    [ActionScope.autonomous, "Chance it starts before 17:00 (in 7.0 h): 62 %, calibrated on slurm-hpc's own outcomes."],
    [
      ActionScope.notify,
      "Chance it starts before 17:00 (in 7.0 h): 62 %; slurm-hpc's calibration is fair, not excellent (ECE 0.021): read it as a rough share.",
    ],
    [
      ActionScope.escalate,
      "Chance it starts before 17:00 (in 7.0 h): 62 %, but slurm-hpc's calibration (ECE 0.021) is not good enough to rely on right now: a human decides.",
    ],
    [
      ActionScope.learning,
      'Chance it starts before 17:00 (in 7.0 h): 62 %, but I am still learning slurm-hpc (12 of 50 outcomes observed): an uncalibrated guess.',
    ],
  ])("%s: the chance with the scope's caveat", (scope, expected) => {
    expect(startWithinText({ ...WITHIN, scope })).toBe(expected);
  });

  it('says what it cannot say without a distribution, and when the ECE is unmeasured', () => {
    expect(startWithinText({ ...WITHIN, deadlineText: 'within 2 hours', seconds: 7200, probability: null })).toBe(
      'I cannot yet say how likely it is to start within 2 hours (in 2.0 h): slurm-hpc has too few observed waits for a wait distribution.',
    );
    expect(startWithinText({ ...WITHIN, scope: ActionScope.notify, ece: null })).toContain('(ECE ?)');
    expect(startWithinText({ ...WITHIN, scope: ActionScope.escalate, ece: null })).toContain('(ECE unknown)');
  });
});

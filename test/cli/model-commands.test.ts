/**
 * `vgac train | eval | predict` end to end: each test spawns the real CLI (`node bin/vgac.js`),
 * on the reference data (test/support/shared-data.ts: VGAC_SHARED_DATA or ../shared/data) and on
 * small broken files written to a temp dir.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runVgac as vgac, type VgacRun as Run } from '../support/run-vgac.ts';
import { sharedDataPath, SharedDataFile } from '../support/shared-data.ts';

const EKS = sharedDataPath(SharedDataFile.eksSample);
const SLURM = sharedDataPath(SharedDataFile.slurmSample);
const SLURM_TRAINING = sharedDataPath(SharedDataFile.slurmTraining);
const work = mkdtempSync(join(tmpdir(), 'vgac-cli-'));

afterAll(() => rmSync(work, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(work, name);
  writeFileSync(path, content);
  return path;
}

const QUEUE_STATE =
  'pending_ratio,queue_depth_norm,fragmentation_score,congestion_score,pending_gpus,total_pending,running_gpus,gpu_nodes_alloc,gpu_nodes_total';
const HEADER = `${QUEUE_STATE},label_long_wait`;
const JOB = {
  pending_ratio: 0.28,
  queue_depth_norm: 12,
  fragmentation_score: 0.33,
  congestion_score: 0.37,
  pending_gpus: 4,
  total_pending: 1,
  running_gpus: 3,
  gpu_nodes_alloc: 1,
  gpu_nodes_total: 1,
};

/** A user mistake: exit 2 and exactly one line on stderr containing `text`, never a stack trace. */
function expectOneLineError(run: Run, text: string): void {
  const lines = run.stderr.trimEnd().split('\n');
  expect(run.code).toBe(2);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(text);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

describe('vgac train and predict on the EKS sample', () => {
  const bundlePath = join(work, 'models', 'eks.json');

  it('trains a bundle, then predicts a job with an honest learning scope', async () => {
    const trained = await vgac('train', '--data', EKS, '--out', bundlePath);
    const predicted = await vgac('predict', '--bundle', bundlePath, '--job', JSON.stringify(JOB));
    const asJson = await vgac('predict', '--bundle', bundlePath, '--job', JSON.stringify(JOB), '--json');

    expect(trained.code).toBe(0);
    expect(trained.stdout).toContain('cross-validated (5-fold, seed 42): AUROC 0.');
    const bundle = JSON.parse(readFileSync(bundlePath, 'utf8')) as {
      training: { source: string; rows: number };
      metrics: Record<string, number>;
    };
    expect(bundle.training).toMatchObject({ source: 'eks_dec_sample.csv', rows: 500 });
    expect(bundle.metrics.cvAuroc).toBeGreaterThan(0.85);
    expect(predicted.code).toBe(0);
    expect(predicted.stdout).toMatch(/^P\(long wait\) {3}[01]\.\d{3}/);
    expect(predicted.stdout).toContain('learning mode: escalate only — a bare bundle has no outcomes');
    const report = JSON.parse(asJson.stdout) as {
      prediction: { probability: number };
      decision: { scope: string };
      validatedEce: number;
    };
    expect(report.decision.scope).toBe('learning');
    expect(report.validatedEce).toBe(bundle.metrics.cvEce);
    expect(report.prediction.probability).toBeGreaterThanOrEqual(0);
    expect(report.prediction.probability).toBeLessThanOrEqual(1);
  });

  it('train --json prints the training report (nothing else on stdout) and still writes the bundle to --out', async () => {
    const jsonBundlePath = join(work, 'models', 'eks-json.json');

    const run = await vgac('train', '--data', EKS, '--out', jsonBundlePath, '--json');

    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as {
      kind: string;
      out: string;
      bundleId: string;
      training: { source: string; rows: number; longWaits: number };
      numericFeatures: string[];
      crossValidation: { kind: string; protocol: { foldScheme: string }; calibrated: { auroc: number; ece: number } };
    };
    const bundle = JSON.parse(readFileSync(jsonBundlePath, 'utf8')) as {
      bundleId: string;
      training: { rows: number; positives: number };
      numericFeatures: string[];
    };
    expect(report.kind).toBe('training');
    expect(report.out).toBe(jsonBundlePath);
    expect(report.bundleId).toBe(bundle.bundleId);
    expect(report.training).toMatchObject({
      source: 'eks_dec_sample.csv',
      rows: 500,
      longWaits: bundle.training.positives,
    });
    expect(report.numericFeatures).toEqual(QUEUE_STATE.split(','));
    // The same reference as `vgac eval` below (sklearn 1.2.1, StratifiedKFold(5, shuffle=True, random_state=42),
    // CalibratedClassifierCV(method='isotonic', cv=5)): roc_auc_score = 0.893467, 15-bin equal-mass ECE = 0.038495.
    expect(report.crossValidation.kind).toBe('cross-validation');
    expect(report.crossValidation.protocol.foldScheme).toBe('sklearn');
    expect(report.crossValidation.calibrated.auroc).toBeCloseTo(0.893467, 4);
    expect(report.crossValidation.calibrated.ece).toBeCloseTo(0.038495, 4);
  });

  it('vgac help train documents --json', async () => {
    const run = await vgac('help', 'train');

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ {2}--json {18}print the training report as JSON on stdout/m);
  });

  it('refuses a bad --job (not JSON, an unknown feature) and scores a missing feature as unknown, saying so', async () => {
    const notJson = await vgac('predict', '--bundle', bundlePath, '--job', '{pending_ratio: 0.3');
    const unknown = await vgac('predict', '--bundle', bundlePath, '--job', JSON.stringify({ ...JOB, foo: 1 }));
    const { running_gpus: _dropped, ...partial } = JOB;
    const missing = await vgac('predict', '--bundle', bundlePath, '--job', JSON.stringify(partial));

    expectOneLineError(notJson, 'vgac predict: --job is not valid JSON');
    expectOneLineError(unknown, "unknown feature 'foo'; expected one of pending_ratio,");
    expect(missing.code).toBe(0);
    expect(missing.stdout).toContain('unknown        running_gpus: not given, scored as unknown');
  });

  it('refuses a corrupt bundle: not JSON, wrong shape, edited content, missing file', async () => {
    const bundle = JSON.parse(readFileSync(bundlePath, 'utf8')) as {
      classifier: { intercept: number };
      calibrator: unknown;
    };
    const notJson = file('not-json.json', '{"schemaVersion": 1,');
    const wrongShape = file(
      'wrong-shape.json',
      JSON.stringify({ ...bundle, calibrator: { kind: 'isotonic', thresholds: [], values: [] } }),
    );
    const edited = file(
      'edited.json',
      JSON.stringify({ ...bundle, classifier: { ...bundle.classifier, intercept: bundle.classifier.intercept + 1 } }),
    );
    const job = JSON.stringify(JOB);

    const runs = await Promise.all(
      [notJson, wrongShape, edited, join(work, 'absent.json')].map((path) =>
        vgac('predict', '--bundle', path, '--job', job),
      ),
    );

    expectOneLineError(runs[0] as Run, 'not-json.json: not JSON');
    expectOneLineError(runs[1] as Run, 'wrong-shape.json: invalid bundle at calibrator.thresholds:');
    expectOneLineError(runs[2] as Run, "edited.json: bundleId does not match the bundle's content");
    expectOneLineError(runs[3] as Run, "cannot read bundle '");
  });
});

describe('vgac eval', () => {
  it('cross-validates the Slurm sample and prints the table', async () => {
    const run = await vgac('eval', '--data', SLURM);

    expect(run.code).toBe(0);
    for (const label of [
      'AUROC',
      'AUPRC',
      'ECE (15 equal-mass bins)',
      'ECE (15 equal-width bins)',
      'MCE',
      'Brier score',
      'reliability',
      'resolution',
      'uncertainty',
      'qualified tiers',
      'wait interval',
    ]) {
      expect(run.stdout).toContain(label);
    }
    expect(run.stdout).toMatch(/ECE \(15 equal-mass bins\) +0\.\d{3} {3}\[0\.\d{3}, 0\.\d{3}\]/);
  });

  it('prints the report object with --json, with wait coverage on the full Slurm dataset', async () => {
    const run = await vgac('eval', '--data', SLURM_TRAINING, '--json', '--resamples', '100');

    const report = JSON.parse(run.stdout) as {
      kind: string;
      categoricalFeatures: string[];
      calibrated: { count: number; auroc: number };
      waitIntervals: { coverage: number; nominalCoverage: number };
    };
    expect(report.kind).toBe('cross-validation');
    expect(report.categoricalFeatures).toEqual(['job_type']);
    expect(report.calibrated.count).toBe(555);
    expect(report.calibrated.auroc).toBeGreaterThan(0.9);
    expect(report.waitIntervals.nominalCoverage).toBe(0.8);
    // Held-out coverage of the 80 % interval: 0.645 while the wait bins were cut on the single
    // calibrator's probabilities but looked up with the ensemble's (train-bundle.ts).
    expect(report.waitIntervals.coverage).toBeGreaterThanOrEqual(0.8);
  });

  it('measures transfer from EKS to Slurm: discrimination holds, calibration does not', async () => {
    const run = await vgac('eval', '--train', EKS, '--test', SLURM, '--json', '--resamples', '100');

    const report = JSON.parse(run.stdout) as {
      kind: string;
      calibrationGap: number;
      calibrated: { auroc: number };
      home: { calibrated: { ece: number } };
    };
    expect(report.kind).toBe('transfer');
    expect(report.calibrated.auroc).toBeGreaterThan(0.85);
    expect(report.calibrationGap).toBeGreaterThan(0.1);
  });

  it("runs the reference's protocol by default: scikit-learn's folds reproduce its out-of-fold metrics", async () => {
    // Reference, sklearn 1.2.1 on the 9 queue-state columns, out-of-fold p pooled over
    //   for tr, te in StratifiedKFold(5, shuffle=True, random_state=42).split(X, y):
    //     p[te] = CalibratedClassifierCV(make_pipeline(StandardScaler(), LogisticRegression(C=1.0)),
    //                                    method='isotonic', cv=5).fit(X[tr], y[tr]).predict_proba(X[te])[:, 1]
    // roc_auc_score(y, p) = 0.893467, brier_score_loss(y, p) = 0.118680; ECE over 15 equal-mass bins of
    // numpy.array_split(numpy.argsort(p, kind='mergesort'), 15) = 0.038495 (no tied group straddles an edge here).
    const run = await vgac('eval', '--data', EKS, '--json', '--resamples', '20');

    const report = JSON.parse(run.stdout) as {
      protocol: { foldScheme: string };
      calibrated: { auroc: number; ece: number; brier: number };
    };
    expect(report.protocol.foldScheme).toBe('sklearn');
    expect(report.calibrated.auroc).toBeCloseTo(0.893467, 4);
    expect(report.calibrated.brier).toBeCloseTo(0.11868, 4);
    expect(report.calibrated.ece).toBeCloseTo(0.038495, 4);
  });

  it('takes --folds seeded for our own shuffle and --fold-count for the number of folds', async () => {
    const [seeded, three] = await Promise.all([
      vgac('eval', '--data', EKS, '--json', '--resamples', '20', '--folds', 'seeded'),
      vgac('eval', '--data', EKS, '--resamples', '20', '--fold-count', '3'),
    ]);

    const report = JSON.parse(seeded.stdout) as { protocol: { foldScheme: string }; calibrated: { auroc: number } };
    expect(report.protocol.foldScheme).toBe('seeded');
    expect(report.calibrated.auroc).not.toBeCloseTo(0.893467, 4);
    expect(three.stdout).toContain('StratifiedKFold(3, shuffle=True, random_state=42)');
  });

  it('shows its help and exits 0', async () => {
    const run = await vgac('eval', '--help');

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('usage: vgac eval --data FILE');
  });
});

describe.concurrent('vgac train/eval user mistakes', () => {
  const good = ['0.3,4,0.2,0.4,3,2,2,1,2,1', '0.1,1,0.5,0.1,0,0,1,1,2,0'];

  it.each([
    ['a missing file', () => [join(work, 'nope.csv')], "cannot read data file '"],
    ['an empty file', () => [file('empty.csv', '')], 'empty.csv: file is empty'],
    [
      'a missing column',
      () => [file('no-running.csv', `${HEADER.replace('running_gpus,', '')}\n0.3,4,0.2,0.4,3,2,1,2,1\n`)],
      "no-running.csv: missing column 'running_gpus'",
    ],
    [
      'a non-numeric cell',
      () => [file('abc.csv', `${HEADER}\n${good[0]}\n0.1,1,0.5,0.1,abc,0,1,1,2,0\n`)],
      "abc.csv: row 2 (file line 3), column pending_gpus: 'abc' is not a number",
    ],
    [
      'a NaN cell',
      () => [file('nan.csv', `${HEADER}\n${good[0]}\nNaN,1,0.5,0.1,0,0,1,1,2,0\n`)],
      "nan.csv: row 2 (file line 3), column pending_ratio: 'NaN' is not a finite number",
    ],
    [
      'an Infinity cell',
      () => [file('inf.csv', `${HEADER}\n${good[0]}\n0.1,Infinity,0.5,0.1,0,0,1,1,2,0\n`)],
      "inf.csv: row 2 (file line 3), column queue_depth_norm: 'Infinity' is not a finite number",
    ],
    [
      'one class only',
      () => [file('one-class.csv', `${HEADER}\n${good[1]}\n${good[1]}\n`)],
      'one-class.csv: column label_long_wait has only class 0 in 2 rows',
    ],
    ['an unknown feature', () => [EKS, '--features', 'pending_ratio,foo'], "unknown feature 'foo'; expected one of"],
    [
      'a forbidden feature',
      () => [EKS, '--features', 'pending_ratio,raw_score'],
      "feature 'raw_score' is not allowed: another model's output",
    ],
    ['an unknown feature set', () => [EKS, '--features', 'queue-state+gpu'], "unknown feature set 'queue-state+gpu'"],
    ['post-submit DCGM columns', () => [SLURM_TRAINING, '--features', 'queue-state+dcgm'], 'post-submit'],
    ['a broken quote', () => [file('quote.csv', `${HEADER}\n"0.3,4\n`)], 'quote.csv: not valid CSV: Quote Not Closed'],
  ])('eval refuses %s in one line', async (_name, args, message) => {
    const run = await vgac('eval', '--data', ...args());

    expectOneLineError(run, message);
  });

  it('refuses bad options in one line', async () => {
    const runs = await Promise.all([
      vgac('eval', '--bogus'),
      vgac('eval'),
      vgac('train', '--data', EKS),
      vgac('eval', '--data', EKS, '--seed', 'x'),
      vgac('train', '--data', EKS, '--out', join(work, 'b.json'), '--calibrator', 'beta'),
      vgac('eval', '--data', EKS, '--folds', '5'),
      vgac('eval', '--data', EKS, '--folds', 'random'),
      vgac('eval', '--data', EKS, '--seed', '4294967296'),
    ]);

    expectOneLineError(runs[0], "vgac eval: Unknown option '--bogus' (try 'vgac eval --help')");
    expectOneLineError(runs[1], '--data FILE (or --train A --test B) is required');
    expectOneLineError(runs[2], '--out is required');
    expectOneLineError(runs[3], "--seed must be an integer ≥ 0, got 'x'");
    expectOneLineError(runs[4], "--calibrator must be one of isotonic, platt, got 'beta'");
    expectOneLineError(runs[5], '--folds is the fold scheme (sklearn or seeded); for 5 folds use --fold-count 5');
    expectOneLineError(runs[6], "--folds must be one of sklearn, seeded, got 'random'");
    expectOneLineError(runs[7], 'seed = 4294967296 is not an integer in [0, 2^32 - 1]');
  });

  it('train refuses a training file with too few long waits for the folds', async () => {
    const rows = [...Array<string>(20).fill(good[1] as string), good[0], good[0]];
    const path = file('few-long.csv', `${HEADER}\n${rows.join('\n')}\n`);

    const run = await vgac('train', '--data', path, '--out', join(work, 'few.json'));

    expectOneLineError(run, '5-fold stratification needs ≥ 5 rows of each class; class 1 has 2');
  });
});

/**
 * `vgac train`: trains a model bundle on a CSV file and writes it as JSON. The bundle carries
 * its cross-validated metrics (same protocol as `vgac eval`), which is the ECE a bare bundle
 * can honestly claim before any cluster has recorded outcomes for it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  crossValidate,
  DEFAULT_FOLDS,
  DEFAULT_SEED,
  type CrossValidationReport,
} from '../../../core/evaluation/cross-validate.ts';
import type { ModelBundle } from '../../../core/model/bundle.ts';
import { seededRandom } from '../../../core/random.ts';
import { CalibrationMode, CalibratorKind, trainBundle } from '../../../core/model/train-bundle.ts';
import { loadFeatureTable, sha256Hex } from '../load-feature-table.ts';
import { choiceOption, integerOption, parseCommandOptions, requireOption } from '../parse-command-options.ts';
import { foldProgressText, withTerminalProgress, type TerminalProgress } from '../terminal-progress.ts';
import { options } from './train-usage.ts';

/** The cross-validated numbers stored in the bundle's metrics, under `cv*` keys. */
export function crossValidatedMetrics(report: CrossValidationReport): Record<string, number | null> {
  const calibrated = report.calibrated;
  return {
    cvFolds: report.protocol.folds,
    cvSeed: report.protocol.seed,
    cvAuroc: calibrated.auroc,
    cvAuprc: calibrated.auprc,
    cvEce: calibrated.ece,
    cvEceLower: calibrated.ci.ece[0],
    cvEceUpper: calibrated.ci.ece[1],
    cvEceEqualWidth: calibrated.eceEqualWidth,
    cvMce: calibrated.mce,
    cvBrier: calibrated.brier,
    cvRawEce: report.raw.ece,
    cvWaitCoverage: report.waitIntervals?.coverage ?? null,
  };
}

/**
 * What `vgac train --json` prints: the bundle written, what it was trained on, and the
 * cross-validation report (the object `vgac eval --json` prints for the same file and options).
 */
export function trainingReport(
  outPath: string,
  bundle: ModelBundle,
  sha256: string,
  report: CrossValidationReport,
): Record<string, unknown> {
  return {
    kind: 'training',
    out: outPath,
    bundleId: bundle.bundleId,
    training: {
      source: bundle.training.source,
      rows: bundle.training.rows,
      longWaits: bundle.training.positives,
      sha256,
    },
    numericFeatures: bundle.numericFeatures,
    categoricalFeatures: bundle.categoricalFeatures.map((encoding) => encoding.column),
    calibrator: {
      kind: bundle.calibrator.kind,
      ensembleMembers: bundle.ensemble ? bundle.ensemble.members.length : null,
    },
    waitModel:
      bundle.waitModel === null ? null : { bins: bundle.waitModel.bins.length, coverage: bundle.waitModel.coverage },
    crossValidation: report,
  };
}

export function run(args: readonly string[]): Promise<number> {
  return withTerminalProgress((progress) => train(args, progress));
}

async function train(args: readonly string[], progress: TerminalProgress): Promise<number> {
  const values = parseCommandOptions('train', args, options);
  const dataPath = requireOption('train', 'data', values.data);
  const outPath = requireOption('train', 'out', values.out);
  const calibrator = choiceOption('calibrator', values.calibrator, Object.values(CalibratorKind));
  const calibrationMode = choiceOption('calibration', values.calibration, Object.values(CalibrationMode));
  const seed = integerOption('seed', values.seed, DEFAULT_SEED, 0);

  progress.update(`reading ${dataPath}…`, true);
  const { table, sha256, fileName } = await loadFeatureTable(dataPath, {
    features: values.features,
    requireLabel: true,
  });
  const onFold = (completed: number, total: number): void =>
    progress.update(foldProgressText('cross-validating', completed, total), true);
  onFold(0, DEFAULT_FOLDS);
  const report = crossValidate(table, { calibrator, calibrationMode, seed, onFold });
  progress.update(`training the bundle on ${table.rows.length.toLocaleString('en-US')} rows…`, true);
  const bundle = trainBundle(table, {
    calibrator,
    calibrationMode,
    random: seededRandom(seed),
    source: fileName,
    dataHash: sha256,
    hash: sha256Hex,
    extraMetrics: crossValidatedMetrics(report),
  });
  await mkdir(dirname(outPath), { recursive: true });
  await writeFile(outPath, `${JSON.stringify(bundle, null, 2)}\n`);

  progress.done();
  if (values.json === true) {
    process.stdout.write(`${JSON.stringify(trainingReport(outPath, bundle, sha256, report), null, 2)}\n`);
    return 0;
  }
  const calibrated = report.calibrated;
  const features = [
    ...bundle.numericFeatures,
    ...bundle.categoricalFeatures.map((encoding) => `${encoding.column} (one-hot)`),
  ];
  const lines = [
    `wrote ${outPath}`,
    `  bundle id   ${bundle.bundleId}`,
    `  trained on  ${fileName}: ${bundle.training.rows} rows, ${bundle.training.positives} long waits (sha256 ${sha256.slice(0, 12)}…)`,
    `  features    ${features.join(', ')}`,
    `  calibration ${bundle.calibrator.kind}, ${bundle.ensemble ? `cross-fitted ensemble of ${bundle.ensemble.members.length}` : 'single calibrator'}`,
    `  wait model  ${bundle.waitModel === null ? 'none (the file records no waits)' : `${bundle.waitModel.bins.length} probability bins, ${Math.round(bundle.waitModel.coverage * 100)} % intervals`}`,
    `  cross-validated (${report.protocol.folds}-fold, seed ${seed}): AUROC ${calibrated.auroc.toFixed(3)}, ECE ${calibrated.ece.toFixed(3)} ` +
      `[${calibrated.ci.ece[0].toFixed(3)}, ${calibrated.ci.ece[1].toFixed(3)}], Brier ${calibrated.brier.toFixed(3)}; ` +
      `qualified tiers: ${report.qualifiedTiers.length === 0 ? 'none' : report.qualifiedTiers.join(', ')}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

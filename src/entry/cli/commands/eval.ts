/**
 * `vgac eval`: cross-validates the training pipeline on one file, or measures transfer from one
 * file to another, and prints discrimination, calibration (with bootstrap intervals), the gate
 * tiers the calibration qualifies for and wait-interval coverage.
 */
import { InvalidInputError } from '../../../core/errors.ts';
import {
  crossValidate,
  DEFAULT_FOLD_SCHEME,
  DEFAULT_FOLDS,
  DEFAULT_SEED,
  evaluateTransfer,
  FoldScheme,
} from '../../../core/evaluation/cross-validate.ts';
import { BOOTSTRAP_RESAMPLES } from '../../../core/metrics/bootstrap.ts';
import { CalibrationMode, CalibratorKind } from '../../../core/model/train-bundle.ts';
import { formatCrossValidation, formatTransfer } from '../format-evaluation-report.ts';
import { loadFeatureTable } from '../load-feature-table.ts';
import { choiceOption, integerOption, parseCommandOptions } from '../parse-command-options.ts';
import { foldProgressText, withTerminalProgress, type TerminalProgress } from '../terminal-progress.ts';
import { options } from './eval-usage.ts';

/** `--folds` names the fold scheme; a number there is the old meaning, now `--fold-count`. */
function foldSchemeOption(value: string | undefined): FoldScheme {
  if (value !== undefined && /^\s*\d+\s*$/.test(value)) {
    throw new InvalidInputError(
      `--folds is the fold scheme (${Object.values(FoldScheme).join(' or ')}); for ${value.trim()} folds use --fold-count ${value.trim()}`,
    );
  }
  return choiceOption('folds', value, Object.values(FoldScheme)) ?? DEFAULT_FOLD_SCHEME;
}

export function run(args: readonly string[]): Promise<number> {
  return withTerminalProgress((progress) => evaluate(args, progress));
}

async function evaluate(args: readonly string[], progress: TerminalProgress): Promise<number> {
  const values = parseCommandOptions('eval', args, options);
  const evaluation = {
    calibrator: choiceOption('calibrator', values.calibrator, Object.values(CalibratorKind)),
    calibrationMode: choiceOption('calibration', values.calibration, Object.values(CalibrationMode)),
    foldScheme: foldSchemeOption(values.folds),
    folds: integerOption('fold-count', values['fold-count'], DEFAULT_FOLDS, 2),
    seed: integerOption('seed', values.seed, DEFAULT_SEED, 0),
    resamples: integerOption('resamples', values.resamples, BOOTSTRAP_RESAMPLES, 1),
    onFold: (completed: number, total: number) =>
      progress.update(foldProgressText('cross-validating', completed, total), true),
  };
  const transfer = values.train !== undefined || values.test !== undefined;
  if (transfer && values.data !== undefined)
    throw new InvalidInputError("use either --data FILE or --train A --test B (try 'vgac eval --help')");
  if (transfer) {
    if (values.train === undefined || values.test === undefined) {
      throw new InvalidInputError("--train and --test go together (try 'vgac eval --help')");
    }
    const train = await loadFeatureTable(values.train, { features: values.features, requireLabel: true });
    // The test file is read with exactly the training file's features, so a missing one is named.
    const features = [...train.table.numericFeatures, ...train.table.categoricalFeatures];
    const test = await loadFeatureTable(values.test, { features, requireLabel: true });
    progress.update(foldProgressText('cross-validating on the training file', 0, evaluation.folds), true);
    const report = evaluateTransfer(train.table, test.table, evaluation);
    progress.done();
    process.stdout.write(values.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatTransfer(report));
    return 0;
  }
  if (values.data === undefined)
    throw new InvalidInputError("--data FILE (or --train A --test B) is required (try 'vgac eval --help')");
  progress.update(`reading ${values.data}…`, true);
  const { table } = await loadFeatureTable(values.data, { features: values.features, requireLabel: true });
  progress.update(foldProgressText('cross-validating', 0, evaluation.folds), true);
  const report = crossValidate(table, evaluation);
  progress.done();
  process.stdout.write(values.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatCrossValidation(report));
  return 0;
}

/**
 * `vgac eval`: cross-validates the training pipeline on one file, or measures transfer from one
 * file to another, and prints discrimination, calibration (with bootstrap intervals), the gate
 * tiers the calibration qualifies for and wait-interval coverage.
 */
import { InvalidInputError } from '../../../core/errors.ts';
import { crossValidate, DEFAULT_FOLD_SCHEME, DEFAULT_FOLDS, DEFAULT_SEED, evaluateTransfer, FoldScheme } from '../../../core/evaluation/cross-validate.ts';
import { BOOTSTRAP_RESAMPLES } from '../../../core/metrics/bootstrap.ts';
import { CalibrationMode, CalibratorKind } from '../../../core/model/train-bundle.ts';
import { formatCrossValidation, formatTransfer } from '../format-evaluation-report.ts';
import { loadFeatureTable } from '../load-feature-table.ts';
import { choiceOption, integerOption, parseCommandOptions } from '../parse-command-options.ts';

export const summary = 'Cross-validate on a CSV file (or train on one, test on another): AUROC, ECE with CI, Brier, tiers';

const HELP = `usage: vgac eval --data FILE [options]
       vgac eval --train A --test B [options]

--data: stratified ${DEFAULT_FOLDS}-fold cross-validation of the whole training pipeline (scaler,
L2 logistic regression, calibrator fitted inside each training fold only); metrics on the pooled
out-of-fold predictions. By default the folds are the reference's protocol: exactly
scikit-learn 1.2's StratifiedKFold(${DEFAULT_FOLDS}, shuffle=True, random_state=seed) outside and
CalibratedClassifierCV(cv=${DEFAULT_FOLDS})'s unshuffled StratifiedKFold inside each training fold. --train/--test: train on all of A, score every row of B, and report the
calibration gap (ECE on B minus A's cross-validated ECE).

options:
  --data FILE             CSV with the feature columns and label_long_wait
  --train A --test B      transfer evaluation (B must have A's feature columns)
  --features SET|a,b,c    feature set (queue-state, queue-state+dcgm, queue-state+job-type) or
                          comma-separated feature names; default chosen from the file's header
  --calibrator KIND       isotonic (default) or platt
  --calibration MODE      ensemble (default: sklearn CalibratedClassifierCV ensemble=True) or single
  --folds SCHEME          sklearn (default: the reference's protocol, scikit-learn's exact
                          folds) or seeded (our own seeded shuffle, outer and inner folds)
  --fold-count N          outer folds (default ${DEFAULT_FOLDS})
  --seed N                fold shuffle and bootstrap seed, 0…2^32-1 (default ${DEFAULT_SEED})
  --resamples N           bootstrap resamples (default ${BOOTSTRAP_RESAMPLES})
  --json                  print the report object as JSON
  -h, --help              show this help
`;

/** Everything `vgac eval` accepts (node:util parseArgs options). */
export const options = {
  data: { type: 'string' },
  train: { type: 'string' },
  test: { type: 'string' },
  features: { type: 'string' },
  calibrator: { type: 'string' },
  calibration: { type: 'string' },
  folds: { type: 'string' },
  'fold-count': { type: 'string' },
  seed: { type: 'string' },
  resamples: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `--folds` names the fold scheme; a number there is the old meaning, now `--fold-count`. */
function foldSchemeOption(value: string | undefined): FoldScheme {
  if (value !== undefined && /^\s*\d+\s*$/.test(value)) {
    throw new InvalidInputError(`--folds is the fold scheme (${Object.values(FoldScheme).join(' or ')}); for ${value.trim()} folds use --fold-count ${value.trim()}`);
  }
  return choiceOption('folds', value, Object.values(FoldScheme)) ?? DEFAULT_FOLD_SCHEME;
}

export async function run(args: readonly string[]): Promise<number> {
  const values = parseCommandOptions('eval', args, options);
  if (values.help === true) {
    process.stdout.write(HELP);
    return 0;
  }
  const evaluation = {
    calibrator: choiceOption('calibrator', values.calibrator, Object.values(CalibratorKind)),
    calibrationMode: choiceOption('calibration', values.calibration, Object.values(CalibrationMode)),
    foldScheme: foldSchemeOption(values.folds),
    folds: integerOption('fold-count', values['fold-count'], DEFAULT_FOLDS, 2),
    seed: integerOption('seed', values.seed, DEFAULT_SEED, 0),
    resamples: integerOption('resamples', values.resamples, BOOTSTRAP_RESAMPLES, 1),
  };
  const transfer = values.train !== undefined || values.test !== undefined;
  if (transfer && values.data !== undefined) throw new InvalidInputError("use either --data FILE or --train A --test B (try 'vgac eval --help')");
  if (transfer) {
    if (values.train === undefined || values.test === undefined) {
      throw new InvalidInputError("--train and --test go together (try 'vgac eval --help')");
    }
    const train = await loadFeatureTable(values.train, { features: values.features, requireLabel: true });
    // The test file is read with exactly the training file's features, so a missing one is named.
    const features = [...train.table.numericFeatures, ...train.table.categoricalFeatures];
    const test = await loadFeatureTable(values.test, { features, requireLabel: true });
    const report = evaluateTransfer(train.table, test.table, evaluation);
    process.stdout.write(values.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatTransfer(report));
    return 0;
  }
  if (values.data === undefined) throw new InvalidInputError("--data FILE (or --train A --test B) is required (try 'vgac eval --help')");
  const { table } = await loadFeatureTable(values.data, { features: values.features, requireLabel: true });
  const report = crossValidate(table, evaluation);
  process.stdout.write(values.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatCrossValidation(report));
  return 0;
}

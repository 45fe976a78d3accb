/** What `vgac eval --help` and `vgac --help` show without loading the command (eval.ts): its summary, help and options. */
import { DEFAULT_FOLDS, DEFAULT_SEED } from '../../../core/evaluation/protocol-defaults.ts';
import { BOOTSTRAP_RESAMPLES } from '../../../core/metrics/bootstrap.ts';

export const summary =
  'Cross-validate on a CSV file (or train on one, test on another): AUROC, ECE with CI, Brier, tiers';

export const help = `usage: vgac eval --data FILE [options]
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

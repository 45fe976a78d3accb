/** What `vgac train --help` and `vgac --help` show without loading the command (train.ts): its summary, help and options. */
import { DEFAULT_FOLDS, DEFAULT_SEED } from '../../../core/evaluation/protocol-defaults.ts';

export const summary = 'Train a model bundle (scaler, L2 logistic regression, calibrator, wait model) from a CSV file';

export const help = `usage: vgac train --data FILE --out BUNDLE [options]

Trains on every row of FILE and writes a self-contained JSON bundle: feature encoding, scaler,
L2 logistic regression, calibrator (fitted on out-of-fold scores only), wait-interval model
(when the file records waits), and metrics — including stratified ${DEFAULT_FOLDS}-fold cross-validated
AUROC and ECE (keys cv*), which \`vgac predict\` uses for the gate.

options:
  --data FILE             CSV with the feature columns and label_long_wait
  --out BUNDLE            where to write the bundle JSON (directories are created)
  --features SET|a,b,c    feature set (queue-state, queue-state+dcgm, queue-state+job-type) or
                          comma-separated feature names; default chosen from the file's header
  --calibrator KIND       isotonic (default) or platt
  --calibration MODE      ensemble (default: sklearn CalibratedClassifierCV ensemble=True) or single
  --seed N                seed of the fold shuffles and bootstrap (default ${DEFAULT_SEED})
  --json                  print the training report as JSON on stdout instead of the summary
                          (the bundle's id, training data, features, calibrator, wait model and
                          the full cross-validation report, as \`vgac eval --json\` prints it);
                          the bundle is still written to --out
  -h, --help              show this help
`;

/** Everything `vgac train` accepts (node:util parseArgs options). */
export const options = {
  data: { type: 'string' },
  out: { type: 'string' },
  features: { type: 'string' },
  calibrator: { type: 'string' },
  calibration: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

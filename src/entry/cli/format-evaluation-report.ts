/**
 * The human-readable table `vgac eval` prints for a cross-validation or transfer report.
 */
import type {
  CrossValidationReport,
  ProtocolReport,
  TransferReport,
  WaitIntervalReport,
} from '../../core/evaluation/cross-validate.ts';
import type { ProbabilityReport } from '../../core/metrics/evaluate-probabilities.ts';

const LABEL_WIDTH = 34;
const VALUE_WIDTH = 9;

function fixed(value: number, digits = 3): string {
  return Number.isFinite(value) ? value.toFixed(digits) : String(value);
}

function row(label: string, value: string, note = ''): string {
  return `${label.padEnd(LABEL_WIDTH)}${value.padStart(VALUE_WIDTH)}${note === '' ? '' : `   ${note}`}`.trimEnd();
}

function interval(bounds: readonly [number, number]): string {
  return `[${fixed(bounds[0])}, ${fixed(bounds[1])}]`;
}

function describeProtocol(protocol: ProtocolReport, crossValidated: boolean): string[] {
  const calibration =
    protocol.calibrationMode === 'ensemble'
      ? `${protocol.calibrator} calibration, cross-fitted ensemble of ${protocol.innerFolds} inner folds (sklearn CalibratedClassifierCV ensemble=True)`
      : `${protocol.calibrator} calibration on ${protocol.innerFolds}-fold inner out-of-fold scores (sklearn CalibratedClassifierCV ensemble=False)`;
  const lines = [
    `model:     L2 logistic regression (l2 = ${protocol.l2}, i.e. C = ${fixed(1 / protocol.l2, 3).replace(/\.?0+$/, '')}) + ${calibration}`,
  ];
  lines.push(
    crossValidated
      ? `protocol:  stratified ${protocol.folds}-fold cross-validation, seed ${protocol.seed}; pooled out-of-fold predictions`
      : `protocol:  trained on all training rows, scored on every test row; home ECE from stratified ${protocol.folds}-fold CV, seed ${protocol.seed}`,
  );
  lines.push(
    protocol.foldScheme === 'sklearn'
      ? `folds:     the reference's protocol: scikit-learn 1.2 StratifiedKFold(${protocol.folds}, shuffle=True, random_state=${protocol.seed}), inner StratifiedKFold(${protocol.innerFolds}) unshuffled`
      : `folds:     seeded shuffle (our generator, seed ${protocol.seed}), outer and inner; not scikit-learn's folds`,
  );
  lines.push(`intervals: percentile bootstrap over rows, ${protocol.resamples} resamples, seed ${protocol.seed}`);
  return lines;
}

function probabilityRows(report: ProbabilityReport, bins: number): string[] {
  const level = `${Math.round(report.ci.level * 100)} % CI`;
  return [
    row('metric', 'value', level),
    row('AUROC', fixed(report.auroc), interval(report.ci.auroc)),
    row('AUPRC (average precision)', fixed(report.auprc)),
    row(`ECE (${bins} equal-mass bins)`, fixed(report.ece), interval(report.ci.ece)),
    row(`ECE (${bins} equal-width bins)`, fixed(report.eceEqualWidth)),
    row('MCE (equal-mass bins)', fixed(report.mce)),
    row('Brier score', fixed(report.brier), interval(report.ci.brier)),
    row('  reliability (lower is better)', fixed(report.brierDecomposition.reliability, 4)),
    row('  resolution (higher is better)', fixed(report.brierDecomposition.resolution, 4)),
    row('  uncertainty', fixed(report.brierDecomposition.uncertainty, 4)),
  ];
}

function waitRows(waits: WaitIntervalReport | null): string[] {
  if (waits === null) return [row('wait interval', 'n/a', 'the file records no observed waits')];
  const nominal = `${Math.round(waits.nominalCoverage * 100)} % nominal`;
  return [
    row(`wait-interval coverage (${nominal})`, fixed(waits.coverage), `${waits.count} rows`),
    row('wait-interval median width', `${fixed(waits.medianWidthSeconds, 0)} s`),
  ];
}

function gateRows(report: {
  readonly calibrationScore: number;
  readonly qualifiedTiers: readonly string[];
  readonly raw: { readonly auroc: number; readonly ece: number };
}): string[] {
  return [
    row('raw (uncalibrated) AUROC', fixed(report.raw.auroc)),
    row('raw (uncalibrated) ECE', fixed(report.raw.ece)),
    row('calibration score', fixed(report.calibrationScore), 'clamp(1 − 5·ECE, 0, 1)'),
    row('qualified tiers', '', report.qualifiedTiers.length === 0 ? 'none' : report.qualifiedTiers.join(', ')),
  ];
}

function featureLine(numeric: readonly string[], categorical: readonly string[]): string {
  const oneHot = categorical.length === 0 ? '' : `; one-hot: ${categorical.join(', ')}`;
  return `features:  ${numeric.join(', ')}${oneHot}`;
}

function footnotes(protocol: ProtocolReport): string[] {
  return [
    `ties: ${protocol.binning}.`,
    'note: a bootstrap resample repeats rows, which inflates ECE on small samples: its percentile interval can sit above the point estimate.',
  ];
}

/** The cross-validation table. */
export function formatCrossValidation(report: CrossValidationReport): string {
  const lines = [
    `${report.source}: ${report.calibrated.count} rows, ${report.calibrated.positives} long waits`,
    featureLine(report.numericFeatures, report.categoricalFeatures),
    ...describeProtocol(report.protocol, true),
    '',
    ...probabilityRows(report.calibrated, report.protocol.bins),
    ...gateRows(report),
    ...waitRows(report.waitIntervals),
    '',
    ...footnotes(report.protocol),
  ];
  return `${lines.join('\n')}\n`;
}

/** The transfer table: metrics on the test file, and the calibration gap against home. */
export function formatTransfer(report: TransferReport): string {
  const home = report.home.calibrated;
  const lines = [
    `train ${report.trainSource} (${home.count} rows) → test ${report.testSource} (${report.calibrated.count} rows, ${report.calibrated.positives} long waits)`,
    featureLine(report.numericFeatures, report.categoricalFeatures),
    ...describeProtocol(report.protocol, false),
    '',
    `on ${report.testSource}:`,
    ...probabilityRows(report.calibrated, report.protocol.bins),
    ...gateRows(report),
    ...waitRows(report.waitIntervals),
    '',
    `at home (${report.trainSource}, cross-validated):`,
    row('AUROC', fixed(home.auroc), interval(home.ci.auroc)),
    row(`ECE (${report.protocol.bins} equal-mass bins)`, fixed(home.ece), interval(home.ci.ece)),
    row('calibration gap (ECE test − home)', fixed(report.calibrationGap)),
    row('ECE ratio (test ÷ home)', report.eceRatio === null ? 'n/a' : `${fixed(report.eceRatio, 1)}×`),
    row('AUROC change (test − home)', fixed(report.calibrated.auroc - home.auroc)),
    '',
    ...footnotes(report.protocol),
  ];
  return `${lines.join('\n')}\n`;
}

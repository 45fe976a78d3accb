/**
 * Turns parsed CSV cells into a validated feature table: every cell the model will read is
 * checked once here, so training and evaluation code can trust the numbers they get.
 */
import { InsufficientDataError, InvalidInputError } from '../errors.ts';
import {
  featureColumn,
  LABEL_COLUMN,
  LABEL_THRESHOLD_COLUMN,
  resolveFeatures,
  WAIT_SECONDS_COLUMN,
  type FeatureSetName,
} from './feature-schema.ts';

export interface FeatureTable {
  /** Where the rows came from (a file name), used in messages and bundles. */
  readonly source: string;
  /** Canonical numeric feature names, in column order of `rows`. */
  readonly numericFeatures: readonly string[];
  /** Categorical feature names, in column order of `categorical`. */
  readonly categoricalFeatures: readonly string[];
  /** Numeric cells, one array per data row, all finite. */
  readonly rows: readonly (readonly number[])[];
  /** Categorical cells, one array per data row; `''` means the value was not declared. */
  readonly categorical: readonly (readonly string[])[];
  /** 0/1 labels, or `null` when the file has none and none was required. */
  readonly labels: Uint8Array | null;
  /** Observed waits in seconds (finite, ≥ 0), or `null` when the file records none. */
  readonly waitsSeconds: Float64Array | null;
  /** The wait (seconds) above which the label is 1, when the file records it. */
  readonly labelThresholdSeconds: number | null;
}

export interface BuildFeatureTableOptions {
  readonly source: string;
  /** A named feature set or an explicit list of canonical feature names. */
  readonly featureSet: FeatureSetName | readonly string[];
  /** When true, a `label_long_wait` column with both classes is mandatory. */
  readonly requireLabel: boolean;
}

/** A decimal number as written in a CSV: no hex, no blanks, no `Infinity`. */
const DECIMAL_PATTERN = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const MAX_SHOWN_CELL_CHARS = 40;

function showCell(cell: string): string {
  const oneLine = cell.replace(/[\r\n]+/g, ' ');
  return oneLine.length > MAX_SHOWN_CELL_CHARS ? `${oneLine.slice(0, MAX_SHOWN_CELL_CHARS)}…` : oneLine;
}

/** `row N (file line N+1)`: data rows are 1-based, the header is file line 1. */
function rowLabel(source: string, rowIndex: number, column: string): string {
  return `${source}: row ${rowIndex + 1} (file line ${rowIndex + 2}), column ${column}`;
}

function parseFiniteCell(cell: string, source: string, rowIndex: number, column: string): number {
  if (cell.trim() === '') throw new InvalidInputError(`${rowLabel(source, rowIndex, column)}: empty cell`);
  if (!DECIMAL_PATTERN.test(cell.trim())) {
    const lowered = cell.trim().toLowerCase().replace(/^[+-]/, '');
    const reason =
      lowered === 'nan' || lowered === 'infinity' || lowered === 'inf' ? 'is not a finite number' : 'is not a number';
    throw new InvalidInputError(`${rowLabel(source, rowIndex, column)}: '${showCell(cell)}' ${reason}`);
  }
  const value = Number(cell);
  // 1e400 matches the pattern but overflows to Infinity.
  if (!Number.isFinite(value)) {
    throw new InvalidInputError(`${rowLabel(source, rowIndex, column)}: '${showCell(cell)}' is not a finite number`);
  }
  return value;
}

function columnIndexes(header: readonly string[], source: string): Map<string, number> {
  const indexes = new Map<string, number>();
  header.forEach((name, index) => {
    if (indexes.has(name)) throw new InvalidInputError(`${source}: column '${name}' appears twice in the header`);
    indexes.set(name, index);
  });
  return indexes;
}

function requireColumn(
  indexes: ReadonlyMap<string, number>,
  header: readonly string[],
  feature: string,
  source: string,
): number {
  const column = featureColumn(feature, header);
  const index = column === undefined ? undefined : indexes.get(column);
  if (index === undefined) throw new InvalidInputError(`${source}: missing column '${feature}'`);
  return index;
}

/**
 * Validates and extracts the requested features, the label and the observed waits.
 *
 * Row numbers in messages are 1-based data rows; the file line is one more (the header is
 * line 1), and both are printed. An empty categorical cell is kept as `''` (the user declared
 * no class; it encodes as all zeros, like an unseen class). Runs in O(rows × columns).
 *
 * @throws InvalidInputError for an empty file, no data rows, a duplicated header column, a row
 *   with the wrong number of cells, a missing column, an empty, non-numeric or non-finite
 *   numeric cell, a label other than 0/1, a negative wait, or a forbidden/unknown feature.
 * @throws InsufficientDataError when `requireLabel` is set and the labels hold one class only.
 */
export function buildFeatureTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  options: BuildFeatureTableOptions,
): FeatureTable {
  const { source } = options;
  if (header.length === 0 || (header.length === 1 && header[0]?.trim() === '')) {
    throw new InvalidInputError(`${source}: file is empty`);
  }
  if (rows.length === 0) throw new InvalidInputError(`${source}: no data rows after the header`);
  const indexes = columnIndexes(header, source);
  const selection = resolveFeatures(options.featureSet, header);
  const numericIndexes = selection.numericFeatures.map((name) => requireColumn(indexes, header, name, source));
  const categoricalIndexes = selection.categoricalFeatures.map((name) => requireColumn(indexes, header, name, source));
  const labelIndex = indexes.get(LABEL_COLUMN);
  if (options.requireLabel && labelIndex === undefined)
    throw new InvalidInputError(`${source}: missing column '${LABEL_COLUMN}'`);
  const waitIndex = indexes.get(WAIT_SECONDS_COLUMN);
  const thresholdIndex = indexes.get(LABEL_THRESHOLD_COLUMN);

  const numericRows: number[][] = [];
  const categoricalRows: string[][] = [];
  const labels = labelIndex === undefined ? null : new Uint8Array(rows.length);
  const waitsSeconds = waitIndex === undefined ? null : new Float64Array(rows.length);
  rows.forEach((cells, rowIndex) => {
    if (cells.length !== header.length) {
      throw new InvalidInputError(
        `${source}: row ${rowIndex + 1} (file line ${rowIndex + 2}) has ${cells.length} cells; the header has ${header.length}`,
      );
    }
    numericRows.push(
      numericIndexes.map((index, position) =>
        parseFiniteCell(cells[index] as string, source, rowIndex, selection.numericFeatures[position] as string),
      ),
    );
    categoricalRows.push(categoricalIndexes.map((index) => (cells[index] as string).trim()));
    if (labels !== null) {
      const labelCell = cells[labelIndex as number] as string;
      const label = parseFiniteCell(labelCell, source, rowIndex, LABEL_COLUMN);
      if (label !== 0 && label !== 1) {
        throw new InvalidInputError(
          `${rowLabel(source, rowIndex, LABEL_COLUMN)}: '${showCell(labelCell)}' is not a 0/1 label`,
        );
      }
      labels[rowIndex] = label;
    }
    if (waitsSeconds !== null) {
      const waitSeconds = parseFiniteCell(cells[waitIndex as number] as string, source, rowIndex, WAIT_SECONDS_COLUMN);
      if (waitSeconds < 0)
        throw new InvalidInputError(`${rowLabel(source, rowIndex, WAIT_SECONDS_COLUMN)}: ${waitSeconds} is negative`);
      waitsSeconds[rowIndex] = waitSeconds;
    }
  });
  if (options.requireLabel && labels !== null) requireBothClasses(labels, source);
  const labelThresholdSeconds =
    thresholdIndex === undefined
      ? null
      : parseFiniteCell((rows[0] as readonly string[])[thresholdIndex] as string, source, 0, LABEL_THRESHOLD_COLUMN);
  return {
    source,
    numericFeatures: selection.numericFeatures,
    categoricalFeatures: selection.categoricalFeatures,
    rows: numericRows,
    categorical: categoricalRows,
    labels,
    waitsSeconds,
    labelThresholdSeconds,
  };
}

function requireBothClasses(labels: Uint8Array, source: string): void {
  let positives = 0;
  for (const label of labels) positives += label;
  if (positives === 0 || positives === labels.length) {
    throw new InsufficientDataError(
      `${source}: column ${LABEL_COLUMN} has only class ${positives === 0 ? 0 : 1} in ${labels.length} rows; training needs both classes`,
    );
  }
}

/**
 * The table restricted to the given row indexes, in that order (for folds and resamples).
 * Cells are shared, not copied; labels and waits are copied into new typed arrays.
 */
export function selectRows(table: FeatureTable, rowIndexes: ArrayLike<number>): FeatureTable {
  const count = rowIndexes.length;
  const rows: (readonly number[])[] = new Array<readonly number[]>(count);
  const categorical: (readonly string[])[] = new Array<readonly string[]>(count);
  const labels = table.labels === null ? null : new Uint8Array(count);
  const waitsSeconds = table.waitsSeconds === null ? null : new Float64Array(count);
  for (let position = 0; position < count; position += 1) {
    const rowIndex = rowIndexes[position] as number;
    const numeric = table.rows[rowIndex];
    if (numeric === undefined) throw new InvalidInputError(`row index ${rowIndex} is out of range`);
    rows[position] = numeric;
    categorical[position] = table.categorical[rowIndex] as readonly string[];
    if (labels !== null) labels[position] = (table.labels as Uint8Array)[rowIndex] as number;
    if (waitsSeconds !== null) waitsSeconds[position] = (table.waitsSeconds as Float64Array)[rowIndex] as number;
  }
  return { ...table, rows, categorical, labels, waitsSeconds };
}

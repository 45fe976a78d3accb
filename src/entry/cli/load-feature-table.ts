/**
 * Reading a job table from a CSV file for the `train`, `eval` and `predict` commands: file
 * errors and CSV syntax errors become one-line `InvalidInputError`s naming the file, then the
 * core validates every cell (`buildFeatureTable`).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parse, type Options } from 'csv-parse/sync';
import { InvalidInputError } from '../../core/errors.ts';
import { defaultFeatureSet, isFeatureSetName, type FeatureSetName } from '../../core/features/feature-schema.ts';
import { buildFeatureTable, type FeatureTable } from '../../core/features/feature-table.ts';

export interface LoadedTable {
  readonly table: FeatureTable;
  /** SHA-256 (hex) of the file's bytes. */
  readonly sha256: string;
  /** The file name without directories, as stored in bundles (no machine-specific paths). */
  readonly fileName: string;
}

/** SHA-256 of a string or bytes, as lowercase hex. */
export function sha256Hex(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

const FILE_ERROR_WORDS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
};

/**
 * Reads a whole file, turning the usual system errors into a one-line `InvalidInputError`.
 * Other errors (a broken disk) are rethrown.
 */
export async function readUserFile(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const words = FILE_ERROR_WORDS[code];
    if (words !== undefined) throw new InvalidInputError(`cannot read ${what} '${path}': ${words}`, { cause: error });
    throw error;
  }
}

/** Every record as an array of cells; rows may have any length (checked later, with row numbers); CRLF and LF both end a record. */
const CSV_OPTIONS: Options = {
  relax_column_count: true,
  skip_empty_lines: false,
  bom: true,
  record_delimiter: ['\r\n', '\n'],
};

/** Parses CSV text into records; a syntax error becomes one line naming the file. Trailing blank lines are dropped. */
export function parseCsv(text: string, source: string): string[][] {
  let records: string[][];
  try {
    records = parse(text, CSV_OPTIONS);
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/\s+/g, ' ') : String(error);
    throw new InvalidInputError(`${source}: not valid CSV: ${message}`, { cause: error });
  }
  while (records.length > 0 && isBlankRecord(records[records.length - 1] ?? [])) records.pop();
  return records;
}

function isBlankRecord(record: readonly string[]): boolean {
  return record.length === 1 && record[0] === '';
}

/**
 * `--features` as given: a feature-set name, a comma-separated list of feature names, or
 * absent (the dataset's default, chosen from its header).
 */
export function featureRequest(option: string | undefined, header: readonly string[]): FeatureSetName | string[] {
  if (option === undefined) return defaultFeatureSet(header);
  // Set names are kebab-case with '+'; feature names are snake_case. A single token spelled like a
  // set is treated as one, so a typo is answered with the list of set names.
  if (isFeatureSetName(option) || /^[a-z]+(?:[-+][a-z]+)+$/.test(option)) return option as FeatureSetName;
  return option
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/**
 * Loads a CSV file into a validated feature table.
 *
 * @param features `--features` as given (see {@link featureRequest}); or explicit names to match another table.
 * @throws InvalidInputError (or InsufficientDataError) with a one-line message naming file, row and column.
 */
export async function loadFeatureTable(
  path: string,
  options: { readonly features: string | readonly string[] | undefined; readonly requireLabel: boolean },
): Promise<LoadedTable> {
  const bytes = await readUserFile(path, 'data file');
  const records = parseCsv(bytes.toString('utf8'), path);
  const [header = [], ...rows] = records;
  const featureSet =
    typeof options.features === 'string' || options.features === undefined
      ? featureRequest(options.features, header)
      : options.features;
  const table = buildFeatureTable(header, rows, { source: path, featureSet, requireLabel: options.requireLabel });
  return { table, sha256: sha256Hex(bytes), fileName: basename(path) };
}

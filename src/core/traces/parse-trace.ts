import { InvalidInputError } from '../errors.ts';
import { importAlibabaGpu } from './alibaba-gpu-importer.ts';
import { importSacct } from './sacct-importer.ts';
import { importSwf } from './swf-importer.ts';
import { TRACE_FORMATS, type ImportResult, type TraceFormat } from './trace-job.ts';

/** Options for {@link parseTrace}. */
export interface ParseTraceOptions {
  /**
   * When the log was taken, on the trace's clock (epoch seconds for sacct, seconds from the trace
   * start for Alibaba): jobs still pending are censored here. Default: the latest time in the file.
   * SWF ignores it (an SWF job that never started is censored at its own cancel time).
   */
  traceEndSeconds?: number;
}

const SWF_FIELD_COUNT = 18;
const NUMBER = /^-?\d+(?:\.\d+)?$/;
const FIRST_LINE_QUOTE_LENGTH = 60;

/**
 * Parses a scheduler log in `format` into jobs plus an account of every line not used. Pure: the
 * caller reads the file. Throws InvalidInputError for an empty file, a majority of malformed
 * lines, no jobs, or a missing required column (see each importer: {@link importSwf},
 * {@link importAlibabaGpu}, {@link importSacct}).
 */
export function parseTrace(text: string, format: TraceFormat, options: ParseTraceOptions = {}): ImportResult {
  switch (format) {
    case 'swf':
      return importSwf(text);
    case 'alibaba-gpu':
      return importAlibabaGpu(text, options);
    case 'sacct':
      return importSacct(text, options);
  }
}

/**
 * Guesses a log's format from its first non-blank line: `;` header or 18 numeric fields → `swf`;
 * a `|`-separated header naming `JobID` → `sacct`; a CSV header naming `creation_time` and
 * `scheduled_time` → `alibaba-gpu`. When the content is not conclusive, a `.swf` file name decides.
 * Throws InvalidInputError when the text is empty or the format cannot be told.
 */
export function detectTraceFormat(text: string, fileName?: string): TraceFormat {
  const firstLine = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .find((line) => line.trim() !== '')
    ?.trim();
  if (firstLine === undefined)
    throw new InvalidInputError(fileName === undefined ? 'trace is empty' : `trace ${fileName} is empty`);
  if (firstLine.startsWith(';')) return TRACE_FORMATS.swf;
  if (firstLine.split('|').includes('JobID')) return TRACE_FORMATS.sacct;
  const csvHeader = firstLine.split(',').map((name) => name.trim());
  if (csvHeader.includes('creation_time') && csvHeader.includes('scheduled_time')) return TRACE_FORMATS.alibabaGpu;
  const tokens = firstLine.split(/\s+/);
  if (tokens.length === SWF_FIELD_COUNT && tokens.every((token) => NUMBER.test(token))) return TRACE_FORMATS.swf;
  if (fileName?.toLowerCase().endsWith('.swf') === true) return TRACE_FORMATS.swf;
  const quoted =
    firstLine.length > FIRST_LINE_QUOTE_LENGTH ? `${firstLine.slice(0, FIRST_LINE_QUOTE_LENGTH)}…` : firstLine;
  throw new InvalidInputError(
    `cannot tell the trace format of ${fileName ?? 'the text'} (first line: '${quoted}'); name it: ${Object.values(TRACE_FORMATS).join(', ')}`,
  );
}

import { InvalidInputError, VgacError } from '../errors.ts';
import { compareJobIds } from './compare-job-ids.ts';
import type { ImportResult, TraceFormat, TraceJob, TraceLineNote } from './trace-job.ts';

/** Above this fraction of malformed data lines the file is refused rather than half-read. */
export const MAX_MALFORMED_FRACTION = 0.5;

/** What an importer has gathered, in file order, before the shared checks and sorting. */
export interface ImportDraft {
  jobs: TraceJob[];
  malformed: TraceLineNote[];
  skipped: TraceLineNote[];
  totalLines: number;
  /** Lines that should have held a record: not blank, not a header or comment. */
  dataLines: number;
  epochOffsetSeconds: number | null;
}

/**
 * Splits a trace into lines (LF or CRLF, a leading byte-order mark dropped).
 * Throws InvalidInputError when the text is empty or only whitespace.
 */
export function splitTraceLines(text: string, format: TraceFormat): string[] {
  if (text.trim() === '') throw new InvalidInputError(`${format} trace is empty`);
  const withoutMark = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = withoutMark.split(/\r?\n/);
  // A final newline is a line terminator, not an extra empty line.
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Applies the rules every importer shares and returns the result: jobs sorted by submit time,
 * ties by natural job id then file order (the sort is stable).
 *
 * Throws InvalidInputError naming the format when the file has no data lines, when more than
 * {@link MAX_MALFORMED_FRACTION} of its data lines are malformed (quoting the first one), or when
 * no line yields a job. O(n log n) for the sort.
 */
export function finishImport(format: TraceFormat, draft: ImportDraft): ImportResult {
  if (draft.dataLines === 0) throw new InvalidInputError(`${format} trace has no data lines`);
  const malformedCount = draft.malformed.length;
  if (malformedCount > MAX_MALFORMED_FRACTION * draft.dataLines) {
    throw new InvalidInputError(
      `${format}: ${malformedCount} of ${draft.dataLines} lines malformed (first: ${describeFirst(draft.malformed)})`,
    );
  }
  if (draft.jobs.length === 0) {
    throw new InvalidInputError(
      `${format}: no jobs in ${draft.dataLines} data lines (${malformedCount} malformed, ${draft.skipped.length} skipped)`,
    );
  }
  const jobs = draft.jobs
    .slice()
    .sort((left, right) => left.submitTimeSeconds - right.submitTimeSeconds || compareJobIds(left.id, right.id));
  return {
    format,
    jobs,
    malformed: draft.malformed,
    totalLines: draft.totalLines,
    skipped: draft.skipped,
    epochOffsetSeconds: draft.epochOffsetSeconds,
  };
}

/**
 * The reason to record for a line whose parsing threw: the message of one of our own errors.
 * Anything else is a bug, not bad data, and is rethrown rather than filed as a malformed line.
 */
export function malformedReason(error: unknown): string {
  if (error instanceof VgacError) return error.message;
  throw error;
}

function describeFirst(malformed: readonly TraceLineNote[]): string {
  const first = malformed[0] as TraceLineNote;
  return `line ${first.line}: ${first.reason}`;
}

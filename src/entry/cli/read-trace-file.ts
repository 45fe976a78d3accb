/** Reads a scheduler log given on the command line (`vgac replay --trace`, `vgac onboard --trace`). */
import { basename } from 'node:path';
import { detectTraceFormat, parseTrace } from '../../core/traces/parse-trace.ts';
import type { ImportResult, TraceFormat } from '../../core/traces/trace-job.ts';
import { readUserFile } from './load-feature-table.ts';

export interface TraceFile {
  readonly text: string;
  readonly format: TraceFormat;
  readonly imported: ImportResult;
}

/**
 * The log's text, its format (`format`, else detected from its first line or a `.swf` name) and its
 * jobs; lines the importer could not use are counted on stderr with the first one's line number.
 * @throws InvalidInputError when the file cannot be read, its format cannot be told, or it is mostly garbage.
 */
export async function readTraceFile(path: string, format: TraceFormat | undefined): Promise<TraceFile> {
  const text = (await readUserFile(path, 'trace')).toString('utf8');
  const resolved = format ?? detectTraceFormat(text, basename(path));
  const imported = parseTrace(text, resolved);
  if (imported.malformed.length > 0) {
    const first = imported.malformed[0];
    process.stderr.write(
      `note: ${imported.malformed.length} malformed lines skipped (first: line ${first?.line}: ${first?.reason})\n`,
    );
  }
  return { text, format: resolved, imported };
}

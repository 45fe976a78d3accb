/**
 * The Logger port as JSON lines appended to a file (`npm start` keeps the terminal for the URLs
 * and a progress line, and the full structured log in the data directory). Each line carries the
 * level, time, service and event like the Powertools lines; warnings and errors are also echoed
 * to `echo` (stderr) so they are never missed.
 *
 * The file is rotated the classical logrotate way (rotating-file-stream): when it reaches
 * `maxBytes` it is gzipped into `<name>.1.gz` (the older ones shift to `.2.gz`, … and the oldest
 * beyond LOG_ROTATED_FILES is dropped), so a long-running `npm start` — one `gate.decision` line
 * of ~1 KB per prediction — keeps at most maxBytes of plain log plus LOG_ROTATED_FILES compressed
 * ones (JSON lines compress about tenfold: the history costs far less than the live file).
 */
import { basename, dirname } from 'node:path';
import { createStream } from 'rotating-file-stream';
import type { Logger } from '../../app/ports/logger.ts';

/** The default size at which the log is rotated: 4 MiB (about 4,000 gate decisions). */
export const DEFAULT_LOG_MAX_BYTES = 4 * 1024 * 1024;
/** Rotated (gzipped) files kept besides the live one. */
export const LOG_ROTATED_FILES = 3;

export interface JsonLinesFileLogger extends Logger {
  /** Flushes and closes the file. */
  close(): Promise<void>;
}

export function createJsonLinesFileLogger(options: {
  readonly path: string;
  readonly serviceName: string;
  readonly echo?: NodeJS.WritableStream;
  /** Rotate at this size (bytes, ≥ 1 KiB); default DEFAULT_LOG_MAX_BYTES. */
  readonly maxBytes?: number;
}): JsonLinesFileLogger {
  const name = basename(options.path);
  const maxKiB = Math.max(1, Math.floor((options.maxBytes ?? DEFAULT_LOG_MAX_BYTES) / 1024));
  // With `rotate` the generator gets the rotation index (null for the live file).
  const fileName = (index: number | Date): string =>
    typeof index === 'number' && index > 0 ? `${name}.${index}.gz` : name;
  const stream = createStream(fileName, {
    path: dirname(options.path),
    size: `${maxKiB}K`,
    rotate: LOG_ROTATED_FILES,
    compress: 'gzip',
    mode: 0o600,
  });
  // A log must never take the process down: a failing disk loses lines, not the server.
  stream.on('error', () => undefined);
  let closed = false;
  const write = (
    level: 'INFO' | 'WARN' | 'ERROR',
    event: string,
    fields: Readonly<Record<string, unknown>> | undefined,
  ): void => {
    const line = `${JSON.stringify({ level, timestamp: new Date().toISOString(), service: options.serviceName, message: event, ...fields })}\n`;
    if (!closed) stream.write(line);
    if (level !== 'INFO') options.echo?.write(line);
  };
  return {
    info: (event, fields) => write('INFO', event, fields),
    warn: (event, fields) => write('WARN', event, fields),
    error: (event, fields) => write('ERROR', event, fields),
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      return new Promise((resolve) => stream.end(() => resolve()));
    },
  };
}

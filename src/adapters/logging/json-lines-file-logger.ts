/**
 * The Logger port as JSON lines appended to a file (`npm start` keeps the terminal for the URLs
 * and a progress line, and the full structured log in the data directory). Each line carries the
 * level, time, service and event like the Powertools lines; warnings and errors are also echoed
 * to `echo` (stderr) so they are never missed.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Logger } from '../../app/ports/logger.ts';

export interface JsonLinesFileLogger extends Logger {
  /** Flushes and closes the file. */
  close(): Promise<void>;
}

export function createJsonLinesFileLogger(options: { readonly path: string; readonly serviceName: string; readonly echo?: NodeJS.WritableStream }): JsonLinesFileLogger {
  const stream: WriteStream = createWriteStream(options.path, { flags: 'a', mode: 0o600 });
  // A log must never take the process down: a failing disk loses lines, not the server.
  stream.on('error', () => undefined);
  let closed = false;
  const write = (level: 'INFO' | 'WARN' | 'ERROR', event: string, fields: Readonly<Record<string, unknown>> | undefined): void => {
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

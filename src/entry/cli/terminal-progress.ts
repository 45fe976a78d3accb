/**
 * Progress of a long command on stderr, one line rewritten in place ("replayed 12,000 / 28,000
 * jobs"), only when stderr is a terminal: piped or redirected output gets nothing, so logs and
 * `--json` consumers never see it. Redraws at most every {@link PROGRESS_REDRAW_MS}.
 */
import { performance } from 'node:perf_hooks';

/** Shortest interval between two redraws, ms: faster would only cost terminal output. */
export const PROGRESS_REDRAW_MS = 100;

export interface TerminalProgress {
  /** Shows `text` (throttled); `force` redraws now (a new stage). */
  update(text: string, force?: boolean): void;
  /** Clears the line (nothing when nothing was drawn). */
  done(): void;
}

/** The stream a progress line goes to: a terminal is known by `isTTY`. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): boolean;
}

/** A progress line on `stream` (stderr by default); a no-op unless `stream.isTTY`. */
export function terminalProgress(
  stream: ProgressStream = process.stderr,
  nowMs: () => number = () => performance.now(),
): TerminalProgress {
  if (stream.isTTY !== true) return { update: () => undefined, done: () => undefined };
  let lastDrawMs = Number.NEGATIVE_INFINITY;
  let drawn = false;
  return {
    update(text, force = false) {
      const now = nowMs();
      if (!force && now - lastDrawMs < PROGRESS_REDRAW_MS) return;
      lastDrawMs = now;
      drawn = true;
      // Carriage return, the text, then "erase to end of line" (ECMA-48 EL) for a shorter text.
      stream.write(`\r${text}\u001b[K`);
    },
    done() {
      if (drawn) stream.write('\r\u001b[K');
      drawn = false;
    },
  };
}

/** "12,000 / 28,000": counts as people read them. */
export function countOf(done: number, total: number): string {
  return `${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')}`;
}

/** Runs `work` with a progress line on stderr, cleared afterwards whatever happens (a mistake's one-line message then starts on a clean line). */
export async function withTerminalProgress<T>(
  work: (progress: TerminalProgress) => Promise<T>,
  stream?: ProgressStream,
): Promise<T> {
  const progress = terminalProgress(stream);
  try {
    return await work(progress);
  } finally {
    progress.done();
  }
}

/** The line shown while cross-validation runs: the folds, then the pooled bootstrap. */
export function foldProgressText(what: string, completed: number, total: number): string {
  return completed < total
    ? `${what}: fold ${completed + 1} / ${total}…`
    : `${what}: ${total} folds done; bootstrap intervals…`;
}

import { describe, expect, it } from 'vitest';
import {
  countOf,
  foldProgressText,
  PROGRESS_REDRAW_MS,
  terminalProgress,
  withTerminalProgress,
} from './terminal-progress.ts';

function stream(isTTY: boolean): { isTTY: boolean; written: string[]; write(text: string): boolean } {
  const written: string[] = [];
  return {
    isTTY,
    written,
    write: (text) => {
      written.push(text);
      return true;
    },
  };
}

describe('terminalProgress', () => {
  it('terminalProgress writes nothing when the stream is not a terminal', () => {
    const piped = stream(false);

    const progress = terminalProgress(piped, () => 0);
    progress.update('replayed 1 / 2 jobs', true);
    progress.done();

    expect(piped.written).toEqual([]);
  });

  it('terminalProgress rewrites one line in place, at most every PROGRESS_REDRAW_MS unless forced, and clears it when done', () => {
    const terminal = stream(true);
    let nowMs = 0;
    const progress = terminalProgress(terminal, () => nowMs);

    progress.update('a');
    nowMs = PROGRESS_REDRAW_MS - 1;
    progress.update('b');
    progress.update('c', true);
    nowMs = 2 * PROGRESS_REDRAW_MS;
    progress.update('d');
    progress.done();
    progress.done();

    expect(terminal.written).toEqual(['\ra\u001b[K', '\rc\u001b[K', '\rd\u001b[K', '\r\u001b[K']);
  });

  it('withTerminalProgress clears the line when the work throws, and passes the error on', async () => {
    const terminal = stream(true);

    const failed = withTerminalProgress((progress) => {
      progress.update('x', true);
      return Promise.reject(new Error('bad input'));
    }, terminal);

    await expect(failed).rejects.toThrow('bad input');
    expect(terminal.written.at(-1)).toBe('\r\u001b[K');
  });
});

describe('countOf and foldProgressText', () => {
  it('countOf groups thousands; foldProgressText names the next fold, then the bootstrap', () => {
    expect(countOf(12_000, 28_000)).toBe('12,000 / 28,000');
    expect(foldProgressText('cross-validating', 0, 5)).toBe('cross-validating: fold 1 / 5…');
    expect(foldProgressText('cross-validating', 5, 5)).toBe('cross-validating: 5 folds done; bootstrap intervals…');
  });
});

import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createJsonLinesFileLogger, LOG_ROTATED_FILES } from './json-lines-file-logger.ts';

describe('createJsonLinesFileLogger', () => {
  let directory = '';
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('writes one JSON line per event and rotates at maxBytes into gzipped files, keeping LOG_ROTATED_FILES of them: the newest lines are all there, in order', async () => {
    directory = await mkdtemp(join(tmpdir(), 'vgac-log-'));
    const path = join(directory, 'vgac.log');
    const logger = createJsonLinesFileLogger({ path, serviceName: 'vgac', maxBytes: 4096 });
    const padding = 'x'.repeat(200);
    for (let index = 0; index < 200; index += 1) {
      logger.info('gate.decision', { index, padding });
      // Let the stream rotate between writes, as a server's requests would.
      if (index % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await logger.close();

    const files = (await readdir(directory)).sort();
    const rotated = Array.from({ length: LOG_ROTATED_FILES }, (_, index) => `vgac.log.${index + 1}.gz`);
    expect(files).toEqual(['vgac.log', ...rotated]);
    // 200 lines of ~300 bytes = ~60 KB written: the live file holds at most 4 KB (+ the line that crossed).
    expect((await stat(path)).size).toBeLessThanOrEqual(4096 + 400);
    const linesOf = (text: string) =>
      text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { message: string; index: number; level: string });
    // Oldest rotated file first, the live one last: one unbroken run of indexes ending at 199.
    const kept = [
      ...(
        await Promise.all(
          [...rotated]
            .reverse()
            .map(async (file) => linesOf(gunzipSync(await readFile(join(directory, file))).toString('utf8'))),
        )
      ).flat(),
      ...linesOf(await readFile(path, 'utf8')),
    ];
    expect(kept.at(-1)).toMatchObject({ message: 'gate.decision', index: 199, level: 'INFO' });
    expect(kept.every((line, position) => position === 0 || line.index === (kept[position - 1]?.index ?? -2) + 1)).toBe(
      true,
    );
    expect(kept.length).toBeGreaterThan(3 * 13);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });
});

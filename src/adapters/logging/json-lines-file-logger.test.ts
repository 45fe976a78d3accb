import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createJsonLinesFileLogger } from './json-lines-file-logger.ts';

describe('createJsonLinesFileLogger', () => {
  let directory = '';
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('writes one JSON line per event and rotates at maxBytes, keeping one older file: the log stays within 2 × maxBytes', async () => {
    directory = await mkdtemp(join(tmpdir(), 'vgac-log-'));
    const path = join(directory, 'vgac.log');
    const logger = createJsonLinesFileLogger({ path, serviceName: 'vgac', maxBytes: 4096 });
    const padding = 'x'.repeat(200);
    for (let index = 0; index < 200; index += 1) {
      logger.info('gate.decision', { index, padding });
      // Let the stream rotate between writes, as a server's requests would.
      if (index % 10 === 9) await new Promise((resolve) => setImmediate(resolve));
    }
    await logger.close();

    const files = (await readdir(directory)).sort();
    expect(files).toEqual(['vgac.log', 'vgac.log.1']);
    const sizes = await Promise.all(files.map(async (file) => (await stat(join(directory, file))).size));
    // 200 lines of ~300 bytes = ~60 KB written; at most one file of ≤ 4 KB (+ the line that crossed) and the live one are kept.
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBeLessThanOrEqual(2 * (4096 + 400));
    const live = (await readFile(path, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { message: string; index: number; level: string });
    expect(live.at(-1)).toMatchObject({ message: 'gate.decision', index: 199, level: 'INFO' });
    expect(live.every((line, position) => position === 0 || line.index === (live[position - 1]?.index ?? -2) + 1)).toBe(
      true,
    );
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startExpirySweeps } from './expiry-sweeps.ts';

function recordingLogger() {
  const lines: { level: string; event: string; fields?: Readonly<Record<string, unknown>> }[] = [];
  const at = (level: string) => (event: string, fields?: Readonly<Record<string, unknown>>) =>
    void lines.push({ level, event, ...(fields === undefined ? {} : { fields }) });
  return { lines, logger: { info: at('info'), warn: at('warn'), error: at('error') } };
}

describe('startExpirySweeps', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sweeps once per interval at the clock of that moment, logs a failure, and goes on', async () => {
    const { lines, logger } = recordingLogger();
    const calls: number[] = [];
    let clock = 1_000;
    const sweeper = {
      sweep: (nowMs: number) => {
        calls.push(nowMs);
        return calls.length === 2 ? Promise.reject(new Error('dynalite closed')) : Promise.resolve(3);
      },
    };
    const sweeps = startExpirySweeps(sweeper, { intervalMs: 100, nowMs: () => clock, logger });

    for (let tick = 0; tick < 3; tick += 1) {
      clock += 100;
      await vi.advanceTimersByTimeAsync(100);
    }
    await sweeps.stop();
    await vi.advanceTimersByTimeAsync(500);

    expect(calls).toEqual([1_100, 1_200, 1_300]);
    expect(lines.map((line) => `${line.level} ${line.event}`)).toEqual([
      'info storage.expired_items_deleted',
      'warn storage.expiry_sweep_failed',
      'info storage.expired_items_deleted',
    ]);
    expect(lines[1]?.fields?.error).toBe('dynalite closed');
  });

  it('starts no sweep while one runs, and stop() waits for the one in flight', async () => {
    const { logger } = recordingLogger();
    let release: (deleted: number) => void = () => undefined;
    let started = 0;
    const sweeper = {
      sweep: () => {
        started += 1;
        return new Promise<number>((resolve) => {
          release = resolve;
        });
      },
    };
    const sweeps = startExpirySweeps(sweeper, { intervalMs: 100, nowMs: () => 0, logger });
    await vi.advanceTimersByTimeAsync(350);
    let stopped = false;
    const stopping = sweeps.stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(0);

    expect(started).toBe(1);
    expect(stopped).toBe(false);
    release(0);
    await stopping;
    expect(stopped).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import type { MaintenanceResult } from '../../app/learning/maintain-cluster.ts';
import type { Logger } from '../../app/ports/logger.ts';
import type { MaintenanceReason } from '../../app/ports/maintenance-scheduler.ts';
import { BackgroundMaintenanceScheduler } from './background-maintenance-scheduler.ts';

interface Logged {
  readonly level: string;
  readonly event: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

function recordingLogger(lines: Logged[]): Logger {
  const at =
    (level: string) =>
    (event: string, fields: Readonly<Record<string, unknown>> = {}): void => {
      lines.push({ level, event, fields });
    };
  return { info: at('info'), warn: at('warn'), error: at('error') };
}

const NOTHING_DUE: MaintenanceResult = { clusterId: 'c1', steps: [], notes: [] };

/** A `run` whose calls wait until the test releases them, recording each call and how many overlap per cluster. */
function gatedRun(options: { failFirst?: boolean } = {}) {
  const calls: { clusterId: string; reason: MaintenanceReason }[] = [];
  const running = new Map<string, number>();
  let maxOverlap = 0;
  let release: () => void = () => undefined;
  let gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const run = async (clusterId: string, reason: MaintenanceReason): Promise<MaintenanceResult> => {
    calls.push({ clusterId, reason });
    running.set(clusterId, (running.get(clusterId) ?? 0) + 1);
    maxOverlap = Math.max(maxOverlap, running.get(clusterId) ?? 0);
    try {
      await gate;
      if (options.failFirst === true && calls.length === 1) throw new Error('dynamo unavailable');
      return NOTHING_DUE;
    } finally {
      running.set(clusterId, (running.get(clusterId) ?? 1) - 1);
    }
  };
  return {
    run,
    calls,
    maxOverlap: () => maxOverlap,
    open() {
      release();
      gate = Promise.resolve();
    },
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('BackgroundMaintenanceScheduler', () => {
  it('schedule returns before the maintenance starts: nothing has run when the caller resumes', async () => {
    const gated = gatedRun();
    const scheduler = new BackgroundMaintenanceScheduler({ run: gated.run, logger: recordingLogger([]) });

    await scheduler.schedule('c1', 'outcomes', 1);
    const callsWhenReturned = gated.calls.length;
    gated.open();
    await scheduler.drain();

    expect(callsWhenReturned).toBe(0);
    expect(gated.calls).toEqual([{ clusterId: 'c1', reason: 'outcomes' }]);
  });

  it('schedule folds due signals that arrive before the maintenance starts into that one run', async () => {
    const gated = gatedRun();
    const scheduler = new BackgroundMaintenanceScheduler({ run: gated.run, logger: recordingLogger([]) });

    await Promise.all(Array.from({ length: 100 }, (_, index) => scheduler.schedule('c1', 'outcomes', index)));
    gated.open();
    await scheduler.drain();

    expect(gated.calls.length).toBe(1);
  });

  it('schedule coalesces 100 concurrent due signals for one cluster into one running and one pending run', async () => {
    const gated = gatedRun();
    const scheduler = new BackgroundMaintenanceScheduler({ run: gated.run, logger: recordingLogger([]) });

    await scheduler.schedule('c1', 'outcomes', 0);
    await tick();
    await Promise.all(Array.from({ length: 99 }, (_, index) => scheduler.schedule('c1', 'outcomes', index + 1)));
    const startedWhileGated = gated.calls.length;
    gated.open();
    await scheduler.drain();

    expect(startedWhileGated).toBe(1);
    expect(gated.calls.length).toBe(2);
    expect(gated.maxOverlap()).toBe(1);
    expect(scheduler.busyClusters()).toEqual([]);
  });

  it('schedule runs different clusters side by side, each coalesced on its own', async () => {
    const gated = gatedRun();
    const scheduler = new BackgroundMaintenanceScheduler({ run: gated.run, logger: recordingLogger([]) });

    await scheduler.schedule('a', 'outcomes', 0);
    await scheduler.schedule('b', 'outcomes', 0);
    await tick();
    for (let index = 1; index < 10; index += 1) {
      await scheduler.schedule('a', 'outcomes', index);
      await scheduler.schedule('b', 'outcomes', index);
    }
    const startedWhileGated = gated.calls.map((call) => call.clusterId).sort();
    gated.open();
    await scheduler.drain();

    expect(startedWhileGated).toEqual(['a', 'b']);
    expect(gated.calls.map((call) => call.clusterId).sort()).toEqual(['a', 'a', 'b', 'b']);
  });

  it('schedule lets a manual request waiting behind a running one outrank pending outcome signals', async () => {
    const gated = gatedRun();
    const scheduler = new BackgroundMaintenanceScheduler({ run: gated.run, logger: recordingLogger([]) });

    await scheduler.schedule('c1', 'outcomes', 1);
    await tick();
    await scheduler.schedule('c1', 'outcomes', 2);
    await scheduler.schedule('c1', 'manual', 3);
    await scheduler.schedule('c1', 'outcomes', 4);
    gated.open();
    await scheduler.drain();

    expect(gated.calls.map((call) => call.reason)).toEqual(['outcomes', 'manual']);
  });

  it('a failed maintenance is logged once and the pending one still runs', async () => {
    const lines: Logged[] = [];
    const gated = gatedRun({ failFirst: true });
    const results: MaintenanceResult[] = [];
    const scheduler = new BackgroundMaintenanceScheduler({
      run: gated.run,
      logger: recordingLogger(lines),
      onResult: (_clusterId: string, result: MaintenanceResult) => results.push(result),
    });

    await scheduler.schedule('c1', 'outcomes', 1);
    await tick();
    await scheduler.schedule('c1', 'outcomes', 2);
    gated.open();
    await scheduler.drain();

    expect(lines.filter((line) => line.event === 'maintenance.failed')).toEqual([
      {
        level: 'error',
        event: 'maintenance.failed',
        fields: { clusterId: 'c1', reason: 'outcomes', error: 'dynamo unavailable' },
      },
    ]);
    expect(gated.calls.length).toBe(2);
    expect(results).toEqual([NOTHING_DUE]);
  });

  it('close waits for the running and pending runs, then drops later signals with a log line', async () => {
    const lines: Logged[] = [];
    const gated = gatedRun();
    const scheduler = new BackgroundMaintenanceScheduler({ run: gated.run, logger: recordingLogger(lines) });
    await scheduler.schedule('c1', 'outcomes', 1);
    await tick();
    await scheduler.schedule('c1', 'outcomes', 2);

    let closed = false;
    const closing = scheduler.close().then(() => {
      closed = true;
    });
    await tick();
    const closedWhileGated = closed;
    gated.open();
    await closing;
    await scheduler.schedule('c1', 'outcomes', 3);
    await tick();

    expect(closedWhileGated).toBe(false);
    expect(gated.calls.length).toBe(2);
    expect(
      lines.filter((line) => line.event === 'maintenance.dropped').map((line) => line.fields.requestedAtMs),
    ).toEqual([3]);
  });
});

import { appendFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queueEventId, type QueueEvent } from '../../app/records/queue-event.ts';
import { FileEventSpool } from './file-event-spool.ts';

const T0_MS = Date.UTC(2025, 0, 1, 10, 0, 0);

function submit(jobId: string, offsetSeconds = 0): QueueEvent {
  const atMs = T0_MS + offsetSeconds * 1000;
  return {
    id: queueEventId(jobId, 'submit', atMs),
    kind: 'submit',
    jobId,
    atMs,
    observedAtMs: atMs + 500,
    features: { gpusInUse: 3, requestedGpus: 2 },
  };
}

function start(jobId: string, waitSeconds: number): QueueEvent {
  const atMs = T0_MS + waitSeconds * 1000;
  return {
    id: queueEventId(jobId, 'start', atMs),
    kind: 'start',
    jobId,
    atMs,
    submittedAtMs: T0_MS,
    observedAtMs: atMs + 500,
  };
}

const ids = (events: readonly QueueEvent[]): string[] => events.map((event) => event.id);

describe('FileEventSpool', () => {
  let dir = '';

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vgac-spool-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('spool_reopened_replaysWhatWasNotAcknowledged_inOrder', async () => {
    const first = await FileEventSpool.open(dir);
    const events = [submit('101'), submit('102', 1), start('101', 4)];
    await first.append(events);
    await first.acknowledge([events[0]?.id ?? '']);
    // A crash: the process ends without closing anything.

    const second = await FileEventSpool.open(dir);

    expect(ids(second.pending(10))).toEqual(ids(events.slice(1)));
    expect(second.pending(10)).toEqual(events.slice(1));
    expect(second.recovery).toEqual({ pending: 2, skippedLines: 0 });
  });

  it('spool_pushedButNotAcknowledged_staysPendingAfterACrash', async () => {
    const first = await FileEventSpool.open(dir);
    const events = [submit('201'), start('201', 2)];
    await first.append(events);
    const sent = first.pending(10);

    const second = await FileEventSpool.open(dir);

    expect(ids(sent)).toEqual(ids(events));
    expect(ids(second.pending(10))).toEqual(ids(events));
  });

  it('spool_sameEventTwice_isPendingOnce', async () => {
    const spool = await FileEventSpool.open(dir);

    await spool.append([submit('301')]);
    await spool.append([submit('301'), submit('302', 1)]);

    expect(ids(spool.pending(10))).toEqual([submit('301').id, submit('302', 1).id]);
    expect(spool.size()).toBe(2);
  });

  it('spool_everyEventOfASegmentAcknowledged_deletesTheSegmentAndItsAcks', async () => {
    const spool = await FileEventSpool.open(dir, { segmentEvents: 2 });
    const events = [submit('401'), submit('402', 1), submit('403', 2)];
    await spool.append(events.slice(0, 2));
    await spool.append(events.slice(2));
    const before = (await readdir(dir)).filter((name) => name.startsWith('events-')).sort();

    await spool.acknowledge(ids(events.slice(0, 2)));

    const after = (await readdir(dir)).filter((name) => name.startsWith('events-')).sort();
    expect(before).toHaveLength(2);
    expect(after).toEqual(before.slice(1));
    expect(await readFile(join(dir, 'acks.jsonl'), 'utf8')).toBe('');
    expect(ids((await FileEventSpool.open(dir)).pending(10))).toEqual([events[2]?.id]);
  });

  it('spool_lineTornByACrash_isSkippedAndLaterEventsAreKept', async () => {
    const first = await FileEventSpool.open(dir);
    await first.append([submit('501')]);
    const [segment] = (await readdir(dir)).filter((name) => name.startsWith('events-'));
    await appendFile(join(dir, segment ?? ''), '{"id":"502:submit:17357', 'utf8');

    const second = await FileEventSpool.open(dir);
    await second.append([submit('503', 2)]);
    const third = await FileEventSpool.open(dir);

    expect(second.recovery).toEqual({ pending: 1, skippedLines: 1 });
    expect(ids(third.pending(10))).toEqual([submit('501').id, submit('503', 2).id]);
  });

  it('spool_pendingLimit_returnsTheOldestFirst', async () => {
    const spool = await FileEventSpool.open(dir);
    const events = Array.from({ length: 5 }, (_, index) => submit(String(600 + index), index));
    await spool.append(events);

    expect(ids(spool.pending(2))).toEqual(ids(events.slice(0, 2)));
  });

  it('spool_quarantine_keepsTheBatchAsideWithItsReason_andForgetsIt', async () => {
    const spool = await FileEventSpool.open(dir, { clock: () => T0_MS });
    const events = [submit('701'), submit('702', 1)];
    await spool.append(events);

    await spool.quarantine(events.slice(0, 1), 'HTTP 400 INVALID_REQUEST: body.events.0.features');

    const lines = (await readFile(join(dir, `rejected-${T0_MS}.jsonl`), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toEqual({ reason: 'HTTP 400 INVALID_REQUEST: body.events.0.features' });
    expect(lines[1]?.id).toBe(events[0]?.id);
    expect(ids(spool.pending(10))).toEqual([events[1]?.id]);
    expect(ids((await FileEventSpool.open(dir)).pending(10))).toEqual([events[1]?.id]);
  });
});

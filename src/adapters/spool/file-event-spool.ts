/**
 * The agent's spool as append-only files in one directory (one agent per directory):
 * - `events-<n>.jsonl`: events, one JSON line each in the API's wire form, appended and synced to
 *   disk before the agent moves past the listing they came from. Each process appends to a new
 *   segment, so a line torn by a crash is only ever the last of an old segment (it is skipped).
 * - `acks.jsonl`: acknowledged event ids, one JSON string per line, appended and synced.
 * An event is pending while its id is not acknowledged. A segment whose every event is
 * acknowledged is deleted; the acks file is then rewritten (temporary file + rename) to the ids
 * still needed. `rejected-<ms>.jsonl` keeps batches the API refused as malformed, with the reason.
 */
import { mkdir, open, readdir, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { InfrastructureError } from '../../app/errors.ts';
import { queueEventOf, WireEvent, wireEventOf } from '../../app/collection/queue-event-wire.ts';
import type { EventSpool } from '../../app/ports/event-spool.ts';
import type { QueueEvent } from '../../app/records/queue-event.ts';

/** Events per segment before a new one is started (so acknowledged history can be deleted). */
export const DEFAULT_SEGMENT_EVENTS = 1_000;

const SEGMENT = /^events-(\d{12})\.jsonl$/;
const ACKS = 'acks.jsonl';

interface Segment {
  readonly name: string;
  readonly ids: string[];
}

export interface FileEventSpoolOptions {
  readonly segmentEvents?: number;
  /** Epoch ms, for the names of quarantine files. */
  readonly clock?: () => number;
}

/** What opening found besides the pending events: lines that could not be read (a crash mid-append). */
export interface SpoolRecovery {
  readonly pending: number;
  readonly skippedLines: number;
}

export class FileEventSpool implements EventSpool {
  readonly #dir: string;
  readonly #segmentEvents: number;
  readonly #clock: () => number;
  readonly #segments: Segment[];
  readonly #pending = new Map<string, QueueEvent>();
  readonly #acked: Set<string>;
  #nextSegment: number;
  #current: { readonly segment: Segment; readonly handle: FileHandle } | undefined;
  /** Serialises appends, acknowledgements and compaction (one writer per file at a time). */
  #chain: Promise<unknown> = Promise.resolve();
  readonly recovery: SpoolRecovery;

  private constructor(
    dir: string,
    options: FileEventSpoolOptions,
    state: { segments: Segment[]; events: QueueEvent[]; acked: Set<string>; nextSegment: number; skippedLines: number },
  ) {
    this.#dir = dir;
    this.#segmentEvents = options.segmentEvents ?? DEFAULT_SEGMENT_EVENTS;
    this.#clock = options.clock ?? Date.now;
    this.#segments = state.segments;
    this.#acked = state.acked;
    this.#nextSegment = state.nextSegment;
    for (const event of state.events) if (!state.acked.has(event.id)) this.#pending.set(event.id, event);
    this.recovery = { pending: this.#pending.size, skippedLines: state.skippedLines };
  }

  /** Opens (creating) the spool in `dir` and reads what a previous run left pending. Throws InfrastructureError when the directory cannot be used. */
  static async open(dir: string, options: FileEventSpoolOptions = {}): Promise<FileEventSpool> {
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const names = (await readdir(dir)).filter((name) => SEGMENT.test(name)).sort();
      const acked = new Set<string>();
      let skippedLines = 0;
      const ackText = await readFile(join(dir, ACKS), 'utf8').catch((error: unknown) => {
        if (isMissing(error)) return '';
        throw error;
      });
      for (const line of ackText.split('\n')) {
        if (line === '') continue;
        const id = parseLine(line);
        if (typeof id === 'string') acked.add(id);
        else skippedLines += 1;
      }
      const segments: Segment[] = [];
      const events: QueueEvent[] = [];
      for (const name of names) {
        const segment: Segment = { name, ids: [] };
        for (const line of (await readFile(join(dir, name), 'utf8')).split('\n')) {
          if (line === '') continue;
          const parsed = WireEvent.safeParse(parseLine(line));
          if (!parsed.success) {
            skippedLines += 1;
            continue;
          }
          segment.ids.push(parsed.data.id);
          events.push(queueEventOf(parsed.data));
        }
        segments.push(segment);
      }
      const last = names.at(-1);
      const nextSegment = last === undefined ? 1 : Number(SEGMENT.exec(last)?.[1] ?? '0') + 1;
      const spool = new FileEventSpool(dir, options, { segments, events, acked, nextSegment, skippedLines });
      await spool.#compact();
      return spool;
    } catch (error) {
      if (error instanceof InfrastructureError) throw error;
      throw new InfrastructureError(`cannot use the spool directory '${dir}': ${describe(error)}`, { cause: error });
    }
  }

  size(): number {
    return this.#pending.size;
  }

  pending(limit: number): readonly QueueEvent[] {
    const events: QueueEvent[] = [];
    for (const event of this.#pending.values()) {
      if (events.length >= limit) break;
      events.push(event);
    }
    return events;
  }

  append(events: readonly QueueEvent[]): Promise<void> {
    return this.#serialised(async () => {
      const fresh = events.filter((event) => !this.#pending.has(event.id));
      if (fresh.length === 0) return;
      const current = await this.#segmentForAppend();
      const text = fresh.map((event) => `${JSON.stringify(wireEventOf(event))}\n`).join('');
      await current.handle.appendFile(text, 'utf8');
      // On disk before the tracker moves past the listing: a crash now loses nothing.
      await current.handle.datasync();
      for (const event of fresh) {
        current.segment.ids.push(event.id);
        this.#pending.set(event.id, event);
      }
    });
  }

  acknowledge(ids: readonly string[]): Promise<void> {
    return this.#serialised(async () => {
      const known = ids.filter((id) => this.#pending.has(id));
      if (known.length === 0) return;
      const handle = await open(join(this.#dir, ACKS), 'a', 0o600);
      try {
        await handle.appendFile(known.map((id) => `${JSON.stringify(id)}\n`).join(''), 'utf8');
        await handle.datasync();
      } finally {
        await handle.close();
      }
      for (const id of known) {
        this.#acked.add(id);
        this.#pending.delete(id);
      }
      await this.#compact();
    });
  }

  async quarantine(events: readonly QueueEvent[], reason: string): Promise<void> {
    await this.#serialised(async () => {
      const handle = await open(join(this.#dir, `rejected-${this.#clock()}.jsonl`), 'a', 0o600);
      try {
        await handle.appendFile(
          `${JSON.stringify({ reason })}\n${events.map((event) => `${JSON.stringify(wireEventOf(event))}\n`).join('')}`,
          'utf8',
        );
        await handle.datasync();
      } finally {
        await handle.close();
      }
    });
    await this.acknowledge(events.map((event) => event.id));
  }

  /** Closes the open segment (appends after this reopen one). */
  close(): Promise<void> {
    return this.#serialised(async () => {
      await this.#current?.handle.close();
      this.#current = undefined;
    });
  }

  #serialised<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(work).catch((error: unknown) => {
      throw error instanceof InfrastructureError
        ? error
        : new InfrastructureError(`spool '${this.#dir}': ${describe(error)}`, { cause: error });
    });
    this.#chain = next.catch(() => undefined);
    return next;
  }

  async #segmentForAppend(): Promise<{ readonly segment: Segment; readonly handle: FileHandle }> {
    if (this.#current !== undefined && this.#current.segment.ids.length < this.#segmentEvents) return this.#current;
    await this.#current?.handle.close();
    const name = `events-${String(this.#nextSegment).padStart(12, '0')}.jsonl`;
    this.#nextSegment += 1;
    const segment: Segment = { name, ids: [] };
    const handle = await open(join(this.#dir, name), 'a', 0o600);
    this.#segments.push(segment);
    this.#current = { segment, handle };
    return this.#current;
  }

  /** Deletes fully acknowledged segments, then keeps in the acks file only the ids of segments that remain. */
  async #compact(): Promise<void> {
    const done = this.#segments.filter((segment) => segment.ids.every((id) => this.#acked.has(id)));
    if (done.length === 0) return;
    for (const segment of done) {
      if (this.#current?.segment === segment) {
        await this.#current.handle.close();
        this.#current = undefined;
      }
      await unlink(join(this.#dir, segment.name)).catch((error: unknown) => {
        if (!isMissing(error)) throw error;
      });
      this.#segments.splice(this.#segments.indexOf(segment), 1);
    }
    const needed = new Set(this.#segments.flatMap((segment) => segment.ids.filter((id) => this.#acked.has(id))));
    this.#acked.clear();
    for (const id of needed) this.#acked.add(id);
    // The events are gone before the acks that covered them: a crash in between leaves acks for nothing, which is harmless.
    const temporary = join(this.#dir, `${ACKS}.tmp`);
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile([...needed].map((id) => `${JSON.stringify(id)}\n`).join(''), 'utf8');
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temporary, join(this.#dir, ACKS));
  }
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}

function isMissing(error: unknown): boolean {
  return (error as { code?: unknown }).code === 'ENOENT';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

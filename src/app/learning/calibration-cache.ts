/**
 * The serving path's copy of each cluster's calibration (calibrator, standing, wait state), so a
 * prediction needs no storage read in the steady state. A copy is used for at most `maxAgeMs`
 * (S) after the read that fetched it began, and re-read in the background once it is S/2 old (so
 * a steady stream of requests never waits for the read); concurrent misses share one read; this
 * process's own commits replace it at once (write-through), so within one process nothing is
 * ever stale.
 *
 * Why a bounded staleness S (default 1 s, VGAC_CALIBRATION_MAX_AGE_MS) is safe for the gate:
 * - A forecast is issued with a calibrator at most S old. The calibrator moves by one online step
 *   per outcome; what S can hide is the few steps folded in the last S seconds, and the stored
 *   forecast records the calibration version it used (`calibrationVersion`), so evidence is
 *   judged on what was actually issued.
 * - A withdrawal (a drift alarm, a lost qualification) reaches serving within S seconds of being
 *   committed by another process: for at most S an action may still be taken at the old scope.
 *   The gate's guarantees are statements over the evidence window (hundreds of outcomes, hours
 *   of queue time), so an S of seconds does not change which tiers the evidence supports; it only
 *   delays a withdrawal by S, as any reader on another machine would be delayed by its read.
 * - Scope grants and rebaselines are rare (a handful per cluster per day). A rebaseline's new
 *   epoch is seen within S: the few forecasts issued meanwhile carry the old epoch, and the fold
 *   skips outcomes of another epoch, so none is judged against the wrong threshold.
 * Set S = 0 to read the calibration on every request.
 */
import type { CalibrationSource } from '../ports/calibration-source.ts';
import type { ConditionalWriteResult } from '../ports/conditional-write.ts';
import type { LearningStateStore } from '../ports/learning-state-store.ts';
import type { CalibrationRecord } from '../records/calibration-record.ts';
import type { LearningRecord } from '../records/learning-record.ts';

export interface CalibrationCacheOptions {
  /** S: how long a read calibration may be served, ms (0: no cache). */
  readonly maxAgeMs: number;
  /** The clock the age is measured on (epoch or monotonic ms). */
  readonly nowMs: () => number;
}

interface Entry {
  readonly record: CalibrationRecord;
  /** When the read that fetched it began (or this process committed it). */
  readonly sinceMs: number;
}

/** `store` with its `current` answered from a copy at most `maxAgeMs` old; `commit` writes through and keeps what it wrote. */
export function cacheCalibration(
  store: LearningStateStore & CalibrationSource,
  options: CalibrationCacheOptions,
): LearningStateStore & CalibrationSource {
  if (!(Number.isFinite(options.maxAgeMs) && options.maxAgeMs >= 0))
    throw new RangeError(`calibration maxAgeMs must be ≥ 0, got ${options.maxAgeMs}`);
  if (options.maxAgeMs === 0) return store;
  const entries = new Map<string, Entry>();
  const reading = new Map<string, Promise<CalibrationRecord | undefined>>();

  /** Keeps `record` unless a newer version is already kept. */
  const keep = (record: CalibrationRecord, sinceMs: number): void => {
    const kept = entries.get(record.clusterId);
    if (kept !== undefined && kept.record.learningVersion > record.learningVersion) return;
    entries.set(record.clusterId, { record, sinceMs });
  };

  /** Reads the calibration (one read per cluster at a time) and keeps it. */
  const refresh = (clusterId: string, nowMs: number): Promise<CalibrationRecord | undefined> => {
    const read = store
      .current(clusterId)
      .then((record) => {
        // An unknown cluster is not kept: its registration must be seen by the next request.
        if (record === undefined) entries.delete(clusterId);
        else keep(record, nowMs);
        return record === undefined ? undefined : (entries.get(clusterId)?.record ?? record);
      })
      .finally(() => reading.delete(clusterId));
    reading.set(clusterId, read);
    return read;
  };

  return {
    load: (clusterId: string): Promise<LearningRecord | undefined> => store.load(clusterId),
    pending: (clusterId, limit) => store.pending(clusterId, limit),
    acknowledge: (outcomes) => store.acknowledge(outcomes),
    async commit(record, expectedVersion, calibration): Promise<ConditionalWriteResult> {
      const startedMs = options.nowMs();
      const written = await store.commit(record, expectedVersion, calibration);
      if (written.status === 'written') keep(calibration, startedMs);
      return written;
    },
    current(clusterId: string): Promise<CalibrationRecord | undefined> {
      const nowMs = options.nowMs();
      const kept = entries.get(clusterId);
      if (kept !== undefined && nowMs - kept.sinceMs < options.maxAgeMs) {
        // Past half its age, the copy is refreshed in the background while still served, so in
        // the steady state no request waits for the read.
        if (nowMs - kept.sinceMs >= options.maxAgeMs / 2 && !reading.has(clusterId))
          void refresh(clusterId, nowMs).catch(() => undefined);
        return Promise.resolve(kept.record);
      }
      return reading.get(clusterId) ?? refresh(clusterId, nowMs);
    },
  };
}

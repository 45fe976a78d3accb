import type { CalibrationHistoryPoint } from '../records/calibration-history-point.ts';

/** Append-only calibration history per cluster. */
export interface CalibrationHistoryStore {
  append(point: CalibrationHistoryPoint): Promise<void>;
  /** The most recent points, oldest first, at most `limit`. */
  list(clusterId: string, limit: number): Promise<CalibrationHistoryPoint[]>;
}

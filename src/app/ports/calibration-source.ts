import type { CalibrationRecord } from '../records/calibration-record.ts';

/** A cluster's current calibration, as predictions, views and agents read it. */
export interface CalibrationSource {
  /** Undefined for an unknown cluster. */
  current(clusterId: string): Promise<CalibrationRecord | undefined>;
}

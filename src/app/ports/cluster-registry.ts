import type { CalibrationRecord } from '../records/calibration-record.ts';
import type { ClusterProfile } from '../records/cluster-profile.ts';
import type { LearningRecord } from '../records/learning-record.ts';

/** Which clusters exist, and their profiles. */
export interface ClusterRegistry {
  /**
   * Creates a cluster: its learning record (conditional: refused when one exists → `exists`), then
   * its calibration summary and, when it has none, its profile.
   */
  register(
    learning: LearningRecord,
    calibration: CalibrationRecord,
    profile: ClusterProfile,
  ): Promise<'registered' | 'exists'>;
  profile(clusterId: string): Promise<ClusterProfile | undefined>;
  /** Replaces the profile (last writer wins: a profile is a summary, recomputed whole). */
  putProfile(profile: ClusterProfile): Promise<void>;
  /** Every registered cluster id, ascending. */
  list(): Promise<string[]>;
}

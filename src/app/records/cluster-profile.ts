/** The cluster's profile item (`SK = PROFILE`). */
export interface ClusterProfile {
  readonly clusterId: string;
  readonly platform: 'slurm' | 'kubernetes' | 'batch' | 'swf' | 'other';
  readonly queueDepthMean: number;
  readonly queueDepthMax: number;
  readonly utilisationMean: number;
  readonly typicalWaitSeconds: number | null;
  readonly longWaitThresholdSeconds: number | null;
  /** Hours of day (0–23, UTC) with the most submissions, busiest first. */
  readonly peakHoursUtc: readonly number[];
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

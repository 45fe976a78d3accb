/** A job as the Observer sees it in the queue. */
export interface QueuedJob {
  readonly jobId: string;
  readonly user: string;
  readonly partition: string;
  readonly state: 'pending' | 'running' | 'completed' | 'cancelled' | 'failed' | 'other';
  readonly submitTimeMs: number;
  readonly startTimeMs: number | null;
  readonly requestedGpus: number;
  readonly requestedCpus: number;
  readonly timeLimitSeconds: number | null;
  readonly priority: number | null;
  /** Scheduler's reason for pending (e.g. `Resources`, `Priority`), when known. */
  readonly reason: string | null;
  /** When a finished job left the queue or ended (epoch ms); null/absent while queued or running, or unknown. */
  readonly endTimeMs?: number | null;
}

/** The queue state at an instant: what the Predictor's features are computed from. */
export interface ClusterState {
  readonly clusterId: string;
  readonly observedAtMs: number;
  readonly jobs: readonly QueuedJob[];
  readonly totalGpus: number;
  readonly gpusInUse: number;
  /** Submit-time features, by name, ready for `predictJob` (what the collector can compute). */
  readonly features: Readonly<Record<string, number | string>>;
}

/** A job specification (the VGAC platform contract's fields). */
export interface JobSpec {
  readonly gpus: number;
  readonly cpuMillicores?: number;
  readonly memoryGb?: number;
  readonly priority?: number;
  readonly namespace?: string;
  readonly queue?: string;
  readonly estimatedDurationMinutes?: number;
  readonly isDistributed?: boolean;
  readonly gpuType?: string;
  /** Declared job class (e.g. `burst`, `long`), a feature on clusters that declare it. */
  readonly jobType?: string;
}

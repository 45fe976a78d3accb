/** The Observer's queue state and the escalation queue as the API shows them (snake_case). */
import type { ClusterState, QueuedJob } from '../records/queue.ts';
import type { Escalation } from '../records/escalation.ts';

export interface QueuedJobView {
  readonly job_id: string;
  readonly user: string;
  readonly queue: string;
  readonly state: QueuedJob['state'];
  readonly submitted_at_ms: number;
  readonly started_at_ms: number | null;
  readonly gpus: number;
  readonly cpus: number;
  readonly time_limit_seconds: number | null;
  readonly priority: number | null;
  readonly pending_reason: string | null;
}

export function queuedJobView(job: QueuedJob): QueuedJobView {
  return {
    job_id: job.jobId,
    user: job.user,
    queue: job.partition,
    state: job.state,
    submitted_at_ms: job.submitTimeMs,
    started_at_ms: job.startTimeMs,
    gpus: job.requestedGpus,
    cpus: job.requestedCpus,
    time_limit_seconds: job.timeLimitSeconds,
    priority: job.priority,
    pending_reason: job.reason,
  };
}

/** Counts over the observed queue: pending/running jobs and GPUs, utilisation in [0, 1] (null without GPUs). */
export function queueSummary(state: ClusterState): Record<string, number | null> {
  let pendingJobs = 0;
  let runningJobs = 0;
  let pendingGpus = 0;
  for (const job of state.jobs) {
    if (job.state === 'pending') {
      pendingJobs += 1;
      pendingGpus += job.requestedGpus;
    } else if (job.state === 'running') {
      runningJobs += 1;
    }
  }
  return {
    observed_at_ms: state.observedAtMs,
    total_gpus: state.totalGpus,
    gpus_in_use: state.gpusInUse,
    gpu_utilisation: state.totalGpus > 0 ? state.gpusInUse / state.totalGpus : null,
    pending_jobs: pendingJobs,
    running_jobs: runningJobs,
    pending_gpus: pendingGpus,
  };
}

export function escalationView(escalation: Escalation): Record<string, unknown> {
  return {
    escalation_id: escalation.escalationId,
    cluster_id: escalation.clusterId,
    job_id: escalation.jobId,
    action: escalation.action,
    probability: escalation.probability,
    scope: escalation.scope,
    reasons: escalation.reasons,
    status: escalation.status,
    created_at_ms: escalation.createdAtMs,
    decided_by: escalation.decidedBy,
    decided_at_ms: escalation.decidedAtMs,
    result: escalation.result,
    history: escalation.history.map((entry) => ({
      at_ms: entry.atMs,
      by: entry.by,
      status: entry.status,
      note: entry.note,
    })),
  };
}

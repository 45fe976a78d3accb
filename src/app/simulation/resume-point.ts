/**
 * Where a restarted simulation continues, from what the store already holds: after the newest
 * simulated job predicted on the cluster, with the outcomes of simulated jobs predicted but never
 * resolved still owed. A cluster with no simulated job starts at cycle 1, job 0.
 */
import type { PredictionRecord } from '../records/prediction-record.ts';
import type { ResumePoint } from './simulation-plan.ts';
import { parseSimulationJobId } from './simulation-job-id.ts';
import type { SimulatedClusterTrace } from './simulated-job.ts';

/**
 * `recent` is the cluster's recent predictions, newest first (`ClusterStore.recentPredictions`).
 * When the newest simulated job is the trace's last, the next cycle starts at job 0; a newest job
 * whose trace id is unknown (the trace changed) restarts the next cycle from job 0 too.
 */
export function resumePoint(trace: SimulatedClusterTrace, recent: readonly PredictionRecord[]): ResumePoint {
  const owedOutcomes: { cycle: number; traceJobId: string }[] = [];
  let newest: { cycle: number; traceJobId: string } | null = null;
  for (const prediction of recent) {
    const parsed = parseSimulationJobId(prediction.jobId);
    if (parsed === null) continue;
    newest ??= parsed;
    if (prediction.outcome === undefined) owedOutcomes.push(parsed);
  }
  if (newest === null) return { cycle: 1, nextIndex: 0, owedOutcomes };
  const index = trace.jobs.findIndex((job) => job.traceJobId === newest.traceJobId);
  if (index < 0 || index + 1 >= trace.jobs.length) return { cycle: newest.cycle + 1, nextIndex: 0, owedOutcomes };
  return { cycle: newest.cycle, nextIndex: index + 1, owedOutcomes };
}

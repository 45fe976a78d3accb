/**
 * One event of the replay, through the product's own use cases:
 * - submit → the simulated queue takes the job, then observe → predict → decide (the agents; the
 *   learning loop's `predictJob` alone when no agents are wired), which stores the prediction,
 *   gates, acts or escalates;
 * - outcome → the job leaves the queue and its observed wait is joined to its prediction
 *   (`recordJobOutcome`), which hands a due recompute to the learning deps' scheduler (in the
 *   background under `vgac start`; the recompute's result reaches the simulator from there).
 * Records carry the wall clock (`nowMs`); only the timetable is accelerated. An answered simulated
 * prediction is kept `ANSWERED_SIMULATION_RETENTION_MS` (not the TTL of a real cluster's).
 */
import { DuplicateError, UnknownJobError } from '../errors.ts';
import type { AgentDecision, ObservePredictDecideRequest } from '../agents/observe-predict-decide.ts';
import type { LearningDeps } from '../learning/learning-deps.ts';
import { predictJob } from '../learning/predict-job.ts';
import { recordJobOutcome } from '../learning/record-outcome.ts';
import type { SimulatedClusters } from './simulated-cluster.ts';
import { simulationJobId } from './simulation-job-id.ts';
import { SimulationEventKind, type SimulationEvent } from './simulation-plan.ts';

/**
 * How long an answered simulated prediction stays in the table. The simulation issues hundreds of
 * forecasts a minute, and what they taught lives on in the learning state; the items themselves
 * serve only the dashboard's recent lists, PSI's sample, a retrain's window (2,000 answered
 * predictions, about what the default speed issues per cluster in 10 minutes) and a repeated
 * delivery. Kept for a real cluster's 30-day TTL, a laptop running `vgac start` would store about
 * 700,000 of them a day.
 */
export const ANSWERED_SIMULATION_RETENTION_MS = 10 * 60_000;

export interface SimulationDeps {
  readonly learning: LearningDeps;
  readonly clusters: SimulatedClusters;
  /** The agents' observe → predict → decide, bound to its dependencies; absent → `predictJob`. */
  readonly decide?: (request: ObservePredictDecideRequest) => Promise<AgentDecision>;
}

export type SimulationEventResult =
  | {
      readonly kind: 'submitted';
      readonly clusterId: string;
      readonly jobId: string;
      readonly probability: number | null;
      readonly scope: string;
      readonly escalationId: string | null;
      readonly executed: number;
    }
  | {
      readonly kind: 'resolved';
      readonly clusterId: string;
      readonly jobId: string;
      readonly counted: boolean;
      readonly maintenanceScheduled: boolean;
      readonly driftResponses: number;
    }
  | { readonly kind: 'skipped'; readonly clusterId: string; readonly jobId: string; readonly reason: string };

export async function runSimulationEvent(
  deps: SimulationDeps,
  event: SimulationEvent,
  nowMs: number,
): Promise<SimulationEventResult> {
  const jobId = simulationJobId(event.cycle, event.job.traceJobId);
  const { clusterId } = event;
  if (event.kind === SimulationEventKind.submit) {
    deps.clusters.submitted(clusterId, jobId, event.job.job, event.job.features, nowMs);
    try {
      if (deps.decide !== undefined) {
        const decision = await deps.decide({
          clusterId,
          job: event.job.job,
          jobId,
          nowMs,
          correlationId: `sim-${jobId}`,
        });
        return {
          kind: 'submitted',
          clusterId,
          jobId,
          probability: decision.probability,
          scope: decision.scope,
          escalationId: decision.escalationId,
          executed: decision.executedActions.length,
        };
      }
      const state = await deps.clusters.observe(clusterId, event.job.job);
      const predicted = await predictJob(deps.learning, { clusterId, jobId, features: state.features, nowMs });
      return {
        kind: 'submitted',
        clusterId,
        jobId,
        probability: predicted.prediction.probability,
        scope: predicted.decision.scope,
        escalationId: null,
        executed: 0,
      };
    } catch (error) {
      // A restart may replay a job whose prediction the previous run already stored.
      if (error instanceof DuplicateError) return { kind: 'skipped', clusterId, jobId, reason: 'already predicted' };
      throw error;
    }
  }
  deps.clusters.started(clusterId, jobId);
  try {
    const response = await recordJobOutcome(deps.learning, {
      clusterId,
      jobId,
      waitSeconds: event.job.waitSeconds,
      nowMs,
      keepUntilMs: nowMs + ANSWERED_SIMULATION_RETENTION_MS,
    });
    return {
      kind: 'resolved',
      clusterId,
      jobId,
      counted: response.result.status === 'recorded',
      maintenanceScheduled: response.fold?.maintenanceScheduled ?? false,
      driftResponses: (response.fold?.changes ?? []).filter((change) => change.calibrator !== 'keep').length,
    };
  } catch (error) {
    // The submit failed (or was skipped before it stored anything): there is nothing to join.
    if (error instanceof UnknownJobError) return { kind: 'skipped', clusterId, jobId, reason: 'no prediction to join' };
    throw error;
  }
}

/**
 * Runs the replay against the wall clock: each cluster has one worker that submits its jobs and
 * reveals their outcomes when the accelerated timetable (`planCycle`) says they are due —
 * trace time runs `speed` times faster than the wall clock — one event at a time, in order, through
 * `runSimulationEvent`. When a trace is exhausted the next cycle starts (new job ids), so the demo
 * never runs dry. `stop()` lets the event in flight finish, then returns: nothing is torn halfway.
 */
import type { Logger } from '../../app/ports/logger.ts';
import { resumePoint } from '../../app/simulation/resume-point.ts';
import type { MaintenanceResult } from '../../app/learning/maintain-cluster.ts';
import {
  runSimulationEvent,
  type SimulationDeps,
  type SimulationEventResult,
} from '../../app/simulation/run-simulation-event.ts';
import type { SimulatedClusterTrace } from '../../app/simulation/simulated-job.ts';
import {
  DEFAULT_MAX_IDLE_MS,
  dueEventCount,
  planCycle,
  type ResumePoint,
  type SimulationEvent,
} from '../../app/simulation/simulation-plan.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { DEFAULT_SIMULATION_SPEED } from './simulation-speed.ts';

/** Longest a worker sleeps before looking at the clock again (ms). */
export const SIMULATION_TICK_MS = 100;
/** Predictions read back per cluster to find where a restarted replay continues. */
export const RESUME_LOOKBACK = 200;

export interface SimulatorOptions {
  /** Trace ms per wall ms, > 0. Default {@link DEFAULT_SIMULATION_SPEED}. */
  readonly speed?: number;
  /** Idle trace gaps are shortened to this (ms). Default {@link DEFAULT_MAX_IDLE_MS}. */
  readonly maxIdleMs?: number;
  readonly logger: Logger;
  /** Wall clock (epoch ms); injected for tests. */
  readonly nowMs?: () => number;
  /** Called after every event (progress lines, tests). */
  readonly onEvent?: (result: SimulationEventResult) => void;
}

export interface ClusterProgress {
  readonly clusterId: string;
  readonly cycle: number;
  readonly submitted: number;
  readonly resolved: number;
  readonly escalations: number;
  /** Times the online calibrator responded to drift (adapted or reset). */
  readonly driftResponses: number;
  readonly retrains: number;
  readonly failures: number;
}

export interface Simulator {
  /** Starts the workers (once). */
  start(): void;
  /** Stops after the events in flight; idempotent. */
  stop(): Promise<void>;
  progress(): readonly ClusterProgress[];
  /** Counts what a maintenance run did for `clusterId` (maintenance runs in the background, after the outcome event). */
  countMaintenance(clusterId: string, result: MaintenanceResult): void;
}

interface Worker {
  readonly trace: SimulatedClusterTrace;
  events: SimulationEvent[];
  cursor: number;
  cycle: number;
  planStartMs: number;
  progress: { -readonly [K in keyof ClusterProgress]: ClusterProgress[K] };
}

/** Reads each cluster's resume point from the store and prepares the workers (not started). */
export async function createSimulator(
  deps: SimulationDeps,
  traces: readonly SimulatedClusterTrace[],
  options: SimulatorOptions,
): Promise<Simulator> {
  const speed = options.speed ?? DEFAULT_SIMULATION_SPEED;
  if (!(speed > 0) || !Number.isFinite(speed)) throw new InvalidInputError(`--speed ${speed}: expected a number > 0`);
  const maxIdleMs = options.maxIdleMs ?? DEFAULT_MAX_IDLE_MS;
  const now = options.nowMs ?? Date.now;
  const { logger } = options;

  const workers: Worker[] = [];
  for (const trace of traces) {
    const resume: ResumePoint = resumePoint(
      trace,
      await deps.learning.predictions.recent(trace.clusterId, { limit: RESUME_LOOKBACK }),
    );
    logger.info('simulation.resume', {
      clusterId: trace.clusterId,
      cycle: resume.cycle,
      nextIndex: resume.nextIndex,
      owedOutcomes: resume.owedOutcomes.length,
    });
    workers.push({
      trace,
      events: planCycle(trace, resume, maxIdleMs),
      cursor: 0,
      cycle: resume.cycle,
      planStartMs: now(),
      progress: {
        clusterId: trace.clusterId,
        cycle: resume.cycle,
        submitted: 0,
        resolved: 0,
        escalations: 0,
        driftResponses: 0,
        retrains: 0,
        failures: 0,
      },
    });
  }

  let stopping = false;
  let running: Promise<void>[] = [];
  const sleepers = new Set<() => void>();
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });

  const count = (worker: Worker, result: SimulationEventResult): void => {
    if (result.kind === 'submitted') {
      worker.progress.submitted += 1;
      if (result.escalationId !== null) worker.progress.escalations += 1;
    } else if (result.kind === 'resolved') {
      if (result.counted) worker.progress.resolved += 1;
      worker.progress.driftResponses += result.driftResponses;
    }
  };

  const runWorker = async (worker: Worker): Promise<void> => {
    while (!stopping) {
      const elapsedOffsetMs = (now() - worker.planStartMs) * speed;
      const due = dueEventCount(worker.events, worker.cursor, elapsedOffsetMs);
      for (let index = 0; index < due && !stopping; index += 1) {
        const event = worker.events[worker.cursor] as SimulationEvent;
        worker.cursor += 1;
        try {
          const result = await runSimulationEvent(deps, event, now());
          count(worker, result);
          options.onEvent?.(result);
        } catch (error) {
          worker.progress.failures += 1;
          logger.error('simulation.event_failed', {
            clusterId: event.clusterId,
            kind: event.kind,
            traceJobId: event.job.traceJobId,
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
      if (stopping) break;
      if (worker.cursor >= worker.events.length) {
        worker.cycle += 1;
        worker.progress.cycle = worker.cycle;
        worker.events = planCycle(worker.trace, { cycle: worker.cycle, nextIndex: 0, owedOutcomes: [] }, maxIdleMs);
        worker.cursor = 0;
        worker.planStartMs = now();
        logger.info('simulation.cycle', { clusterId: worker.trace.clusterId, cycle: worker.cycle });
        continue;
      }
      const next = worker.events[worker.cursor] as SimulationEvent;
      const waitMs = (next.atOffsetMs - (now() - worker.planStartMs) * speed) / speed;
      await sleep(Math.max(1, Math.min(SIMULATION_TICK_MS, waitMs)));
    }
  };

  return {
    start() {
      if (running.length > 0 || stopping) return;
      running = workers.map((worker) => runWorker(worker));
    },
    async stop() {
      stopping = true;
      for (const wake of [...sleepers]) wake();
      await Promise.all(running);
    },
    progress: () => workers.map((worker) => ({ ...worker.progress })),
    countMaintenance(clusterId, result) {
      const worker = workers.find((candidate) => candidate.trace.clusterId === clusterId);
      if (worker !== undefined && result.steps.includes('retrained')) worker.progress.retrains += 1;
    },
  };
}

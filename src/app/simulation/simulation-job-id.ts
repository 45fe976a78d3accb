/**
 * Job ids of simulated jobs: `sim.c{cycle}.{traceJobId}`. The trace is replayed in cycles (the
 * demo never runs dry); the cycle keeps ids unique across cycles, and the prefix tells simulated
 * jobs apart from jobs sent through the API, so a restart resumes after the last simulated one.
 */
import { InvalidInputError } from '../../core/errors.ts';

export const SIMULATION_JOB_PREFIX = 'sim.';

/** `sim.c{cycle}.{traceJobId}`; cycle is a whole number ≥ 1. Throws InvalidInputError otherwise. */
export function simulationJobId(cycle: number, traceJobId: string): string {
  if (!Number.isInteger(cycle) || cycle < 1)
    throw new InvalidInputError(`simulation cycle ${cycle}: expected a whole number ≥ 1`);
  return `${SIMULATION_JOB_PREFIX}c${cycle}.${traceJobId}`;
}

/** The cycle and trace id of a simulated job id, or null for any other id. */
export function parseSimulationJobId(jobId: string): { readonly cycle: number; readonly traceJobId: string } | null {
  const match = /^sim\.c([1-9]\d*)\.(.+)$/.exec(jobId);
  if (match === null) return null;
  return { cycle: Number(match[1]), traceJobId: match[2] as string };
}

import { describe, expect, it } from 'vitest';
import type { SimulatedClusterTrace, SimulatedJob } from './simulated-job.ts';
import { dueEventCount, planCycle } from './simulation-plan.ts';
import { resumePoint } from './resume-point.ts';
import { parseSimulationJobId, simulationJobId } from './simulation-job-id.ts';
import type { PredictionRecord } from '../records/prediction-record.ts';

function job(traceJobId: string, submitAtMs: number, waitSeconds: number): SimulatedJob {
  return { traceJobId, submitAtMs, features: {}, job: { gpus: 1 }, waitSeconds, longWait: waitSeconds > 100 };
}

const trace: SimulatedClusterTrace = {
  clusterId: 'slurm-hpc',
  platform: 'slurm',
  totalGpus: 8,
  longWaitThresholdSeconds: 100,
  jobs: [job('a', 1_000_000, 30), job('b', 1_010_000, 0), job('c', 1_910_000, 5)],
};

function prediction(jobId: string, withOutcome: boolean): PredictionRecord {
  return {
    clusterId: 'slurm-hpc',
    jobId,
    predictedAtMs: 0,
    features: {},
    rawScore: 0,
    probability: 0.5,
    waitEstimate: null,
    scope: 'learning',
    tier: null,
    bundleVersion: 1,
    unknownFeatures: [],
    classifierProbability: 0.5,
    epoch: 1,
    calibrationVersion: 1,
    ...(withOutcome ? { outcome: { waitSeconds: 1, longWait: false, observedAtMs: 1 } } : {}),
  };
}

describe('planCycle', () => {
  it('planCycle puts submits at trace offsets with long idle gaps shortened and outcomes after their wait', () => {
    const events = planCycle(trace, { cycle: 2, nextIndex: 0, owedOutcomes: [] }, 60_000);

    // Hand-worked: a at 0, b at 10 000, c at 10 000 + min(900 000, 60 000) = 70 000; outcomes at +wait.
    expect(events.map((event) => [event.kind, event.job.traceJobId, event.atOffsetMs])).toEqual([
      ['submit', 'a', 0],
      ['submit', 'b', 10_000],
      ['outcome', 'b', 10_000],
      ['outcome', 'a', 30_000],
      ['submit', 'c', 70_000],
      ['outcome', 'c', 75_000],
    ]);
    expect(new Set(events.map((event) => event.cycle))).toEqual(new Set([2]));
  });

  it('planCycle starts at the resume index and owes earlier outcomes at offset 0', () => {
    const events = planCycle(
      trace,
      {
        cycle: 1,
        nextIndex: 2,
        owedOutcomes: [
          { cycle: 1, traceJobId: 'b' },
          { cycle: 1, traceJobId: 'gone' },
        ],
      },
      60_000,
    );

    expect(events.map((event) => [event.kind, event.job.traceJobId, event.atOffsetMs])).toEqual([
      ['outcome', 'b', 0],
      ['submit', 'c', 0],
      ['outcome', 'c', 5_000],
    ]);
  });

  it('planCycle refuses a resume index outside the trace', () => {
    expect(() => planCycle(trace, { cycle: 1, nextIndex: 4, owedOutcomes: [] })).toThrow(/resume index 4/);
  });

  it('dueEventCount counts events up to and including the elapsed offset', () => {
    const events = planCycle(trace, { cycle: 1, nextIndex: 0, owedOutcomes: [] }, 60_000);

    expect(dueEventCount(events, 0, 9_999)).toBe(1);
    expect(dueEventCount(events, 1, 10_000)).toBe(2);
    expect(dueEventCount(events, 3, 1e9)).toBe(3);
  });
});

describe('resumePoint', () => {
  it('resumePoint starts a fresh cluster at cycle 1, job 0', () => {
    expect(resumePoint(trace, [prediction('api-job-1', false)])).toEqual({ cycle: 1, nextIndex: 0, owedOutcomes: [] });
  });

  it('resumePoint continues after the newest simulated job and owes unresolved outcomes', () => {
    const recent = [prediction('api-job-2', false), prediction('sim.c3.b', false), prediction('sim.c3.a', true)];

    expect(resumePoint(trace, recent)).toEqual({
      cycle: 3,
      nextIndex: 2,
      owedOutcomes: [{ cycle: 3, traceJobId: 'b' }],
    });
  });

  it("resumePoint moves to the next cycle after the trace's last job", () => {
    expect(resumePoint(trace, [prediction('sim.c1.c', true)])).toEqual({ cycle: 2, nextIndex: 0, owedOutcomes: [] });
  });
});

describe('simulationJobId', () => {
  it('simulationJobId round-trips through parseSimulationJobId and rejects other ids', () => {
    expect(parseSimulationJobId(simulationJobId(12, 'row7.x'))).toEqual({ cycle: 12, traceJobId: 'row7.x' });
    expect(parseSimulationJobId('sim.c0.a')).toBeNull();
    expect(parseSimulationJobId('job-1')).toBeNull();
    expect(() => simulationJobId(0, 'a')).toThrow(/cycle 0/);
  });
});

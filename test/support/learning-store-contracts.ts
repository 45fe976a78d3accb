/**
 * The contracts of the learning loop's storage ports — PredictionLog, LearningStateStore (with
 * CalibrationSource) and ClusterRegistry — that every implementation must keep: the DynamoDB
 * adapters on dynalite and the memory doubles. Each case uses its own cluster ids, so one table
 * may serve them all.
 */
import { describe, expect, it } from 'vitest';
import { WAIT_INPUTS } from '../../src/core/conformal/online-wait-interval.ts';
import type { CalibrationSource } from '../../src/app/ports/calibration-source.ts';
import type { ClusterRegistry } from '../../src/app/ports/cluster-registry.ts';
import type { LearningStateStore } from '../../src/app/ports/learning-state-store.ts';
import type { PredictionLog } from '../../src/app/ports/prediction-log.ts';
import { DuplicateError, UnknownJobError } from '../../src/app/errors.ts';
import { calibrationOf } from '../../src/app/learning/calibration-of.ts';
import {
  JAN_1_2025_MS,
  sampleLearningRecord,
  sampleOutcome,
  samplePrediction,
  sampleProfile,
} from './storage-fixtures.ts';

export interface LearningStores {
  readonly predictions: PredictionLog;
  readonly learning: LearningStateStore & CalibrationSource;
  readonly registry: ClusterRegistry;
}

let clusterCounter = 0;
function freshClusterId(): string {
  clusterCounter += 1;
  return `contract-${process.pid}-${clusterCounter}`;
}

/** The rejection reason of a settled promise; fails the test when it was fulfilled. */
function rejectionOf(result: PromiseSettledResult<unknown>): unknown {
  if (result.status === 'fulfilled') throw new Error('expected a rejection, got a value');
  return result.reason;
}

/** Registers the contract cases; `stores()` returns the implementations under test (called inside each case). */
export function describeLearningStoreContracts(label: string, stores: () => LearningStores): void {
  describe(`PredictionLog contract: ${label}`, () => {
    it('record round-trips through find and recent', async () => {
      const clusterId = freshClusterId();
      const prediction = samplePrediction({
        clusterId,
        jobId: 'job-1',
        tier: 'warn',
        unknownFeatures: ['job_type'],
        features: { a: 1.5, b: 'x', c: -3e-7 },
      });

      await stores().predictions.record(prediction);

      expect(await stores().predictions.find(clusterId, 'job-1')).toEqual(prediction);
      expect(await stores().predictions.recent(clusterId, { limit: 10 })).toEqual([prediction]);
      expect(await stores().predictions.find(clusterId, 'job-2')).toBeUndefined();
    });

    it('record refuses a second prediction for the same job, even at another time, and keeps the first', async () => {
      const clusterId = freshClusterId();
      const first = samplePrediction({ clusterId, jobId: 'job-1', probability: 0.2 });
      await stores().predictions.record(first);

      const [same, later] = await Promise.allSettled([
        stores().predictions.record(first),
        stores().predictions.record({ ...first, predictedAtMs: first.predictedAtMs + 60_000, probability: 0.9 }),
      ]);

      expect(rejectionOf(same)).toBeInstanceOf(DuplicateError);
      expect(rejectionOf(later)).toBeInstanceOf(DuplicateError);
      expect(await stores().predictions.find(clusterId, 'job-1')).toEqual(first);
    });

    it('recordOutcome records once, then reports duplicates with the first outcome', async () => {
      const clusterId = freshClusterId();
      const prediction = samplePrediction({ clusterId, jobId: 'job-1' });
      await stores().predictions.record(prediction);
      const firstOutcome = sampleOutcome({ waitSeconds: 100, longWait: false });

      const first = await stores().predictions.recordOutcome(clusterId, 'job-1', firstOutcome);
      const second = await stores().predictions.recordOutcome(
        clusterId,
        'job-1',
        sampleOutcome({ waitSeconds: 9000, longWait: true }),
      );

      expect(first).toEqual({ status: 'recorded', prediction: { ...prediction, outcome: firstOutcome } });
      expect(second).toEqual({ status: 'duplicate', prediction: { ...prediction, outcome: firstOutcome } });
      expect(await stores().predictions.recent(clusterId, { limit: 10, withOutcome: true })).toEqual([
        { ...prediction, outcome: firstOutcome },
      ]);
    });

    it('recordOutcome queues the outcome for folding, with what was issued for the job', async () => {
      const clusterId = freshClusterId();
      const waitDistribution = {
        tercile: 1,
        queueDepth: 12,
        quantilesSeconds: null,
        inputs: Array.from({ length: WAIT_INPUTS }, (_, index) => index * 0.75),
      };
      const prediction = samplePrediction({ clusterId, jobId: 'job-1', waitDistribution });
      await stores().predictions.record(prediction);
      const outcome = sampleOutcome({ waitSeconds: 120, longWait: false });

      await stores().predictions.recordOutcome(clusterId, 'job-1', outcome);
      const pending = await stores().learning.pending(clusterId, 10);

      expect(pending).toEqual([
        {
          clusterId,
          jobId: 'job-1',
          epoch: prediction.epoch,
          bundleVersion: prediction.bundleVersion,
          classifierProbability: prediction.classifierProbability,
          probability: prediction.probability,
          predictedAtMs: prediction.predictedAtMs,
          outcome,
          waitEstimate: prediction.waitEstimate,
          waitDistribution,
        },
      ]);
    });

    it('a duplicate delivery re-queues an outcome not folded yet, and never one already acknowledged', async () => {
      const clusterId = freshClusterId();
      await stores().predictions.record(samplePrediction({ clusterId, jobId: 'job-1' }));
      await stores().predictions.recordOutcome(clusterId, 'job-1', sampleOutcome());
      const [queued] = await stores().learning.pending(clusterId, 10);
      if (queued === undefined) throw new Error('expected a pending outcome');

      // Lost before folding (a crash between the two writes looks the same): the retry completes it.
      await stores().learning.acknowledge([]);
      await stores().predictions.recordOutcome(clusterId, 'job-1', sampleOutcome());
      const beforeFolding = await stores().learning.pending(clusterId, 10);
      await stores().learning.acknowledge(beforeFolding);
      await stores().predictions.recordOutcome(clusterId, 'job-1', sampleOutcome());
      const afterFolding = await stores().learning.pending(clusterId, 10);

      expect(beforeFolding).toEqual([queued]);
      expect(afterFolding).toEqual([]);
    });

    it('recordOutcome for a job never predicted, or under another cluster, throws UnknownJobError', async () => {
      const clusterId = freshClusterId();
      await stores().predictions.record(samplePrediction({ clusterId, jobId: 'known' }));

      const [unknownJob, otherCluster] = await Promise.allSettled([
        stores().predictions.recordOutcome(clusterId, 'unknown', sampleOutcome()),
        stores().predictions.recordOutcome(freshClusterId(), 'known', sampleOutcome()),
      ]);

      expect(rejectionOf(unknownJob)).toBeInstanceOf(UnknownJobError);
      expect(rejectionOf(otherCluster)).toBeInstanceOf(UnknownJobError);
    });

    it('recent is newest first by prediction time, honours limit and filters outcomes', async () => {
      const clusterId = freshClusterId();
      // Inserted out of order; times are whole minutes after 2025-01-01.
      for (const minute of [5, 1, 9, 3, 7]) {
        await stores().predictions.record(
          samplePrediction({ clusterId, jobId: `job-${minute}`, predictedAtMs: JAN_1_2025_MS + minute * 60_000 }),
        );
      }
      for (const minute of [1, 3, 7])
        await stores().predictions.recordOutcome(clusterId, `job-${minute}`, sampleOutcome({ waitSeconds: minute }));

      const all = await stores().predictions.recent(clusterId, { limit: 100 });
      const top2 = await stores().predictions.recent(clusterId, { limit: 2 });
      const withOutcomes = await stores().predictions.recent(clusterId, { limit: 2, withOutcome: true });
      const none = await stores().predictions.recent(clusterId, { limit: 0 });

      expect(all.map((prediction) => prediction.jobId)).toEqual(['job-9', 'job-7', 'job-5', 'job-3', 'job-1']);
      expect(top2.map((prediction) => prediction.jobId)).toEqual(['job-9', 'job-7']);
      expect(withOutcomes.map((prediction) => [prediction.jobId, prediction.outcome?.waitSeconds])).toEqual([
        ['job-7', 7],
        ['job-3', 3],
      ]);
      expect(none).toEqual([]);
    });
  });

  describe(`LearningStateStore contract: ${label}`, () => {
    it('load and current are undefined for an unknown cluster; pending is empty', async () => {
      const clusterId = freshClusterId();

      expect(await stores().learning.load(clusterId)).toBeUndefined();
      expect(await stores().learning.current(clusterId)).toBeUndefined();
      expect(await stores().learning.pending(clusterId, 10)).toEqual([]);
    });

    it('commit creates with expectedVersion undefined, then writes only on the stored version', async () => {
      const clusterId = freshClusterId();
      const first = sampleLearningRecord({ clusterId, version: 1 });
      const second = { ...first, totalOutcomes: 3, version: 2 };
      const stale = { ...first, totalOutcomes: 9, version: 2 };

      const created = await stores().learning.commit(first, undefined, calibrationOf(first));
      const again = await stores().learning.commit(first, undefined, calibrationOf(first));
      const advanced = await stores().learning.commit(second, 1, calibrationOf(second));
      const lost = await stores().learning.commit(stale, 1, calibrationOf(stale));

      expect([created, again, advanced, lost]).toEqual([
        { status: 'written' },
        { status: 'conflict' },
        { status: 'written' },
        { status: 'conflict' },
      ]);
      expect(await stores().learning.load(clusterId)).toEqual(second);
      expect(await stores().learning.current(clusterId)).toEqual(calibrationOf(second));
    });

    it('commit round-trips every window exactly (single-precision values, instants, labels, folded job keys)', async () => {
      const clusterId = freshClusterId();
      const base = sampleLearningRecord({ clusterId });
      const record = {
        ...base,
        foldedJobKeys: ['0123456789abcdef', 'ffffffffffffffff', '0000000000000000'],
        state: {
          ...base.state,
          calibrator: {
            ...base.state.calibrator,
            platt: { slope: 1.25, intercept: -0.5, logits: [Math.fround(-2.3), Math.fround(0.7)], labels: [0, 1] },
          },
          evidence: {
            sinceMs: JAN_1_2025_MS,
            probabilities: [Math.fround(0.1), Math.fround(0.93)],
            labels: [0, 1],
            observedAtMs: [JAN_1_2025_MS + 1, JAN_1_2025_MS + 12_345_678],
          },
        },
      };

      await stores().learning.commit(record, undefined, calibrationOf(record));

      expect(await stores().learning.load(clusterId)).toEqual(record);
    });

    it('the calibration summary is never replaced by an older one', async () => {
      const clusterId = freshClusterId();
      const first = sampleLearningRecord({ clusterId, version: 1 });
      const second = { ...first, version: 2, totalOutcomes: 5 };
      await stores().learning.commit(first, undefined, calibrationOf(first));
      await stores().learning.commit(second, 1, calibrationOf(second));
      const third = { ...second, version: 3 };

      // A writer that commits the newer record but hands an older summary (a slow concurrent writer).
      await stores().learning.commit(third, 2, calibrationOf(first));

      expect((await stores().learning.current(clusterId))?.learningVersion).toBe(2);
    });

    it('pending lists outcomes oldest observation first, honours limit, and acknowledge removes exactly those given', async () => {
      const clusterId = freshClusterId();
      const observed = [30, 10, 20];
      for (const [index, second] of observed.entries()) {
        await stores().predictions.record(samplePrediction({ clusterId, jobId: `job-${index}` }));
        await stores().predictions.recordOutcome(
          clusterId,
          `job-${index}`,
          sampleOutcome({ observedAtMs: JAN_1_2025_MS + second * 1000 }),
        );
      }

      const all = await stores().learning.pending(clusterId, 10);
      const firstTwo = await stores().learning.pending(clusterId, 2);
      await stores().learning.acknowledge(firstTwo);
      await stores().learning.acknowledge(firstTwo);
      const left = await stores().learning.pending(clusterId, 10);

      expect(all.map((pending) => pending.jobId)).toEqual(['job-1', 'job-2', 'job-0']);
      expect(firstTwo.map((pending) => pending.jobId)).toEqual(['job-1', 'job-2']);
      expect(left.map((pending) => pending.jobId)).toEqual(['job-0']);
    });
  });

  describe(`ClusterRegistry contract: ${label}`, () => {
    it('register creates the learning record, its calibration and the profile once; list names the cluster', async () => {
      const clusterId = freshClusterId();
      const record = sampleLearningRecord({ clusterId });
      const profile = sampleProfile({ clusterId });

      const first = await stores().registry.register(record, calibrationOf(record), profile);
      const second = await stores().registry.register(
        { ...record, totalOutcomes: 99 },
        calibrationOf(record),
        sampleProfile({ clusterId, queueDepthMax: 1 }),
      );

      expect([first, second]).toEqual(['registered', 'exists']);
      expect(await stores().learning.load(clusterId)).toEqual(record);
      expect(await stores().learning.current(clusterId)).toEqual(calibrationOf(record));
      expect(await stores().registry.profile(clusterId)).toEqual(profile);
      expect(await stores().registry.list()).toContain(clusterId);
    });

    it('putProfile replaces the profile; a cluster with only a profile is not listed', async () => {
      const clusterId = freshClusterId();
      const profile = sampleProfile({ clusterId, queueDepthMax: 10 });

      await stores().registry.putProfile(profile);
      await stores().registry.putProfile({ ...profile, queueDepthMax: 99 });

      expect((await stores().registry.profile(clusterId))?.queueDepthMax).toBe(99);
      expect(await stores().registry.list()).not.toContain(clusterId);
    });
  });
}

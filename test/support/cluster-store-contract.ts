/**
 * The `ClusterStore` contract: behaviour every implementation (the DynamoDB adapter, and any
 * memory double) must show. Each case uses its own cluster ids, so one store may serve them all.
 */
import { describe, expect, it } from 'vitest';
import type { ClusterStore } from '../../src/app/ports/cluster-store.ts';
import type { ConformalRecord } from '../../src/app/records/conformal-record.ts';
import type { PredictionRecord } from '../../src/app/records/prediction-record.ts';
import { DuplicateError, UnknownJobError } from '../../src/app/errors.ts';
import { InvalidInputError } from '../../src/core/errors.ts';
import { JAN_1_2025_MS, sampleCalibration, sampleOutcome, samplePrediction, sampleProfile } from './storage-fixtures.ts';

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

/** Registers the contract cases; `store()` returns the implementation under test (called inside each case). */
export function describeClusterStoreContract(label: string, store: () => ClusterStore): void {
  describe(`ClusterStore contract: ${label}`, () => {
    it('getCalibration returns undefined for a cluster without calibration', async () => {
      const clusterId = freshClusterId();

      const calibration = await store().getCalibration(clusterId);

      expect(calibration).toBeUndefined();
    });

    it('putCalibration creates when expectedVersion is undefined and reads back with outcomeCount 0', async () => {
      const clusterId = freshClusterId();
      const record = sampleCalibration({ clusterId, outcomeCount: 17 });

      const result = await store().putCalibration(record, undefined);
      const read = await store().getCalibration(clusterId);

      expect(result).toEqual({ status: 'written' });
      // outcomeCount is the store's own counter of recorded outcomes, not the written value.
      expect(read).toEqual({ ...record, outcomeCount: 0 });
    });

    it('putCalibration round-trips windowLongWaits, and an item written without it reads back without it', async () => {
      const withCount = freshClusterId();
      const withoutCount = freshClusterId();
      await store().putCalibration(sampleCalibration({ clusterId: withCount, windowLongWaits: 7 }), undefined);
      await store().putCalibration(sampleCalibration({ clusterId: withoutCount }), undefined);

      const read = await store().getCalibration(withCount);
      const legacy = await store().getCalibration(withoutCount);

      expect(read?.windowLongWaits).toBe(7);
      expect(legacy).toBeDefined();
      expect(legacy).not.toHaveProperty('windowLongWaits');
    });

    it('putCalibration refuses to create twice', async () => {
      const clusterId = freshClusterId();
      await store().putCalibration(sampleCalibration({ clusterId, ece: 0.02 }), undefined);

      const second = await store().putCalibration(sampleCalibration({ clusterId, ece: 0.09 }), undefined);

      expect(second).toEqual({ status: 'conflict' });
      expect((await store().getCalibration(clusterId))?.ece).toBe(0.02);
    });

    it('putCalibration writes on the expected version and conflicts on a stale one', async () => {
      const clusterId = freshClusterId();
      await store().putCalibration(sampleCalibration({ clusterId, version: 1 }), undefined);

      const fresh = await store().putCalibration(sampleCalibration({ clusterId, version: 2, ece: 0.05 }), 1);
      const stale = await store().putCalibration(sampleCalibration({ clusterId, version: 2, ece: 0.09 }), 1);
      const read = await store().getCalibration(clusterId);

      expect(fresh).toEqual({ status: 'written' });
      expect(stale).toEqual({ status: 'conflict' });
      expect(read?.version).toBe(2);
      expect(read?.ece).toBe(0.05);
    });

    it('putCalibration never overwrites the outcome counter', async () => {
      const clusterId = freshClusterId();
      await store().putCalibration(sampleCalibration({ clusterId, version: 1 }), undefined);
      for (const jobId of ['j1', 'j2', 'j3']) {
        await store().recordPrediction(samplePrediction({ clusterId, jobId }));
        await store().recordOutcome(clusterId, jobId, sampleOutcome());
      }

      await store().putCalibration(sampleCalibration({ clusterId, version: 2, outcomeCount: 0 }), 1);

      expect((await store().getCalibration(clusterId))?.outcomeCount).toBe(3);
    });

    it('putProfile stores and replaces the profile', async () => {
      const clusterId = freshClusterId();
      const first = sampleProfile({ clusterId, queueDepthMax: 10 });
      const second = sampleProfile({ clusterId, queueDepthMax: 99, peakHoursUtc: [3] });

      const before = await store().getProfile(clusterId);
      await store().putProfile(first);
      const afterFirst = await store().getProfile(clusterId);
      await store().putProfile(second);
      const afterSecond = await store().getProfile(clusterId);

      expect(before).toBeUndefined();
      expect(afterFirst).toEqual(first);
      expect(afterSecond).toEqual(second);
    });

    it('recordPrediction round-trips through recentPredictions', async () => {
      const clusterId = freshClusterId();
      const prediction = samplePrediction({ clusterId, jobId: 'job-1', tier: 'warn', features: { a: 1.5, b: 'x', c: -3e-7 } });

      await store().recordPrediction(prediction);
      const recent = await store().recentPredictions(clusterId, 10);

      expect(recent).toEqual([prediction]);
    });

    it('recordPrediction refuses a second prediction for the same job, even at another time', async () => {
      const clusterId = freshClusterId();
      const first = samplePrediction({ clusterId, jobId: 'job-1', probability: 0.2 });
      await store().recordPrediction(first);

      const [same, later] = await Promise.allSettled([
        store().recordPrediction(first),
        store().recordPrediction({ ...first, predictedAtMs: first.predictedAtMs + 60_000, probability: 0.9 }),
      ]);

      expect(rejectionOf(same)).toBeInstanceOf(DuplicateError);
      expect(rejectionOf(later)).toBeInstanceOf(DuplicateError);
      expect(await store().recentPredictions(clusterId, 10)).toEqual([first]);
    });

    it('recordOutcome records once, then reports duplicates with the first outcome and no recount', async () => {
      const clusterId = freshClusterId();
      const prediction = samplePrediction({ clusterId, jobId: 'job-1' });
      await store().recordPrediction(prediction);
      const firstOutcome = sampleOutcome({ waitSeconds: 100, longWait: false });
      const secondOutcome = sampleOutcome({ waitSeconds: 9000, longWait: true });

      const first = await store().recordOutcome(clusterId, 'job-1', firstOutcome);
      const second = await store().recordOutcome(clusterId, 'job-1', secondOutcome);

      expect(first).toEqual({ status: 'recorded', prediction: { ...prediction, outcome: firstOutcome }, outcomeCount: 1 });
      expect(second).toEqual({ status: 'duplicate', prediction: { ...prediction, outcome: firstOutcome } });
      expect(await store().recentOutcomes(clusterId, 10)).toEqual([{ ...prediction, outcome: firstOutcome }]);
    });

    it('recordOutcome counts outcomes across jobs in the calibration', async () => {
      const clusterId = freshClusterId();
      await store().putCalibration(sampleCalibration({ clusterId }), undefined);
      for (const jobId of ['a', 'b']) await store().recordPrediction(samplePrediction({ clusterId, jobId }));

      const first = await store().recordOutcome(clusterId, 'a', sampleOutcome());
      const second = await store().recordOutcome(clusterId, 'b', sampleOutcome());

      expect(first.status === 'recorded' ? first.outcomeCount : -1).toBe(1);
      expect(second.status === 'recorded' ? second.outcomeCount : -1).toBe(2);
      expect((await store().getCalibration(clusterId))?.outcomeCount).toBe(2);
    });

    it('recordOutcome for a job never predicted throws UnknownJobError', async () => {
      const clusterId = freshClusterId();
      await store().recordPrediction(samplePrediction({ clusterId, jobId: 'known' }));

      const result = store().recordOutcome(clusterId, 'unknown', sampleOutcome());

      await expect(result).rejects.toBeInstanceOf(UnknownJobError);
    });

    it('recordOutcome does not find a job under another cluster', async () => {
      const clusterId = freshClusterId();
      const otherClusterId = freshClusterId();
      await store().recordPrediction(samplePrediction({ clusterId, jobId: 'job-1' }));

      const result = store().recordOutcome(otherClusterId, 'job-1', sampleOutcome());

      await expect(result).rejects.toBeInstanceOf(UnknownJobError);
    });

    it('recentPredictions is newest first and honours limit', async () => {
      const clusterId = freshClusterId();
      // Inserted out of order; times are whole minutes after 2025-01-01.
      const minutes = [5, 1, 9, 3, 7];
      for (const minute of minutes) {
        await store().recordPrediction(samplePrediction({ clusterId, jobId: `job-${minute}`, predictedAtMs: JAN_1_2025_MS + minute * 60_000 }));
      }

      const all = await store().recentPredictions(clusterId, 100);
      const top2 = await store().recentPredictions(clusterId, 2);
      const none = await store().recentPredictions(clusterId, 0);

      expect(all.map((prediction) => prediction.jobId)).toEqual(['job-9', 'job-7', 'job-5', 'job-3', 'job-1']);
      expect(top2.map((prediction) => prediction.jobId)).toEqual(['job-9', 'job-7']);
      expect(none).toEqual([]);
    });

    it('recentOutcomes returns only predictions with outcomes, newest first', async () => {
      const clusterId = freshClusterId();
      for (let minute = 1; minute <= 6; minute += 1) {
        await store().recordPrediction(samplePrediction({ clusterId, jobId: `job-${minute}`, predictedAtMs: JAN_1_2025_MS + minute * 60_000 }));
      }
      for (const minute of [1, 2, 4]) await store().recordOutcome(clusterId, `job-${minute}`, sampleOutcome({ waitSeconds: minute }));

      const outcomes = await store().recentOutcomes(clusterId, 10);
      const newestTwo = await store().recentOutcomes(clusterId, 2);

      expect(outcomes.map((prediction) => [prediction.jobId, prediction.outcome?.waitSeconds])).toEqual([
        ['job-4', 4],
        ['job-2', 2],
        ['job-1', 1],
      ]);
      expect(newestTwo.map((prediction) => prediction.jobId)).toEqual(['job-4', 'job-2']);
    });

    it('listClusters includes every cluster with a calibration', async () => {
      const clusterIds = [freshClusterId(), freshClusterId(), freshClusterId()];
      const profileOnly = freshClusterId();
      for (const clusterId of clusterIds) await store().putCalibration(sampleCalibration({ clusterId }), undefined);
      await store().putProfile(sampleProfile({ clusterId: profileOnly }));

      const listed = await store().listClusters();

      expect(listed).toEqual(expect.arrayContaining(clusterIds));
      expect(listed).not.toContain(profileOnly);
      expect(new Set(listed).size).toBe(listed.length);
    });

    it('rejects ids that are not safe keys with InvalidInputError naming the value', async () => {
      const clusterId = freshClusterId();
      const badJobIds = ['a#b', '', '-leading-dash', 'x'.repeat(129), 'has space', 'slash/inside'];

      const attempts = await Promise.allSettled(badJobIds.map((jobId) => store().recordPrediction(samplePrediction({ clusterId, jobId }))));
      const [badCluster, badOutcome] = await Promise.allSettled([
        store().getCalibration('CLUSTER#evil'),
        store().recordOutcome(clusterId, 'a#b', sampleOutcome()),
      ]);

      for (const [index, attempt] of attempts.entries()) {
        expect(rejectionOf(attempt), badJobIds[index]).toBeInstanceOf(InvalidInputError);
      }
      expect(rejectionOf(badCluster)).toBeInstanceOf(InvalidInputError);
      expect(String(rejectionOf(badCluster))).toContain('CLUSTER#evil');
      expect(String(rejectionOf(badOutcome))).toContain("'a#b'");
    });

    it('rejects non-finite numbers and out-of-range probabilities with InvalidInputError', async () => {
      const clusterId = freshClusterId();
      const bad: PredictionRecord[] = [
        samplePrediction({ clusterId, jobId: 'nan', features: { load: Number.NaN } }),
        samplePrediction({ clusterId, jobId: 'inf', rawScore: Number.POSITIVE_INFINITY }),
        samplePrediction({ clusterId, jobId: 'p', probability: 1.5 }),
      ];

      const attempts = await Promise.allSettled(bad.map((prediction) => store().recordPrediction(prediction)));

      for (const attempt of attempts) expect(rejectionOf(attempt)).toBeInstanceOf(InvalidInputError);
      expect(await store().recentPredictions(clusterId, 10)).toEqual([]);
    });
  });

  // ── Online conformal state, `SK = CONFORMAL` (issue 7) ──
  describe(`ClusterStore contract (conformal state): ${label}`, () => {
    /** Windows as the core keeps them: single-precision values, bins as small integers. */
    function sampleConformal(clusterId: string, version: number, overrides: Partial<ConformalRecord> = {}): ConformalRecord {
      return {
        clusterId,
        alpha: -0.0123,
        scoredOutcomes: 3,
        misses: 1,
        probabilities: [0.25, Math.fround(0.1), 1, 0],
        bins: [0, 9, 3],
        waitsSeconds: [0, Math.fround(12.7), 86400],
        scores: [Math.fround(-0.3), Math.fround(1.9)],
        version,
        updatedAtMs: JAN_1_2025_MS,
        ...overrides,
      };
    }

    it('getConformal returns undefined before the first write', async () => {
      const clusterId = freshClusterId();

      expect(await store().getConformal(clusterId)).toBeUndefined();
    });

    it('putConformal creates once and reads back every window value exactly', async () => {
      const clusterId = freshClusterId();
      const record = sampleConformal(clusterId, 1);

      const created = await store().putConformal(record, undefined);
      const again = await store().putConformal(sampleConformal(clusterId, 1, { alpha: 0.5 }), undefined);

      expect(created).toEqual({ status: 'written' });
      expect(again).toEqual({ status: 'conflict' });
      expect(await store().getConformal(clusterId)).toEqual(record);
    });

    it('putConformal writes on the expected version, conflicts on a stale one, and keeps empty windows', async () => {
      const clusterId = freshClusterId();
      await store().putConformal(sampleConformal(clusterId, 1), undefined);
      const emptied = sampleConformal(clusterId, 2, { probabilities: [], bins: [], waitsSeconds: [], scores: [] });

      const fresh = await store().putConformal(emptied, 1);
      const stale = await store().putConformal(sampleConformal(clusterId, 2, { alpha: 0.9 }), 1);

      expect(fresh).toEqual({ status: 'written' });
      expect(stale).toEqual({ status: 'conflict' });
      expect(await store().getConformal(clusterId)).toEqual(emptied);
    });
  });
}

/**
 * The JobSubscriptionStore contract every implementation keeps: the DynamoDB adapter on dynalite
 * and the memory double. Each case uses its own cluster id, so one table may serve them all.
 */
import { describe, expect, it } from 'vitest';
import type { JobSubscriptionStore } from '../../src/app/ports/job-subscription-store.ts';
import type { JobSubscription } from '../../src/app/records/job-subscription.ts';
import { InvalidInputError } from '../../src/core/errors.ts';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
let counter = 0;
function freshCluster(): string {
  counter += 1;
  return `subs-${process.pid}-${counter}`;
}

function subscription(overrides: Partial<JobSubscription> & Pick<JobSubscription, 'clusterId'>): JobSubscription {
  return {
    jobId: '12345',
    userId: 'U0ALICE',
    createdAtMs: T0,
    expiresAtMs: T0 + 3_600_000,
    baselineWaitSeconds: 600,
    startedNoticeAtMs: null,
    movedNoticeAtMs: null,
    ...overrides,
  };
}

export function describeJobSubscriptionStoreContract(label: string, store: () => JobSubscriptionStore): void {
  describe(`JobSubscriptionStore contract: ${label}`, () => {
    it('subscribe_thenForCluster_roundTripsTheSubscription', async () => {
      const clusterId = freshCluster();
      const first = subscription({ clusterId });
      const noBaseline = subscription({ clusterId, jobId: '12346', baselineWaitSeconds: null });

      expect(await store().subscribe(first)).toBe('created');
      expect(await store().subscribe(noBaseline)).toBe('created');

      expect(await store().forCluster(clusterId, T0)).toEqual([first, noBaseline]);
    });

    it('subscribe_sameJobAndUser_isOneSubscription_evenConcurrently_andTheFirstStands', async () => {
      const clusterId = freshCluster();
      const results = await Promise.all(
        [1, 2, 3, 4].map((index) => store().subscribe(subscription({ clusterId, baselineWaitSeconds: 100 * index }))),
      );

      const listed = await store().forCluster(clusterId, T0);

      expect(results.filter((result) => result === 'created')).toHaveLength(1);
      expect(results.filter((result) => result === 'exists')).toHaveLength(3);
      expect(listed).toHaveLength(1);
      expect(await store().subscribe(subscription({ clusterId, userId: 'U0BOB' }))).toBe('created');
    });

    it('forCluster_skipsExpired_andAnExpiredOneMayBeReplaced', async () => {
      const clusterId = freshCluster();
      await store().subscribe(subscription({ clusterId }));

      const afterExpiry = await store().forCluster(clusterId, T0 + 3_600_000);
      const replaced = await store().subscribe(
        subscription({ clusterId, createdAtMs: T0 + 3_600_000, expiresAtMs: T0 + 7_200_000, baselineWaitSeconds: 42 }),
      );

      expect(afterExpiry).toEqual([]);
      expect(replaced).toBe('created');
      expect((await store().forCluster(clusterId, T0 + 3_600_001)).map((entry) => entry.baselineWaitSeconds)).toEqual([
        42,
      ]);
    });

    it('claimNotice_eachNoticeOnce_evenConcurrently_andReleaseLetsItBeClaimedAgain', async () => {
      const clusterId = freshCluster();
      await store().subscribe(subscription({ clusterId }));

      const claims = await Promise.all(
        [0, 1, 2, 3].map((offset) => store().claimNotice(clusterId, '12345', 'U0ALICE', 'started', T0 + 10 + offset)),
      );
      const moved = await store().claimNotice(clusterId, '12345', 'U0ALICE', 'moved', T0 + 20);
      const [listed] = await store().forCluster(clusterId, T0 + 30);
      const claimedAt = listed?.startedNoticeAtMs as number;
      await store().releaseNotice(clusterId, '12345', 'U0ALICE', 'started', claimedAt + 1);
      const stillClaimed = await store().claimNotice(clusterId, '12345', 'U0ALICE', 'started', T0 + 40);
      await store().releaseNotice(clusterId, '12345', 'U0ALICE', 'started', claimedAt);
      const reclaimed = await store().claimNotice(clusterId, '12345', 'U0ALICE', 'started', T0 + 50);

      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(moved).toBe(true);
      expect(claimedAt).toBeGreaterThanOrEqual(T0 + 10);
      expect(listed?.movedNoticeAtMs).toBe(T0 + 20);
      expect(stillClaimed).toBe(false);
      expect(reclaimed).toBe(true);
    });

    it('claimNotice_missingOrExpiredSubscription_isFalse', async () => {
      const clusterId = freshCluster();
      await store().subscribe(subscription({ clusterId }));

      expect(await store().claimNotice(clusterId, '99999', 'U0ALICE', 'started', T0)).toBe(false);
      expect(await store().claimNotice(clusterId, '12345', 'U0ALICE', 'started', T0 + 3_600_000)).toBe(false);
    });

    it('remove_deletesOnlyThatSubscription_andIsANoOpWhenMissing', async () => {
      const clusterId = freshCluster();
      await store().subscribe(subscription({ clusterId }));
      await store().subscribe(subscription({ clusterId, userId: 'U0BOB' }));

      await store().remove(clusterId, '12345', 'U0ALICE');
      await store().remove(clusterId, '12345', 'U0ALICE');

      expect((await store().forCluster(clusterId, T0)).map((entry) => entry.userId)).toEqual(['U0BOB']);
    });

    it('subscribe_unsafeIds_areRefusedNamingTheValue', async () => {
      const clusterId = freshCluster();

      await expect(store().subscribe(subscription({ clusterId, jobId: '12#3' }))).rejects.toThrow(InvalidInputError);
      await expect(store().subscribe(subscription({ clusterId, userId: 'U#1' }))).rejects.toThrow(/U#1/);
    });
  });
}

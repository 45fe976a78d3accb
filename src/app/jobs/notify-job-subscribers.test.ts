import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryBundleStore } from '../../adapters/memory/memory-bundle-store.ts';
import { MemoryJobSubscriptionStore } from '../../adapters/memory/memory-job-subscription-store.ts';
import { memoryLearningStores, MemoryTables } from '../../adapters/memory/memory-tables.ts';
import { DEFAULT_GATE_CONFIG } from '../../core/gating/gate-config.ts';
import { smallPrior } from '../../../test/support/slurm/small-prior.ts';
import { InfrastructureError } from '../errors.ts';
import { createLearningDeps, type LearningDeps } from '../learning/learning-deps.ts';
import { registerCluster } from '../learning/register-cluster.ts';
import type { ChatMessage, ChatReplies } from '../ports/chat-replies.ts';
import type { JobSubscription } from '../records/job-subscription.ts';
import type { ClusterState, QueuedJob } from '../records/queue.ts';
import {
  notifyJobSubscribers,
  subscriberForecastThrottle,
  type SubscriberForecastThrottle,
} from './notify-job-subscribers.ts';

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

function job(overrides: Partial<QueuedJob> & Pick<QueuedJob, 'jobId'>): QueuedJob {
  return {
    user: 'alice',
    partition: 'gpu',
    state: 'pending',
    submitTimeMs: T0 - 60_000,
    startTimeMs: null,
    requestedGpus: 2,
    requestedCpus: 1,
    timeLimitSeconds: 3600,
    priority: 1,
    reason: 'Priority',
    ...overrides,
  };
}

function state(jobs: QueuedJob[]): ClusterState {
  return { clusterId: 'c', observedAtMs: T0, jobs, totalGpus: 4, gpusInUse: 0, features: {} };
}

function subscription(overrides: Partial<JobSubscription> & Pick<JobSubscription, 'jobId'>): JobSubscription {
  return {
    clusterId: 'c',
    userId: 'U0ALICE',
    createdAtMs: T0 - 1000,
    expiresAtMs: T0 + 86_400_000,
    baselineWaitSeconds: 100,
    startedNoticeAtMs: null,
    movedNoticeAtMs: null,
    ...overrides,
  };
}

/** Records direct messages; fails the first `failures` posts like an unreachable Slack. */
function recordingChat(failures = 0): ChatReplies & { posts: { channel: string; message: ChatMessage }[] } {
  const posts: { channel: string; message: ChatMessage }[] = [];
  let remaining = failures;
  return {
    posts,
    post(channel, message) {
      if (remaining > 0) {
        remaining -= 1;
        return Promise.reject(new InfrastructureError('Slack unreachable'));
      }
      posts.push({ channel, message });
      return Promise.resolve();
    },
    respond: () => Promise.reject(new Error('not used')),
  };
}

describe('notifyJobSubscribers', () => {
  let learning: LearningDeps;
  let subscriptions: MemoryJobSubscriptionStore;
  let forecasts: SubscriberForecastThrottle;

  beforeEach(async () => {
    forecasts = subscriberForecastThrottle(0);
    learning = createLearningDeps({
      ...memoryLearningStores(new MemoryTables()),
      bundles: new MemoryBundleStore(),
      gate: DEFAULT_GATE_CONFIG,
      logger: quiet,
    });
    await registerCluster(learning, { clusterId: 'c', prior: smallPrior(), platform: 'slurm', nowMs: T0 - 3_600_000 });
    subscriptions = new MemoryJobSubscriptionStore();
  });

  it('notify_startedJob_sendsOneDirectMessage_andRemovesTheSubscription', async () => {
    await subscriptions.subscribe(subscription({ jobId: '7' }));
    const chat = recordingChat();
    const listing = state([job({ jobId: '7', state: 'running', startTimeMs: T0 - 30_000 })]);

    const first = await notifyJobSubscribers({ learning, subscriptions, chat, forecasts }, listing, T0);
    const again = await notifyJobSubscribers({ learning, subscriptions, chat, forecasts }, listing, T0 + 5000);

    expect(chat.posts).toHaveLength(1);
    expect(chat.posts[0]?.channel).toBe('U0ALICE');
    // Waited start − submit = (T0 − 30 s) − (T0 − 60 s) = 30 s.
    expect(chat.posts[0]?.message.text).toBe('Your job 7 on c started at 2026-06-01T11:59:30Z, after waiting 30 s.');
    expect(first.started).toEqual([{ jobId: '7', userId: 'U0ALICE' }]);
    expect(first.removed).toEqual([{ jobId: '7', userId: 'U0ALICE', why: 'started' }]);
    expect(again).toEqual({ started: [], moved: [], removed: [], forecast: [] });
  });

  it('notify_failedMessage_givesTheClaimBack_andTheNextCheckSendsIt', async () => {
    await subscriptions.subscribe(subscription({ jobId: '7' }));
    const chat = recordingChat(1);
    const listing = state([job({ jobId: '7', state: 'running', startTimeMs: T0 - 30_000 })]);

    const failed = await notifyJobSubscribers({ learning, subscriptions, chat, forecasts }, listing, T0);
    const kept = await subscriptions.forCluster('c', T0);
    const retried = await notifyJobSubscribers({ learning, subscriptions, chat, forecasts }, listing, T0 + 5000);

    expect(failed.started).toEqual([]);
    expect(kept).toHaveLength(1);
    expect(retried.started).toEqual([{ jobId: '7', userId: 'U0ALICE' }]);
    expect(chat.posts).toHaveLength(1);
  });

  it('notify_jobEndedWithoutStartingOrGone_removesTheSubscriptionWithoutAMessage', async () => {
    await subscriptions.subscribe(subscription({ jobId: '7' }));
    await subscriptions.subscribe(subscription({ jobId: '8' }));
    const chat = recordingChat();

    const result = await notifyJobSubscribers(
      { learning, subscriptions, chat, forecasts },
      state([job({ jobId: '7', state: 'cancelled', endTimeMs: T0 - 1000 })]),
      T0,
    );

    expect(result.removed).toEqual([
      { jobId: '7', userId: 'U0ALICE', why: 'ended' },
      { jobId: '8', userId: 'U0ALICE', why: 'ended' },
    ]);
    expect(chat.posts).toEqual([]);
    expect(await subscriptions.forCluster('c', T0)).toEqual([]);
  });

  it('notify_forecastHalved_sendsOneMovedMessage_once', async () => {
    // The small prior's estimates are 1 s or 8 s, both counted as MIN_MOVE_BASIS_SECONDS (60 s):
    // against a told 1e6 s that is far below half, whatever the queue.
    await subscriptions.subscribe(subscription({ jobId: '7', baselineWaitSeconds: 1_000_000 }));
    const chat = recordingChat();
    const listing = state([job({ jobId: '7' })]);

    const first = await notifyJobSubscribers({ learning, subscriptions, chat, forecasts }, listing, T0);
    const again = await notifyJobSubscribers({ learning, subscriptions, chat, forecasts }, listing, T0 + 5000);

    expect(first.moved).toEqual([{ jobId: '7', userId: 'U0ALICE', move: 'sooner' }]);
    expect(chat.posts).toHaveLength(1);
    expect(chat.posts[0]?.message.text).toMatch(
      /^The forecast for your job 7 on c moved sooner: now ~\d+ s .*\(you were told ~11\.6 days\); uncalibrated: still learning this cluster\. I will still tell you when it starts\.$/,
    );
    expect(again.moved).toEqual([]);
    expect(await subscriptions.forCluster('c', T0 + 5000)).toHaveLength(1);
  });

  it('notify_forecastWithinAFactorOfTwo_orNothingTold_sendsNothing', async () => {
    // 100 s told vs an estimate counted as 60 s: 60 > 100 / 2 and 60 < 200.
    await subscriptions.subscribe(subscription({ jobId: '7', baselineWaitSeconds: 100 }));
    await subscriptions.subscribe(subscription({ jobId: '8', baselineWaitSeconds: null }));
    const chat = recordingChat();

    const result = await notifyJobSubscribers(
      { learning, subscriptions, chat, forecasts },
      state([job({ jobId: '7' }), job({ jobId: '8' })]),
      T0,
    );

    expect(result).toEqual({ started: [], moved: [], removed: [], forecast: ['7'] });
    expect(chat.posts).toEqual([]);
  });

  it('notify_throttle_forecastsAPendingJobAtMostOncePerInterval_andOnceWhateverItsSubscribers', async () => {
    const throttled = subscriberForecastThrottle(60_000);
    await subscriptions.subscribe(subscription({ jobId: '7', baselineWaitSeconds: 100 }));
    await subscriptions.subscribe(subscription({ jobId: '7', userId: 'U0BOB', baselineWaitSeconds: 100 }));
    const chat = recordingChat();
    const listing = state([job({ jobId: '7' })]);
    const deps = { learning, subscriptions, chat, forecasts: throttled };

    const checks = [];
    for (const atMs of [T0, T0 + 5_000, T0 + 59_999, T0 + 60_000, T0 + 65_000, T0 + 120_000])
      checks.push((await notifyJobSubscribers(deps, listing, atMs)).forecast);

    // Due at T0 (never forecast), then only once 60 s passed since the last forecast: T0 + 60 s, T0 + 120 s.
    expect(checks).toEqual([['7'], [], [], ['7'], [], ['7']]);
    expect(chat.posts).toEqual([]);
  });

  it('notify_throttle_aThrottledForecastThatWouldMove_isSentAtTheNextDueCheck', async () => {
    const throttled = subscriberForecastThrottle(60_000);
    await subscriptions.subscribe(subscription({ jobId: '7', baselineWaitSeconds: 100 }));
    const chat = recordingChat();
    const deps = { learning, subscriptions, chat, forecasts: throttled };
    await notifyJobSubscribers(deps, state([job({ jobId: '7' })]), T0);
    // What the person was told changes under the throttle (as if told 1e6 s): only a fresh forecast can see it.
    await subscriptions.remove('c', '7', 'U0ALICE');
    await subscriptions.subscribe(subscription({ jobId: '7', baselineWaitSeconds: 1_000_000 }));

    const held = await notifyJobSubscribers(deps, state([job({ jobId: '7' })]), T0 + 30_000);
    const due = await notifyJobSubscribers(deps, state([job({ jobId: '7' })]), T0 + 60_000);

    expect(held.moved).toEqual([]);
    expect(due.moved).toEqual([{ jobId: '7', userId: 'U0ALICE', move: 'sooner' }]);
    expect(chat.posts).toHaveLength(1);
  });

  it('notify_throttle_neverDelaysTheStart_theFirstCheckThatSeesItStartedSendsIt', async () => {
    const throttled = subscriberForecastThrottle(3_600_000);
    await subscriptions.subscribe(subscription({ jobId: '7' }));
    const chat = recordingChat();
    const deps = { learning, subscriptions, chat, forecasts: throttled };
    const pending = await notifyJobSubscribers(deps, state([job({ jobId: '7' })]), T0);

    const started = await notifyJobSubscribers(
      deps,
      state([job({ jobId: '7', state: 'running', startTimeMs: T0 + 1_000 })]),
      T0 + 2_000,
    );

    expect(pending.forecast).toEqual(['7']);
    expect(started.started).toEqual([{ jobId: '7', userId: 'U0ALICE' }]);
    expect(chat.posts.map((post) => post.message.text)).toEqual([
      'Your job 7 on c started at 2026-06-01T12:00:01Z, after waiting 1 min.',
    ]);
    // The job no longer waits for a forecast: the throttle forgets it.
    expect([...throttled.lastForecastAtMs.keys()]).toEqual([]);
  });
});

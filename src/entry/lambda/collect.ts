/**
 * Lambda entry run by the EventBridge schedule (rate 1 minute, the shortest period EventBridge
 * rules and EventBridge Scheduler allow) when a collector is configured: collection passes over
 * the observed Slurm (`collectClusters`), {@link passesPerMinute} of them spread over the minute
 * (VGAC_LAMBDA_COLLECT_INTERVAL_MS: the template's CollectorIntervalMs, 30 s by default), since the
 * VGAC research found that even 30 s snapshots invert the sign of the key correlation; the
 * invocation waits between passes (billed duration). Few-second capture is `vgac agent --push` on
 * a login node. Metrics: `Predictions`
 * (jobs predicted at their submit instant), counted by the runtime's store. Capture trackers live at module scope, so a warm
 * function remembers what it saw between invocations.
 *
 * Collector sources (VGAC_COLLECTOR): `none` → nothing to do (the schedule is not even
 * deployed); `slurmrestd` → the Slurm REST API over HTTP with a JWT read from SSM
 * (VGAC_SLURM_JWT_PARAM; VGAC_SLURM_JWT when run locally); `slurm-cli`, `vgac-api` and `simulator`
 * have no ClusterObserver that can run inside a Lambda — see `observerFor` (collector-observer.ts,
 * which also lists LAMBDA_COLLECTORS, the template's allowed values): the invocation fails with
 * NotConfiguredError, loudly. The configured source is one Slurm, registered as
 * VGAC_SLURM_CLUSTER_ID (`vgac onboard`); until it is registered each pass reports it unregistered.
 * After each listing, the job subscribers of `/vgac notify me when … starts` get their direct
 * messages (jobNotifier) when VGAC_SLACK_BOT_TOKEN_PARAM is set; a pending job is forecast for
 * them at most once per VGAC_SUBSCRIBER_FORECAST_INTERVAL_MS while the function stays warm. Once
 * per invocation (a minute) the last listing is stored as the cluster's queue state with
 * slurmrestd's partitions (queueStateRecorder), as `vgac agent --push` stores it: the API's job
 * questions read it.
 */
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { collectClusters, type ClusterCollection } from '../../app/collection/collect-clusters.ts';
import type { CaptureTracker } from '../../app/collection/submit-capture.ts';
import { notifyJobSubscribers, subscriberForecastThrottle } from '../../app/jobs/notify-job-subscribers.ts';
import { DEFAULT_QUEUE_STATE_INTERVAL_MS } from '../../app/collection/push-agent.ts';
import { pushedQueueStateOf, queueStateBody } from '../../app/collection/queue-state-wire.ts';
import type { ClusterObserver } from '../../app/ports/cluster-observer.ts';
import type { JobLookup } from '../../app/ports/job-lookup.ts';
import type { SecretSource } from '../../app/ports/secret-source.ts';
import type { ClusterState } from '../../app/records/queue.ts';
import { DynamoJobSubscriptionStore } from '../../adapters/dynamodb/dynamo-job-subscription-store.ts';
import { DynamoPushedQueueStateStore } from '../../adapters/dynamodb/dynamo-pushed-queue-state-store.ts';
import type { PartitionOffer } from '../../core/jobs/what-if-alternatives.ts';
import { FetchSlackChatReplies } from '../../adapters/slack/fetch-slack-chat-replies.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { jobLookupFor, observerFor } from './collector-observer.ts';
import { lazySsmSecrets } from './lazy-ssm-secrets.ts';
import { createLambdaRuntime, runInvocation, type LambdaRuntime } from './lambda-runtime.ts';

/** An EventBridge scheduled event (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-run-lambda-schedule.html). */
const ScheduledEvent = z.looseObject({
  id: z.string(),
  'detail-type': z.literal('Scheduled Event'),
  source: z.literal('aws.events'),
  time: z.string(),
});

export type CollectOutput =
  | { readonly status: 'disabled' }
  /** `clusters`: every pass's results, pass after pass. */
  | { readonly status: 'collected'; readonly passes: number; readonly clusters: readonly ClusterCollection[] };

const MS_PER_MINUTE = 60_000;

/**
 * Passes per scheduled invocation for a poll period of `intervalMs`: as many as fit in the
 * schedule's minute (at least 1; a period that does not divide the minute is rounded up to one that does).
 */
export function passesPerMinute(intervalMs: number): number {
  return Math.max(1, Math.floor(MS_PER_MINUTE / intervalMs));
}

const sleepFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface CollectHandlerOptions {
  readonly clock?: () => number;
  /** Collection passes per invocation, started 60 s / `passes` apart (default 1). */
  readonly passes?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Runs after each collected listing: {@link jobNotifier}'s direct messages to a job's subscribers. */
  readonly afterCollect?: (state: ClusterState) => Promise<void>;
  /** Runs once per invocation with its last listing: {@link queueStateRecorder}. */
  readonly recordQueueState?: (state: ClusterState) => Promise<void>;
}

/** The handler over an explicit runtime and observer (the module's `handler` wires the configured ones). */
export function createCollectHandler(
  runtime: LambdaRuntime,
  observer: ClusterObserver | undefined,
  options: CollectHandlerOptions = {},
) {
  const { clock = Date.now, passes = 1, sleep = sleepFor, afterCollect, recordQueueState } = options;
  const trackers = new Map<string, CaptureTracker>();
  return async (event: unknown, context?: Context): Promise<CollectOutput> => {
    const parsed = ScheduledEvent.safeParse(event);
    return runInvocation(
      runtime,
      {
        handler: 'collector',
        ...(parsed.success ? { correlationId: parsed.data.id } : {}),
        ...(context === undefined ? {} : { context }),
      },
      async (logger) => {
        try {
          if (!parsed.success)
            throw new InvalidInputError(
              `not an EventBridge scheduled event — ${parsed.error.issues.map((issue) => issue.path.join('.') || '(event)').join(', ')}`,
            );
          if (observer === undefined) {
            logger.info('collector.disabled', { collector: runtime.config.lambda.collector });
            return { status: 'disabled' };
          }
          const clusters: ClusterCollection[] = [];
          let latest: ClusterState | undefined;
          const afterEach = async (state: ClusterState): Promise<void> => {
            latest = state;
            await afterCollect?.(state);
          };
          const startedMs = clock();
          const spacingMs = MS_PER_MINUTE / passes;
          for (let pass = 0; pass < passes; pass += 1) {
            // Each pass starts on its slot of the minute, however long the one before took (a slow one delays only itself).
            if (pass > 0) await sleep(Math.max(0, startedMs + pass * spacingMs - clock()));
            // The one Slurm the collector observes is registered as VGAC_SLURM_CLUSTER_ID; other clusters (e.g. ones predicted through the API) are not its.
            clusters.push(
              ...(await collectClusters(
                runtime.learning,
                observer,
                trackers,
                clock(),
                [runtime.config.slurm.clusterId],
                afterEach,
              )),
            );
          }
          if (latest !== undefined) await recordQueueState?.(latest);
          const predicted = clusters.reduce(
            (sum, cluster) => sum + (cluster.status === 'collected' ? cluster.predicted : 0),
            0,
          );
          logger.info('collector.done', {
            passes,
            clusters: clusters.length,
            predicted,
            unavailable: clusters.filter((cluster) => cluster.status === 'unavailable').length,
          });
          return { status: 'collected', passes, clusters };
        } catch (error) {
          logger.error('collector.failed', { error: error instanceof Error ? error.message : String(error) });
          throw error;
        }
      },
    );
  };
}

/**
 * Direct messages to a job's subscribers after each listing (started; forecast moved), through
 * Slack's Web API with the bot token read once per cold start from SSM
 * (VGAC_SLACK_BOT_TOKEN_PARAM); undefined (no messages, subscriptions kept) without that parameter.
 */
export function jobNotifier(
  runtime: LambdaRuntime,
  secrets: SecretSource,
  clock: () => number = Date.now,
): ((state: ClusterState) => Promise<void>) | undefined {
  const parameter = runtime.config.lambda.parameters.slackBotToken;
  if (parameter === undefined) return undefined;
  const subscriptions = new DynamoJobSubscriptionStore({
    client: runtime.clients.dynamo,
    tableName: runtime.config.table,
  });
  let chat: Promise<FetchSlackChatReplies> | undefined;
  // Kept while the function is warm: a pending job is forecast at most once per interval across its invocations.
  const forecasts = subscriberForecastThrottle(runtime.config.subscriberForecastIntervalMs);
  return async (state) => {
    if ((await subscriptions.forCluster(state.clusterId, clock())).length === 0) return;
    chat ??= secrets
      .get(parameter)
      .then((botToken) => new FetchSlackChatReplies({ botToken, apiUrl: runtime.config.slack.apiUrl }));
    await notifyJobSubscribers(
      {
        learning: runtime.learning,
        subscriptions,
        chat: await chat.catch((error: unknown) => {
          chat = undefined;
          throw error;
        }),
        forecasts,
      },
      state,
      clock(),
    );
  };
}

/**
 * Stores a listing as its cluster's queue state (one PutItem, the lowest-priority pending jobs left
 * out beyond MAX_QUEUE_STATE_BYTES) with the partitions `lookup` reads (the last ones read when
 * slurmrestd does not answer). A failure is logged, never the pass's: job questions then read an
 * older state, or fall back to the prediction log once it is stale.
 */
export function queueStateRecorder(
  runtime: LambdaRuntime,
  lookup: Pick<JobLookup, 'partitions'>,
): (state: ClusterState) => Promise<void> {
  const store = new DynamoPushedQueueStateStore({ client: runtime.clients.dynamo, tableName: runtime.config.table });
  // The schedule runs once a minute: a state is as fresh as the last invocation.
  const intervalMs = Math.max(runtime.config.lambda.collectIntervalMs, DEFAULT_QUEUE_STATE_INTERVAL_MS);
  let partitions: PartitionOffer[] = [];
  return async (state) => {
    try {
      partitions = await lookup.partitions();
    } catch (error) {
      runtime.logger.warn('collector.partitions_unavailable', {
        clusterId: state.clusterId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    try {
      await store.put(pushedQueueStateOf(state.clusterId, queueStateBody(state, { intervalMs, partitions })));
    } catch (error) {
      runtime.logger.warn('collector.queue_state_failed', {
        clusterId: state.clusterId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };
}

const runtime = await createLambdaRuntime();
const secrets = lazySsmSecrets({
  region: runtime.config.region,
  endpoint: runtime.config.lambda.ssmEndpoint,
  tracer: runtime.tracer,
  callPolicy: runtime.config.callPolicy,
});
const configured = await observerFor(runtime.config, secrets).then(
  (observer) => ({ observer, lookup: jobLookupFor(runtime.config, secrets) }),
  (error: unknown) => ({ error }),
);

export const handler =
  'error' in configured
    ? (): Promise<CollectOutput> =>
        Promise.reject(configured.error instanceof Error ? configured.error : new Error(String(configured.error)))
    : createCollectHandler(runtime, configured.observer, {
        passes: passesPerMinute(runtime.config.lambda.collectIntervalMs),
        afterCollect: jobNotifier(runtime, secrets),
        ...(configured.lookup === undefined
          ? {}
          : { recordQueueState: queueStateRecorder(runtime, configured.lookup) }),
      });

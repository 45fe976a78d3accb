/**
 * Questions about a submitted job, end to end on a real Slurm 22.05 (loopback, two partitions)
 * with the real learning loop (dynalite + s3rver) and a loopback Slack Web API: a held job is
 * explained in plain words (JobHeldUser), forecast at submit and now, its what-if lists only the
 * partitions Slurm offers; "notify me" subscribes once (a retry and the button find the same
 * subscription), and after release the start is told in exactly one direct message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCopilot, type Copilot } from '../../src/app/agents/ask-copilot.ts';
import { createHttpApp } from '../../src/app/http/app.ts';
import { jobForecastMessage } from '../../src/app/http/slack/slack-messages.ts';
import { runSlackTask } from '../../src/app/http/slack/slack-task.ts';
import type { JobQuestionDeps } from '../../src/app/jobs/answer-job-question.ts';
import { notifyJobSubscribers, subscriberForecastThrottle } from '../../src/app/jobs/notify-job-subscribers.ts';
import { createLearningDeps, type LearningDeps } from '../../src/app/learning/learning-deps.ts';
import { registerCluster } from '../../src/app/learning/register-cluster.ts';
import type { AgentRuntime } from '../../src/app/ports/agent-runtime.ts';
import type { Logger } from '../../src/app/ports/logger.ts';
import { SlurmCliJobLookup } from '../../src/adapters/collectors/slurm-cli-job-lookup.ts';
import { SlurmCliObserver } from '../../src/adapters/collectors/slurm-cli-observer.ts';
import { DynamoJobSubscriptionStore } from '../../src/adapters/dynamodb/dynamo-job-subscription-store.ts';
import { ensureTable } from '../../src/adapters/dynamodb/table-definition.ts';
import { ensureBucket, S3BundleStore } from '../../src/adapters/s3/s3-bundle-store.ts';
import { FetchSlackChatReplies } from '../../src/adapters/slack/fetch-slack-chat-replies.ts';
import { DEFAULT_GATE_CONFIG } from '../../src/core/gating/gate-config.ts';
import { startCollectorRunner, type CollectorRunner } from '../../src/entry/local/collector-runner.ts';
import { dynamoLearningStores } from '../../src/entry/learning-stores.ts';
import { startTestAws, uniqueName, type TestAws } from '../support/embedded-aws.ts';
import { startSlackApiServer, type SlackApiServer } from '../support/slack-api-server.ts';
import { smallPrior } from '../support/slurm/small-prior.ts';
import { startLocalSlurm, waitFor, type LocalSlurm } from '../support/slurm/local-slurm.ts';

const CLUSTER = 'slurm-jobs';
const ALICE = 'U0ALICE';

function capturingLogger(): Logger & { events: { event: string; fields: Readonly<Record<string, unknown>> }[] } {
  const events: { event: string; fields: Readonly<Record<string, unknown>> }[] = [];
  const push = (event: string, fields: Readonly<Record<string, unknown>> = {}): void => {
    events.push({ event, fields });
  };
  return { events, info: push, warn: push, error: push };
}

/** Job questions never run the agents' what-if: a call here fails the test. */
const noAgentRuntime: AgentRuntime = {
  invoke: () => Promise.reject(new Error('a job question invoked the agent runtime')),
};

describe('questions about a submitted job on a real Slurm', () => {
  let slurm: LocalSlurm;
  let aws: TestAws;
  let slack: SlackApiServer;
  let learning: LearningDeps;
  let runner: CollectorRunner | undefined;
  let observer: SlurmCliObserver;
  let subscriptions: DynamoJobSubscriptionStore;
  let jobs: JobQuestionDeps;
  let copilot: Copilot;
  let logger: ReturnType<typeof capturingLogger>;

  beforeAll(async () => {
    [slurm, aws, slack] = await Promise.all([
      startLocalSlurm({ gpus: 4, partitions: ['gpu', 'debug'], minJobAgeSeconds: 600 }),
      startTestAws(),
      startSlackApiServer(),
    ]);
    const table = uniqueName('jobs');
    const bucket = uniqueName('jobs');
    await ensureTable(aws.clients.dynamo, table);
    await ensureBucket(aws.clients.s3, bucket);
    logger = capturingLogger();
    learning = createLearningDeps({
      ...dynamoLearningStores(aws.clients.dynamo, table),
      bundles: new S3BundleStore({ client: aws.clients.s3, bucket }),
      gate: DEFAULT_GATE_CONFIG,
      logger,
    });
    await registerCluster(learning, { clusterId: CLUSTER, prior: smallPrior(), platform: 'slurm', nowMs: Date.now() });
    observer = new SlurmCliObserver({ env: slurm.env, timeoutMs: 5_000 });
    const lookup = new SlurmCliJobLookup({ env: slurm.env, timeoutMs: 5_000 });
    subscriptions = new DynamoJobSubscriptionStore({ client: aws.clients.dynamo, tableName: table });
    jobs = {
      learning,
      observer,
      jobLookup: (clusterId) => (clusterId === CLUSTER ? lookup : undefined),
      registry: learning.registry,
      subscriptions,
    };
    copilot = createCopilot({ learning, runtime: noAgentRuntime, jobs });
    const chat = new FetchSlackChatReplies({ botToken: 'xoxb-test-token', apiUrl: slack.apiUrl });
    // One fresh forecast an hour at most: the start message must still come on the first poll that sees the start.
    const forecasts = subscriberForecastThrottle(3_600_000);
    runner = startCollectorRunner({
      clusterId: CLUSTER,
      observer,
      learning,
      intervalMs: 300,
      afterTick: async (state) => {
        await notifyJobSubscribers({ learning, subscriptions, chat, forecasts }, state, Date.now());
      },
    });
  });

  afterAll(async () => {
    await runner?.stop();
    await slurm?.stop();
    await slack?.close();
    await aws?.stop();
  });

  it('heldJob_isExplained_forecast_whatIfOnRealPartitions_andItsStartIsToldOnceByDirectMessage', async () => {
    const blocker = await slurm.sbatch(['--partition=gpu', '--gres=gpu:4', '--time=1', '--wrap', 'sleep 6']);
    await waitFor('the blocker to run', async () =>
      (await observer.listJobs()).find((job) => job.jobId === blocker)?.state === 'running' ? true : undefined,
    );
    const held = await slurm.sbatch(['--partition=gpu', '--hold', '--gres=gpu:4', '--time=60', '--wrap', 'sleep 1']);
    await waitFor('the held job to be predicted at submit', async () =>
      (await learning.predictions.find(CLUSTER, held)) === undefined ? undefined : true,
    );
    const squeueReason = (await slurm.run('squeue', ['-h', '-j', held, '-o', '%r'])).trim();
    // Independent of the adapter's `scontrol show partition` path: sinfo's own partition list (the default one carries a `*`).
    const realPartitions = new Set(
      (await slurm.run('sinfo', ['-h', '-o', '%P']))
        .split('\n')
        .map((line) => line.trim().replace(/\*$/, ''))
        .filter((line) => line !== ''),
    );

    const why = await copilot({
      text: `why is ${held} pending?`,
      askedBy: `slack:${ALICE}`,
      conversationId: 'c1',
      nowMs: Date.now(),
    });
    const whatIf = await copilot({
      text: `how can ${held} start sooner on ${CLUSTER}?`,
      askedBy: `slack:${ALICE}`,
      conversationId: 'c1',
      nowMs: Date.now(),
    });
    const app = createHttpApp({
      learning,
      observer,
      jobLookup: jobs.jobLookup,
      clock: { nowMs: () => Date.now(), monotonicMs: () => performance.now() },
      settings: { apiKey: undefined, corsOrigin: undefined },
    });
    const api = await app.request(`/api/jobs/${held}/forecast?cluster=${CLUSTER}`);
    const body = (await api.json()) as Record<string, unknown> & {
      alternatives: { partition: string; gpus: number; kind: string }[];
      pending_reason: { code: string };
      forecast_at_submit: unknown;
      forecast_now: unknown;
      priority_rank: unknown;
      source: string;
    };
    const unknown = await app.request(`/api/jobs/987654/forecast?cluster=${CLUSTER}`);
    const badId = await app.request(`/api/jobs/${encodeURIComponent('12 34!')}/forecast?cluster=${CLUSTER}`);
    const fromLog = createHttpApp({
      learning,
      observer,
      clock: { nowMs: () => Date.now(), monotonicMs: () => performance.now() },
      settings: { apiKey: undefined, corsOrigin: undefined },
    });
    const logBody = (await (await fromLog.request(`/api/jobs/${held}/forecast?cluster=${CLUSTER}`)).json()) as {
      source: string;
      state: string;
      forecast_at_submit: unknown;
      scheduler_note: string;
    };

    expect(squeueReason).toBe('JobHeldUser');
    expect(why.text).toContain('held by its owner');
    expect(why.text).toContain('(JobHeldUser)');
    expect(why.text).toContain('At submit:');
    expect(why.job).toEqual({ clusterId: CLUSTER, jobId: held });
    expect(api.status).toBe(200);
    expect(body.source).toBe('scheduler');
    expect(body.pending_reason.code).toBe('JobHeldUser');
    // The only pending job of partition gpu (the blocker runs).
    expect(body.priority_rank).toEqual({ position: 1, pending_in_partition: 1 });
    expect(body.forecast_at_submit).not.toBeNull();
    expect(body.forecast_now).not.toBeNull();
    expect(body.alternatives.length).toBeGreaterThan(0);
    expect(body.alternatives.every((entry) => realPartitions.has(entry.partition))).toBe(true);
    expect(new Set(body.alternatives.map((entry) => `${entry.kind}:${entry.partition}:${entry.gpus}`))).toEqual(
      new Set(['fewer_gpus:gpu:2', 'fewer_gpus:gpu:1', 'shorter_limit:gpu:4', 'other_partition:debug:4']),
    );
    expect(whatIf.text).toMatch(/To start sooner: |None of the nearby alternatives is expected to start sooner\./);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("job '987654'");
    expect(badId.status).toBe(400);
    expect(logBody.source).toBe('prediction_log');
    expect(logBody.state).toBe('unknown');
    expect(logBody.forecast_at_submit).not.toBeNull();
    expect(logBody.scheduler_note).toContain('no scheduler');

    // Subscribe three ways for one person: the command, Slack's retry of it, and the button.
    const first = await copilot({
      text: `notify me when ${held} starts`,
      askedBy: `slack:${ALICE}`,
      conversationId: 'c1',
      nowMs: Date.now(),
    });
    const retry = await copilot({
      text: `notify me when ${held} starts`,
      askedBy: `slack:${ALICE}`,
      conversationId: 'c1',
      nowMs: Date.now(),
    });
    const ask = (question: { text: string; askedBy: string; conversationId: string; nowMs: number }) =>
      copilot(question);
    await runSlackTask(
      {
        ask,
        replies: new FetchSlackChatReplies({ botToken: 'xoxb-test-token', apiUrl: slack.apiUrl }),
        clock: { nowMs: () => Date.now(), monotonicMs: () => performance.now() },
        logger,
      },
      { kind: 'notify', clusterId: CLUSTER, jobId: held, userId: ALICE, responseUrl: slack.responseUrl('button') },
    );
    await runSlackTask(
      {
        ask,
        replies: new FetchSlackChatReplies({ botToken: 'xoxb-test-token', apiUrl: slack.apiUrl }),
        clock: { nowMs: () => Date.now(), monotonicMs: () => performance.now() },
        logger,
      },
      {
        kind: 'command',
        text: `when will ${held} start?`,
        userId: ALICE,
        teamId: 'T1',
        channelId: 'C1',
        responseUrl: slack.responseUrl('answer'),
      },
    );
    const subscribed = await subscriptions.forCluster(CLUSTER, Date.now());
    await slurm.run('scontrol', ['release', held]);
    await waitFor(
      'the released job to start',
      async () =>
        (await observer.listJobs()).find((job) => job.jobId === held)?.startTimeMs === null ? undefined : true,
      40_000,
      300,
    );
    await waitFor(
      'the start message',
      () =>
        Promise.resolve(
          slack.posts.some((post) => post.channel === ALICE && post.text.includes('started')) ? true : undefined,
        ),
      20_000,
      200,
    );
    // A few more polls see the started job again: no second message.
    for (let poll = 0; poll < 3; poll += 1) await runner?.pollNow();
    const startMessages = slack.posts.filter(
      (post) => post.channel === ALICE && post.text.includes(`job ${held}`) && post.text.includes('started'),
    );
    const buttonReply = slack.responses.find((response) => response.id === 'button');
    const answerReply = slack.responses.find((response) => response.id === 'answer');

    expect(first.text).toMatch(/^OK: I will send you a direct message when job/);
    expect(retry.text).toMatch(/^You are already subscribed/);
    expect(String(buttonReply?.body.text)).toMatch(/^You are already subscribed/);
    expect(answerReply?.body.blocks).toEqual(
      jobForecastMessage(String(answerReply?.body.text), { clusterId: CLUSTER, jobId: held }).blocks,
    );
    expect(subscribed.map((entry) => [entry.jobId, entry.userId])).toEqual([[held, ALICE]]);
    expect(startMessages).toHaveLength(1);
    expect(startMessages[0]?.authorization).toBe('Bearer xoxb-test-token');
    expect(await subscriptions.forCluster(CLUSTER, Date.now())).toEqual([]);
    expect(
      logger.events.filter((line) => line.event === 'job.notice_sent' && line.fields.notice === 'started'),
    ).toHaveLength(1);
  });
});

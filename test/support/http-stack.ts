/**
 * The HTTP app's dependencies for integration tests: real DynamoDB/S3 adapters on dynalite and
 * s3rver (loopback), the real learning loop and `decideEscalation`, and test doubles only at the
 * outside edges the brief allows: a scripted ClusterObserver and a recording ClusterActions.
 */
import { DynamoEscalationStore } from '../../src/adapters/dynamodb/dynamo-escalation-store.ts';
import { ensureTable } from '../../src/adapters/dynamodb/table-definition.ts';
import { ensureBucket, S3BundleStore } from '../../src/adapters/s3/s3-bundle-store.ts';
import { decideEscalation } from '../../src/app/agents/decide-escalation.ts';
import type { Clock, HttpDeps, HttpSettings } from '../../src/app/http/http-deps.ts';
import { createLearningDeps, type LearningDeps } from '../../src/app/learning/learning-deps.ts';
import { registerCluster } from '../../src/app/learning/register-cluster.ts';
import type { ClusterAction, ClusterActionResult, ClusterActions } from '../../src/app/ports/cluster-actions.ts';
import type { ClusterObserver } from '../../src/app/ports/cluster-observer.ts';
import type { ClusterState, JobSpec, QueuedJob } from '../../src/app/records/queue.ts';
import type { Escalation } from '../../src/app/records/escalation.ts';
import type { Logger } from '../../src/app/ports/logger.ts';
import { DEFAULT_GATE_CONFIG } from '../../src/core/gating/gate-config.ts';
import { startTestAws, uniqueName, type TestAws } from './embedded-aws.ts';
import { JAN_1_2025_MS, sampleBundle } from './storage-fixtures.ts';
import { dynamoLearningStores } from '../../src/entry/learning-stores.ts';

export const KNOWN_CLUSTER = 'eks-prod';

export interface LogLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly event: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

export function recordingLogger(): Logger & { readonly lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (event, fields = {}) => void lines.push({ level: 'info', event, fields }),
    warn: (event, fields = {}) => void lines.push({ level: 'warn', event, fields }),
    error: (event, fields = {}) => void lines.push({ level: 'error', event, fields }),
  };
}

/** Wall clock starts at 2025-01-01 and advances 1 s per reading; the monotonic clock advances 0.25 ms per reading. */
export const CLOCK_STEP_MS = 1000;
export const MONOTONIC_STEP_MS = 0.25;

export function steppingClock(): Clock {
  let wallMs = JAN_1_2025_MS;
  let monotonicMs = 0;
  return {
    nowMs: () => (wallMs += CLOCK_STEP_MS),
    monotonicMs: () => (monotonicMs += MONOTONIC_STEP_MS),
  };
}

/** Features the sample bundle takes; pending jobs grow with the job's own GPUs so jobs differ. */
export function featuresFor(job: JobSpec | undefined): Record<string, number | string> {
  return {
    pendingJobs: 12 + (job?.gpus ?? 0),
    utilisation: 0.78,
    partition: job?.queue === 'gpu-h100' ? 'gpu-h100' : 'gpu-a100',
  };
}

export const QUEUED_JOBS: readonly QueuedJob[] = [
  {
    jobId: 'j-1',
    user: 'ana',
    partition: 'gpu-a100',
    state: 'running',
    submitTimeMs: JAN_1_2025_MS - 60_000,
    startTimeMs: JAN_1_2025_MS - 30_000,
    requestedGpus: 4,
    requestedCpus: 16,
    timeLimitSeconds: 3600,
    priority: 10,
    reason: null,
  },
  {
    jobId: 'j-2',
    user: 'bo',
    partition: 'gpu-a100',
    state: 'pending',
    submitTimeMs: JAN_1_2025_MS - 20_000,
    startTimeMs: null,
    requestedGpus: 8,
    requestedCpus: 32,
    timeLimitSeconds: 7200,
    priority: 5,
    reason: 'Resources',
  },
  {
    jobId: 'j-3',
    user: 'cy',
    partition: 'gpu-h100',
    state: 'pending',
    submitTimeMs: JAN_1_2025_MS - 10_000,
    startTimeMs: null,
    requestedGpus: 2,
    requestedCpus: 8,
    timeLimitSeconds: null,
    priority: null,
    reason: 'Priority',
  },
  {
    jobId: 'j-4',
    user: 'di',
    partition: 'gpu-a100',
    state: 'completed',
    submitTimeMs: JAN_1_2025_MS - 90_000,
    startTimeMs: JAN_1_2025_MS - 80_000,
    requestedGpus: 1,
    requestedCpus: 4,
    timeLimitSeconds: 600,
    priority: 1,
    reason: null,
  },
];

/** A scripted Observer: fixed queue, features from the job; `failWith` makes every call throw. */
export function scriptedObserver(): ClusterObserver & {
  failWith: Error | undefined;
  readonly calls: { clusterId: string; job: JobSpec | undefined }[];
} {
  const observer = {
    failWith: undefined as Error | undefined,
    calls: [] as { clusterId: string; job: JobSpec | undefined }[],
    observe(clusterId: string, job?: JobSpec): Promise<ClusterState> {
      observer.calls.push({ clusterId, job });
      if (observer.failWith !== undefined) return Promise.reject(observer.failWith);
      return Promise.resolve({
        clusterId,
        observedAtMs: JAN_1_2025_MS,
        jobs: QUEUED_JOBS,
        totalGpus: 32,
        gpusInUse: 24,
        features: featuresFor(job),
      });
    },
  };
  return observer;
}

/** Records every action it is asked to execute and reports it executed. */
export function recordingActions(): ClusterActions & { readonly executed: ClusterAction[] } {
  const executed: ClusterAction[] = [];
  return {
    executed,
    execute(action: ClusterAction): Promise<ClusterActionResult> {
      executed.push(action);
      return Promise.resolve({ status: 'executed', detail: `${action.kind} ${action.jobId}` });
    },
  };
}

export function sampleEscalation(overrides: Partial<Escalation> & Pick<Escalation, 'escalationId'>): Escalation {
  return {
    clusterId: KNOWN_CLUSTER,
    jobId: 'j-2',
    action: {
      kind: 'requeue',
      clusterId: KNOWN_CLUSTER,
      jobId: 'j-2',
      reason: 'P(long wait) 0.92 on a busy partition',
    },
    probability: 0.92,
    scope: 'escalate',
    reasons: ['calibration too poor to act alone'],
    status: 'pending',
    createdAtMs: JAN_1_2025_MS,
    decidedBy: null,
    decidedAtMs: null,
    result: null,
    history: [],
    ...overrides,
  };
}

export interface HttpStack {
  readonly aws: TestAws;
  readonly tableName: string;
  readonly learning: LearningDeps;
  readonly escalations: DynamoEscalationStore;
  readonly observer: ReturnType<typeof scriptedObserver>;
  readonly actions: ReturnType<typeof recordingActions>;
  readonly logger: ReturnType<typeof recordingLogger>;
  /** Deps for `createHttpApp`, with settings overridden. */
  deps(settings?: Partial<HttpSettings>, extra?: Partial<HttpDeps>): HttpDeps;
  stop(): Promise<void>;
}

/** Starts dynalite + s3rver, creates a unique table and bucket, registers {@link KNOWN_CLUSTER} with the sample bundle. */
export async function startHttpStack(): Promise<HttpStack> {
  const aws = await startTestAws();
  const tableName = uniqueName('http');
  const bucket = uniqueName('http');
  await ensureTable(aws.clients.dynamo, tableName);
  await ensureBucket(aws.clients.s3, bucket);
  const logger = recordingLogger();
  const learning = createLearningDeps({
    ...dynamoLearningStores(aws.clients.dynamo, tableName),
    bundles: new S3BundleStore({ client: aws.clients.s3, bucket }),
    gate: DEFAULT_GATE_CONFIG,
    logger,
  });
  await registerCluster(learning, {
    clusterId: KNOWN_CLUSTER,
    prior: sampleBundle(),
    platform: 'kubernetes',
    nowMs: JAN_1_2025_MS,
  });
  const escalations = new DynamoEscalationStore({ client: aws.clients.dynamo, tableName });
  const observer = scriptedObserver();
  const actions = recordingActions();
  const clock = steppingClock();
  return {
    aws,
    tableName,
    learning,
    escalations,
    observer,
    actions,
    logger,
    deps(settings = {}, extra = {}) {
      return {
        learning,
        observer,
        escalations,
        decideEscalation: (request) => decideEscalation({ escalations, actions, logger }, request),
        clock,
        settings: { apiKey: undefined, corsOrigin: undefined, ...settings },
        ...extra,
      };
    },
    stop: () => aws.stop(),
  };
}

/**
 * Ports: the narrow interfaces through which use cases reach the outside world.
 * Adapters implement them (DynamoDB, S3, Slack, Bedrock, collectors); entries wire them.
 */
import type { ActionScope, CalibrationState, DriftStatus, Tier } from '../core/gating/gate-config.ts';
import type { OnlineWaitState } from '../core/conformal/online-wait-interval.ts';
import type { CatalogLookup, FoundationModelInfo, InferenceProfileInfo } from '../core/agents/model-availability.ts';
import type { ModelBundle } from '../core/model/bundle.ts';

/** Wait estimate attached to a prediction. */
export interface WaitEstimate {
  readonly pointSeconds: number;
  readonly lowerSeconds: number;
  readonly upperSeconds: number;
  /** Nominal coverage of [lower, upper], e.g. 0.8. */
  readonly coverage: number;
}

export interface Outcome {
  readonly waitSeconds: number;
  readonly longWait: boolean;
  readonly observedAtMs: number;
}

/** One scored job, stored as `PREDICTION#{iso-ts}#{jobId}`. */
export interface PredictionRecord {
  readonly clusterId: string;
  readonly jobId: string;
  readonly predictedAtMs: number;
  readonly features: Readonly<Record<string, number | string>>;
  /** The classifier's uncalibrated score (logit) — what a recalibration refits on. */
  readonly rawScore: number;
  readonly probability: number;
  readonly waitEstimate: WaitEstimate | null;
  readonly scope: ActionScope;
  readonly tier: Tier | null;
  readonly bundleVersion: number;
  readonly outcome?: Outcome;
  /**
   * The interval `waitEstimate` was conformally adjusted from (seconds), kept so the outcome can
   * be scored against it (issue 7). Absent on predictions without a wait estimate.
   */
  readonly waitBase?: { readonly lowerSeconds: number; readonly upperSeconds: number };
  /** The P(long wait) bin of the online wait interval, returned with the outcome (issue 7). */
  readonly waitBin?: number;
}

/** The cluster's calibration item (`SK = CALIBRATION`). `version` is the optimistic-concurrency counter. */
export interface CalibrationRecord {
  readonly clusterId: string;
  readonly ece: number | null;
  readonly eceLower: number | null;
  readonly eceUpper: number | null;
  readonly auroc: number | null;
  readonly brier: number | null;
  readonly lastKnownGoodEce: number;
  readonly score: number | null;
  /** Outcomes in the window the metrics were computed on. */
  readonly sampleCount: number;
  /** All outcomes ever recorded for this cluster (atomic counter). */
  readonly outcomeCount: number;
  /** `outcomeCount` when calibration was last recomputed. */
  readonly outcomesAtLastRecompute: number;
  readonly state: CalibrationState;
  readonly scope: ActionScope;
  readonly driftStatus: DriftStatus;
  readonly qualifiedTiers: readonly Tier[];
  readonly activeBundleVersion: number;
  /** Highest bundle version ever claimed: a writer claims `latestBundleVersion + 1` by a conditional write before touching S3, so two writers never target one S3 key. */
  readonly latestBundleVersion: number;
  /** `outcomeCount` when the active bundle became active: the window only uses outcomes after it. */
  readonly outcomesAtActivation: number;
  readonly recalibrations: number;
  readonly retrains: number;
  readonly version: number;
  readonly updatedAtMs: number;
  // ── Feature drift (PSI helper): optional, absent on items written before it; null = not measured ──
  /** Largest PSI over the active bundle's key features, window features against its training reference (≥ 0). */
  readonly maxFeaturePsi?: number | null;
  /** The feature with that PSI. */
  readonly maxPsiFeature?: string | null;
  // ── Per-class gate rule (class-guard helper): optional, absent on items written before it ──
  /**
   * Long waits among the `sampleCount` window outcomes (0 after registration or a publish), an
   * integer in [0, sampleCount]. Absent on items that predate the rule: see `windowLongWaitsForGate`.
   */
  readonly windowLongWaits?: number;
}

/** The cluster's profile item (`SK = PROFILE`). */
export interface ClusterProfile {
  readonly clusterId: string;
  readonly platform: 'slurm' | 'kubernetes' | 'batch' | 'swf' | 'other';
  readonly queueDepthMean: number;
  readonly queueDepthMax: number;
  readonly utilisationMean: number;
  readonly typicalWaitSeconds: number | null;
  readonly longWaitThresholdSeconds: number | null;
  /** Hours of day (0–23, UTC) with the most submissions, busiest first. */
  readonly peakHoursUtc: readonly number[];
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

export type RecordOutcomeResult =
  | { readonly status: 'recorded'; readonly prediction: PredictionRecord; readonly outcomeCount: number }
  | { readonly status: 'duplicate'; readonly prediction: PredictionRecord };

export type ConditionalWriteResult = { readonly status: 'written' } | { readonly status: 'conflict' };

/** Everything about clusters that lives in the single DynamoDB table. */
export interface ClusterStore {
  getCalibration(clusterId: string): Promise<CalibrationRecord | undefined>;
  /** Writes when the stored `version` equals `expectedVersion` (undefined: item must not exist). */
  putCalibration(record: CalibrationRecord, expectedVersion: number | undefined): Promise<ConditionalWriteResult>;
  getProfile(clusterId: string): Promise<ClusterProfile | undefined>;
  putProfile(profile: ClusterProfile): Promise<void>;
  /** Stores a prediction; a second prediction for the same job id is refused with a clear error. */
  recordPrediction(prediction: PredictionRecord): Promise<void>;
  /** Idempotent by job id: a repeated or concurrent duplicate returns `duplicate` and never counts twice. Unknown job → `UnknownJobError`. */
  recordOutcome(clusterId: string, jobId: string, outcome: Outcome): Promise<RecordOutcomeResult>;
  /** The most recent predictions that have outcomes, newest first, at most `limit` (paginates internally). */
  recentOutcomes(clusterId: string, limit: number): Promise<PredictionRecord[]>;
  /** The most recent predictions (with or without outcomes), newest first. */
  recentPredictions(clusterId: string, limit: number): Promise<PredictionRecord[]>;
  /** Every known cluster id (through the listing index; paginates internally). */
  listClusters(): Promise<string[]>;
  /** The cluster's online wait-interval state (`SK = CONFORMAL`); undefined before its first outcome. (Issue 7.) */
  getConformal(clusterId: string): Promise<ConformalRecord | undefined>;
  /** Writes when the stored `version` equals `expectedVersion` (undefined: item must not exist). (Issue 7.) */
  putConformal(record: ConformalRecord, expectedVersion: number | undefined): Promise<ConditionalWriteResult>;
}

// ── Online conformal wait intervals (issue 7, replay-speed helper) ───────────────────────────

/** A cluster's online wait-interval state (`SK = CONFORMAL`); `version` is its optimistic-concurrency counter. */
export interface ConformalRecord extends OnlineWaitState {
  readonly clusterId: string;
  readonly version: number;
  readonly updatedAtMs: number;
}

/** Immutable, versioned model bundles in S3: `clusters/{id}/calibrators/{version}.json`. */
export interface BundleStore {
  /** Writes a new version; refuses to overwrite an existing one. */
  putBundle(clusterId: string, version: number, bundle: ModelBundle): Promise<void>;
  /** Loads and validates; missing → `undefined`. */
  getBundle(clusterId: string, version: number): Promise<ModelBundle | undefined>;
  listVersions(clusterId: string): Promise<number[]>;
}

/** Structured JSON logging. Every line carries the service and correlation id (added by the adapter). */
export interface Logger {
  info(event: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(event: string, fields?: Readonly<Record<string, unknown>>): void;
  error(event: string, fields?: Readonly<Record<string, unknown>>): void;
}

// ── Agents: observe → predict → decide ────────────────────────────────────────────────────────

/** A job as the Observer sees it in the queue. */
export interface QueuedJob {
  readonly jobId: string;
  readonly user: string;
  readonly partition: string;
  readonly state: 'pending' | 'running' | 'completed' | 'cancelled' | 'failed' | 'other';
  readonly submitTimeMs: number;
  readonly startTimeMs: number | null;
  readonly requestedGpus: number;
  readonly requestedCpus: number;
  readonly timeLimitSeconds: number | null;
  readonly priority: number | null;
  /** Scheduler's reason for pending (e.g. `Resources`, `Priority`), when known. */
  readonly reason: string | null;
  /** When a finished job left the queue or ended (epoch ms); null/absent while queued or running, or unknown. (Added by the Slurm collectors, issue 8.) */
  readonly endTimeMs?: number | null;
}

/** The queue state at an instant: what the Predictor's features are computed from. */
export interface ClusterState {
  readonly clusterId: string;
  readonly observedAtMs: number;
  readonly jobs: readonly QueuedJob[];
  readonly totalGpus: number;
  readonly gpusInUse: number;
  /** Submit-time features, by name, ready for `predictJob` (what the collector can compute). */
  readonly features: Readonly<Record<string, number | string>>;
}

/** The Observer's port: a collector (Slurm, VGAC platform API, the built-in simulator). */
export interface ClusterObserver {
  /** Current state; `job` (when given) is the job being predicted, so its own request enters the features. Throws `SourceUnavailableError` when unreachable. */
  observe(clusterId: string, job?: JobSpec): Promise<ClusterState>;
}

/** A job specification (the VGAC platform contract's fields). */
export interface JobSpec {
  readonly gpus: number;
  readonly cpuMillicores?: number;
  readonly memoryGb?: number;
  readonly priority?: number;
  readonly namespace?: string;
  readonly queue?: string;
  readonly estimatedDurationMinutes?: number;
  readonly isDistributed?: boolean;
  readonly gpuType?: string;
  /** Declared job class (e.g. `burst`, `long`), a feature on clusters that declare it. */
  readonly jobType?: string;
}

export const ClusterActionKind = {
  annotate: 'annotate',
  adjustPriority: 'adjust_priority',
  hold: 'hold',
  release: 'release',
  requeue: 'requeue',
  movePartition: 'move_partition',
} as const;
export type ClusterActionKind = (typeof ClusterActionKind)[keyof typeof ClusterActionKind];

export interface ClusterAction {
  readonly kind: ClusterActionKind;
  readonly clusterId: string;
  readonly jobId: string;
  /** `annotate`: comment text; `adjust_priority`: new priority; `move_partition`: partition name. */
  readonly value?: string | number;
  readonly reason: string;
}

export type ClusterActionResult =
  | { readonly status: 'executed'; readonly detail: string }
  | { readonly status: 'dry_run'; readonly detail: string }
  | { readonly status: 'failed'; readonly detail: string };

/** The Actor's port: changes a real job. Only called after the gate allowed it (or a human approved). */
export interface ClusterActions {
  execute(action: ClusterAction, options?: { readonly dryRun?: boolean }): Promise<ClusterActionResult>;
}

export const EscalationStatus = { pending: 'pending', approved: 'approved', rejected: 'rejected', executed: 'executed', failed: 'failed' } as const;
export type EscalationStatus = (typeof EscalationStatus)[keyof typeof EscalationStatus];

/** An action the gate would not let an agent take alone: waits for a human (`SK = ESCALATION#{id}`). */
export interface Escalation {
  readonly escalationId: string;
  readonly clusterId: string;
  readonly jobId: string;
  readonly action: ClusterAction;
  readonly probability: number;
  readonly scope: string;
  readonly reasons: readonly string[];
  readonly status: EscalationStatus;
  readonly createdAtMs: number;
  readonly decidedBy: string | null;
  readonly decidedAtMs: number | null;
  readonly result: string | null;
  /** Audit trail: every state change with who and when. */
  readonly history: readonly { readonly atMs: number; readonly by: string; readonly status: EscalationStatus; readonly note: string }[];
}

export interface EscalationStore {
  create(escalation: Escalation): Promise<void>;
  get(clusterId: string, escalationId: string): Promise<Escalation | undefined>;
  /** Conditional on the current status: a decision is taken once; a second decider gets `conflict`. */
  transition(clusterId: string, escalationId: string, from: EscalationStatus, to: EscalationStatus, entry: { atMs: number; by: string; note: string; result?: string }): Promise<ConditionalWriteResult>;
  list(options: { readonly status?: EscalationStatus; readonly clusterId?: string; readonly limit: number }): Promise<Escalation[]>;
}

/** Humans are told (SNS on AWS; the local bus + dashboard embedded; Slack when configured). */
export interface Notifier {
  notify(message: { readonly subject: string; readonly text: string; readonly clusterId?: string; readonly escalationId?: string }): Promise<void>;
}

// ── Agents: reasoning, explanation cache and budget ledger (issue 4, agents helper) ──────────

/** One tool the model may ask for, as a Bedrock Converse `toolSpec` (JSON schema input). */
export interface ReasonerToolSpec {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: Readonly<Record<string, unknown>>;
}

/** A tool call the model asked for in its reply. */
export interface ReasonerToolRequest {
  readonly toolUseId: string;
  readonly name: string;
  readonly input: unknown;
}

/** Token usage of one model call, as the model reported it. */
export interface ModelUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/**
 * The budget guard's hook around every model call: the adapter asks `reserve` with an upper bound
 * of the call's input tokens and its `maxTokens` BEFORE sending, and `settle`s the reported usage
 * after. `reserve` false → the call must not be made.
 */
export interface CallMeter {
  reserve(inputTokensUpperBound: number, maxOutputTokens: number): Promise<boolean>;
  settle(usage: ModelUsage, reserved: { readonly inputTokensUpperBound: number; readonly maxOutputTokens: number }): Promise<void>;
}

/** Structured facts a reasoner explains; the offline reasoner writes its answer from these alone. */
export interface ExplanationFacts {
  readonly clusterId: string;
  readonly queuedJobs: number;
  readonly utilisationPercent: number;
  readonly requestedGpus: number;
  readonly probability: number;
  readonly waitEstimate: WaitEstimate | null;
  readonly scope: ActionScope;
  readonly tier: Tier | null;
  readonly intervention: string;
  readonly calibrated: boolean;
  readonly ece: number | null;
  readonly outcomeCount: number;
  readonly minOutcomes: number;
}

export interface ReasonerRequest {
  /** A model id already accepted by the model policy (never Opus). */ // policy-allow: opus-refusal
  readonly modelId: string;
  readonly system: string;
  readonly prompt: string;
  readonly maxOutputTokens: number;
  readonly facts: ExplanationFacts;
  /** Tools offered to the model (none: a plain answer). */
  readonly tools?: readonly ReasonerToolSpec[];
  /** Runs a tool the model asked for and returns its JSON result (a refusal is a result too). */
  readonly runTool?: (request: ReasonerToolRequest) => Promise<Readonly<Record<string, unknown>>>;
  /** Most model calls in one exchange (a tool-use round trip takes 2). */
  readonly maxCalls?: number;
  readonly meter?: CallMeter;
}

export type ReasonerReply =
  | {
      readonly status: 'answered';
      readonly text: string;
      readonly modelId: string;
      /** Sum over the exchange's calls; zero for the offline reasoner. */
      readonly usage: ModelUsage;
      readonly calls: number;
      /** Every tool the model asked for, in order. */
      readonly toolRequests: readonly ReasonerToolRequest[];
    }
  | { readonly status: 'budget_refused'; readonly calls: number };

/** Writes the words of an answer. Bedrock (Converse) or the offline templates; never decides. */
export interface Reasoner {
  readonly kind: 'bedrock' | 'offline';
  /** Throws `ReasonerError` when the model is unreachable or its output unusable. */
  reason(request: ReasonerRequest): Promise<ReasonerReply>;
}

export interface CachedExplanation {
  readonly text: string;
  readonly modelId: string;
  readonly createdAtMs: number;
}

/** Model answers by question hash (`SK = EXPLANATION#{hash}`); freshness is the caller's rule. */
export interface ExplanationCache {
  get(clusterId: string, hash: string): Promise<CachedExplanation | undefined>;
  put(clusterId: string, hash: string, explanation: CachedExplanation): Promise<void>;
}

export type ReserveResult =
  | { readonly status: 'reserved' }
  | { readonly status: 'refused'; readonly committedMicroUsd: number; readonly committedTotalMicroUsd: number };

export interface LedgerComponentState {
  readonly committedMicroUsd: number;
  readonly calls: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
}

export interface LedgerSnapshot {
  readonly committedTotalMicroUsd: number;
  readonly components: Readonly<Record<string, LedgerComponentState>>;
  readonly cacheHits: number;
  readonly cacheMisses: number;
}

/**
 * The budget ledger: integer micro-dollars committed per component and in total, changed
 * atomically across concurrent invocations. `reserve` commits `microUsd` only when neither the
 * component's nor the total's cap would be crossed; `settle` adds (actual − reserved), which may be
 * negative, and counts the call's tokens.
 */
export interface BudgetLedger {
  reserve(component: string, microUsd: number, caps: { readonly componentMicroUsd: number; readonly totalMicroUsd: number }): Promise<ReserveResult>;
  settle(component: string, deltaMicroUsd: number, usage: ModelUsage): Promise<void>;
  countCacheLookup(hit: boolean): Promise<void>;
  snapshot(): Promise<LedgerSnapshot>;
}

// ── Model catalog (`vgac doctor`) ────────────────────────────────────────────────────────────

/**
 * Bedrock's model catalog in one Region (its control plane): the status of an inference profile
 * and the lifecycle of a foundation model. A missing or unreadable entry is a result, not an
 * error; anything else (network, throttling past retries) throws InfrastructureError.
 */
export interface ModelCatalog {
  readonly region: string;
  inferenceProfile(profileId: string): Promise<CatalogLookup<InferenceProfileInfo>>;
  foundationModel(modelId: string): Promise<CatalogLookup<FoundationModelInfo>>;
}

// ── Calibration history (issue 5, `npm start` + dashboard helper) ─────────────────────────────

/** One recompute of a cluster's calibration, kept for "ECE over time" (`SK = CALHIST#{iso-ts}`). */
export interface CalibrationHistoryPoint {
  readonly clusterId: string;
  /** When the recompute ran (epoch ms). */
  readonly atMs: number;
  readonly ece: number | null;
  readonly eceLower: number | null;
  readonly eceUpper: number | null;
  readonly brier: number | null;
  readonly auroc: number | null;
  readonly sampleCount: number;
  readonly outcomeCount: number;
  readonly scope: ActionScope;
  readonly driftStatus: DriftStatus;
  readonly qualifiedTiers: readonly Tier[];
  /** What the recompute did: `none`, `recalibrated` or `retrained`. */
  readonly action: 'none' | 'recalibrated' | 'retrained';
  readonly activeBundleVersion: number;
}

/** Append-only calibration history per cluster. */
export interface CalibrationHistoryStore {
  append(point: CalibrationHistoryPoint): Promise<void>;
  /** The most recent points, oldest first, at most `limit`. */
  list(clusterId: string, limit: number): Promise<CalibrationHistoryPoint[]>;
}

// ── HTTP API and Slack (issue 5, HTTP helper) ────────────────────────────────────────────────

/** A chat message: plain text (always set: notifications and screen readers use it) and optional Block Kit blocks. */
export interface ChatMessage {
  readonly text: string;
  readonly blocks?: readonly Readonly<Record<string, unknown>>[];
}

/** Replies to people in chat (Slack): a post into a channel or thread, or a reply through an interaction's `response_url`. */
export interface ChatReplies {
  /** Throws InfrastructureError when the chat service refuses or is unreachable. */
  post(channel: string, message: ChatMessage, options?: { readonly threadTs?: string }): Promise<void>;
  /** `ephemeral`: only the asker sees it; `replaceOriginal`: replaces the message that carried the buttons. */
  respond(responseUrl: string, message: ChatMessage, options?: { readonly ephemeral?: boolean; readonly replaceOriginal?: boolean }): Promise<void>;
}

/**
 * Claims a key once within a time to live (a conditional write in the table, TTL'd): the first
 * claim wins, every later one — a retried delivery, a double click — sees `false`.
 */
export interface OnceGuard {
  claim(key: string, nowMs: number, ttlSeconds: number): Promise<boolean>;
  /**
   * Gives back the claim of `key` made at `claimedAtMs` (the `nowMs` given to `claim`), so the
   * next delivery may claim it — for work that was claimed but could not be handed over. A claim
   * made at another instant (someone else's) is left alone; releasing a missing claim is a no-op.
   * Throws InfrastructureError when the store fails.
   */
  release(key: string, claimedAtMs: number): Promise<void>;
}

/** Runs slow work after the HTTP reply has gone (in-process locally; an async invocation on Lambda). */
export interface TaskQueue<Task> {
  /** Resolves once the task is safely handed over (not when it has run). */
  enqueue(task: Task): Promise<void>;
}

// ── Lambda handlers: secrets (issue 6, Lambda helper) ─────────────────────────────────────────

/** Secrets by name (SSM Parameter Store SecureStrings on AWS). Values are never logged. */
export interface SecretSource {
  /** The secret's value; throws NotConfiguredError when it does not exist, InfrastructureError when the store fails. */
  get(name: string): Promise<string>;
  /** Reads the secret again past any cache (it was rotated: e.g. a re-issued JWT); fails as `get`. */
  refresh?(name: string): Promise<string>;
}

// ── Recompute scheduling (wave 3, async-recompute helper) ─────────────────────────────────────

/** Why a cluster's calibration is recomputed: the outcome counter came due, the workflow's schedule, or a person. */
export type RecomputeReason = 'outcomes' | 'schedule' | 'manual';

/**
 * Where a due calibration recompute runs, so that recording an outcome never runs one inside a
 * client's request: in-process in the background locally, another Lambda invocation on AWS, or
 * inline (tests and the replay, whose timelines need it at the outcome's instant).
 */
export interface RecomputeScheduler {
  /**
   * Hands over a recompute of `clusterId`; `requestedAtMs` is when it became due (epoch ms).
   * Resolves once handed over — not when it has run, except for the inline scheduler, which runs
   * it first. Throws InfrastructureError when the recompute cannot be handed over.
   */
  schedule(clusterId: string, reason: RecomputeReason, requestedAtMs: number): Promise<void>;
}

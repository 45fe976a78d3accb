/**
 * Slurm's job and node fields as its clients print them (squeue --json, slurmrestd v0.0.38+,
 * scontrol show job/node -o), turned into the Observer's QueuedJob. Vendor quirks live here.
 */
import type { QueuedJob } from '../../app/records/queue.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { parseSlurmGpuCount } from '../../core/traces/slurm-fields.ts';

const MS_PER_SECOND = 1_000;
const SECONDS_PER_MINUTE = 60;
/** Slurm's NO_VAL / INFINITE markers for 32-bit fields (time limits in minutes). */
const SLURM_NO_VAL_32 = 0xfffffffe;

/**
 * GPUs in a job's or node's TRES/gres text, by core's {@link parseSlurmGpuCount} (both Slurm
 * syntaxes: `gres:gpu:3`, `gres/gpu=2,gres/gpu:a100=2` = 2, `gpu:a100:4(S:0-1)`…). null/absent → 0.
 * A text core cannot read also counts 0: one odd field must not fail the whole listing.
 */
export function gpusInTres(text: string | null | undefined): number {
  if (text === null || text === undefined) return 0;
  try {
    return parseSlurmGpuCount(text);
  } catch (error) {
    if (error instanceof InvalidInputError) return 0;
    throw error;
  }
}

/** Slurm job state (any case, with or without `+FLAG` suffixes) → the Observer's state. COMPLETING still holds its resources: running. */
export function queuedJobState(slurmState: string): QueuedJob['state'] {
  const base = slurmState.trim().toUpperCase().split(/[+\s]/)[0] ?? '';
  switch (base) {
    case 'PENDING':
      return 'pending';
    case 'RUNNING':
    case 'CONFIGURING':
    case 'COMPLETING':
      return 'running';
    case 'COMPLETED':
      return 'completed';
    case 'CANCELLED':
      return 'cancelled';
    case 'FAILED':
    case 'TIMEOUT':
    case 'NODE_FAIL':
    case 'OUT_OF_MEMORY':
    case 'BOOT_FAIL':
    case 'DEADLINE':
    case 'PREEMPTED':
      return 'failed';
    default:
      return 'other';
  }
}

/**
 * A Slurm duration (`MM`, `MM:SS`, `HH:MM:SS`, `D-HH`, `D-HH:MM`, `D-HH:MM:SS`) → seconds;
 * `UNLIMITED`, `INFINITE`, `NOT_SET`, `N/A` or unparseable → null.
 */
export function slurmDurationSeconds(text: string): number | null {
  const trimmed = text.trim();
  const match = /^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$/.exec(trimmed);
  if (match === null) return null;
  const [, daysText, first, second, third] = match;
  const days = daysText === undefined ? 0 : Number(daysText);
  const numbers = [first, second, third].filter((part): part is string => part !== undefined).map(Number);
  // With days: D-HH[:MM[:SS]]; without: MM, MM:SS or HH:MM:SS.
  const padded = daysText !== undefined || numbers.length === 3 ? numbers : [0, ...numbers];
  const [hours = 0, minutes = 0, seconds = 0] = padded;
  return ((days * 24 + hours) * 60 + minutes) * 60 + seconds;
}

/** A JSON number field in any API version: a number, `{set, infinite, number}` (v0.0.39+), or null. */
export function slurmJsonNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value !== null && typeof value === 'object') {
    const record = value as { set?: unknown; infinite?: unknown; number?: unknown };
    if (record.infinite === true || record.set === false) return null;
    return typeof record.number === 'number' ? record.number : null;
  }
  return null;
}

/** A job as squeue --json and slurmrestd (v0.0.38) report it; only the fields we read. */
export interface SlurmJsonJob {
  readonly job_id: unknown;
  readonly user_name?: unknown;
  readonly partition?: unknown;
  readonly job_state?: unknown;
  readonly state_reason?: unknown;
  readonly submit_time?: unknown;
  readonly start_time?: unknown;
  readonly end_time?: unknown;
  readonly time_limit?: unknown;
  readonly tres_per_node?: unknown;
  readonly tres_per_job?: unknown;
  readonly node_count?: unknown;
  readonly cpus?: unknown;
  readonly priority?: unknown;
  readonly flags?: unknown;
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  if (typeof value === 'number') return String(value);
  return '';
}

/**
 * One JSON job → QueuedJob. Times arrive in epoch seconds, time limits in minutes. A pending
 * job's `start_time` is Slurm's estimate, not a start: reported as null. A cancelled job without
 * the JOB_WAS_RUNNING flag never started (censored). Returns null for a record without a job id.
 */
export function queuedJobFromJson(job: SlurmJsonJob): QueuedJob | null {
  const jobIdNumber = slurmJsonNumber(job.job_id);
  if (jobIdNumber === null) return null;
  const state = queuedJobState(text(job.job_state));
  const flags = Array.isArray(job.flags) ? job.flags.map(String) : [];
  const submitSeconds = slurmJsonNumber(job.submit_time) ?? 0;
  const startSeconds = slurmJsonNumber(job.start_time);
  const everStarted =
    state === 'running' || state === 'completed' || state === 'failed' || flags.includes('JOB_WAS_RUNNING');
  const timeLimitMinutes = slurmJsonNumber(job.time_limit);
  const nodeCount = Math.max(1, slurmJsonNumber(job.node_count) ?? 1);
  const perJob = gpusInTres(text(job.tres_per_job));
  const reason = text(job.state_reason);
  const endSeconds = slurmJsonNumber(job.end_time);
  const finished = state !== 'pending' && state !== 'running';
  return {
    jobId: String(jobIdNumber),
    user: text(job.user_name),
    partition: text(job.partition),
    state,
    submitTimeMs: submitSeconds * MS_PER_SECOND,
    startTimeMs: everStarted && startSeconds !== null && startSeconds > 0 ? startSeconds * MS_PER_SECOND : null,
    requestedGpus: perJob > 0 ? perJob : gpusInTres(text(job.tres_per_node)) * nodeCount,
    requestedCpus: slurmJsonNumber(job.cpus) ?? 0,
    timeLimitSeconds:
      timeLimitMinutes === null || timeLimitMinutes >= SLURM_NO_VAL_32 ? null : timeLimitMinutes * SECONDS_PER_MINUTE,
    priority: slurmJsonNumber(job.priority),
    reason: reason === '' || reason === 'None' ? null : reason,
    // A queued job's end_time is an estimate: only a finished job's is a fact.
    endTimeMs: finished && endSeconds !== null && endSeconds > 0 ? endSeconds * MS_PER_SECOND : null,
  };
}

/** `Key=Value Key=Value …` of one `scontrol show … -o` line. Values never contain spaces there, except `Comment=` and friends, which we do not read. */
export function scontrolFields(line: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const token of line.trim().split(/\s+/)) {
    const equals = token.indexOf('=');
    if (equals <= 0) continue;
    const key = token.slice(0, equals);
    if (!fields.has(key)) fields.set(key, token.slice(equals + 1));
  }
  return fields;
}

/** `2026-11-25T16:54:05` (scontrol's local time, no zone) → epoch ms in the given offset; `Unknown`/`None`/`N/A` → null. */
export function scontrolTimeMs(value: string | undefined, parseLocalTime: (text: string) => number): number | null {
  if (value === undefined || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(value)) return null;
  const ms = parseLocalTime(value);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * One `scontrol show job -o` line → QueuedJob. `parseLocalTime` turns scontrol's zone-less local
 * times into epoch ms (the host's zone: `Date.parse`). A cancelled job whose RunTime is zero never
 * started. Returns null for a line without a JobId.
 */
export function queuedJobFromScontrol(line: string, parseLocalTime: (text: string) => number): QueuedJob | null {
  const fields = scontrolFields(line);
  const jobId = fields.get('JobId');
  if (jobId === undefined || !/^\d+$/.test(jobId)) return null;
  const state = queuedJobState(fields.get('JobState') ?? '');
  const runSeconds = slurmDurationSeconds(fields.get('RunTime') ?? '') ?? 0;
  const everStarted =
    state === 'running' || state === 'completed' || state === 'failed' || (state !== 'pending' && runSeconds > 0);
  const nodeCount = Math.max(1, Number(fields.get('NumNodes')?.split('-')[0] ?? '1') || 1);
  const perJob = gpusInTres(fields.get('TresPerJob'));
  const reason = fields.get('Reason') ?? '';
  const priority = Number(fields.get('Priority'));
  const finished = state !== 'pending' && state !== 'running';
  return {
    jobId,
    user: (fields.get('UserId') ?? '').replace(/\(\d+\)$/, ''),
    partition: fields.get('Partition') ?? '',
    state,
    submitTimeMs: scontrolTimeMs(fields.get('SubmitTime'), parseLocalTime) ?? 0,
    startTimeMs: everStarted ? scontrolTimeMs(fields.get('StartTime'), parseLocalTime) : null,
    requestedGpus: perJob > 0 ? perJob : gpusInTres(fields.get('TresPerNode')) * nodeCount,
    requestedCpus: Number(fields.get('NumCPUs') ?? '0') || 0,
    timeLimitSeconds: slurmDurationSeconds(fields.get('TimeLimit') ?? ''),
    priority: Number.isFinite(priority) ? priority : null,
    reason: reason === '' || reason === 'None' ? null : reason,
    endTimeMs: finished ? scontrolTimeMs(fields.get('EndTime'), parseLocalTime) : null,
  };
}

/** Nodes that cannot run jobs: their GPUs are not capacity. */
export function nodeIsUnavailable(state: string): boolean {
  return /DOWN|DRAIN|FAIL|FUTURE|POWERED_DOWN|MAINT/i.test(state);
}

import { InvalidInputError } from '../errors.ts';
import { finishImport, malformedReason, splitTraceLines } from './finish-import.ts';
import {
  parseSlurmMemoryMb,
  parseSlurmTimelimitSeconds,
  parseSlurmTimestampSeconds,
  parseSlurmTres,
} from './slurm-fields.ts';
import type { ImportResult, TraceJob, TraceLineNote } from './trace-job.ts';

/** Columns the importer cannot do without. The others (see {@link importSacct}) are optional. */
const REQUIRED_COLUMNS = ['JobID', 'Submit', 'Start', 'End', 'State'] as const;
const OPTIONAL_COLUMNS = ['Partition', 'ReqCPUS', 'ReqMem', 'ReqTRES', 'Timelimit', 'User', 'QOS'] as const;

type SacctColumn = (typeof REQUIRED_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number];

/** A pending array record such as `123_[0-99999]` expands to at most this many tasks. */
export const MAX_ARRAY_TASKS_PER_RECORD = 100_000;

/** A job (`123`), an array task (`123_4`), a heterogeneous-job component (`123+0`). */
const JOB_ID = /^\d+(?:_\d+)?(?:\+\d+)?$/;
/** A pending array record: `123_[5-9]`, `123_[1,3,5-7]`, `123_[0-99:3%4]`. */
const PENDING_ARRAY_ID = /^(\d+)_\[([^\]]+)\]$/;

/** Options for {@link importSacct}. */
export interface SacctImportOptions {
  /**
   * The instant (epoch seconds) the log was taken: jobs still pending are censored here.
   * Default: the latest timestamp in the file. Must not precede it.
   */
  traceEndSeconds?: number;
}

interface SacctRow {
  job: TraceJob;
  /** Never-started jobs with no end of their own are censored at the trace end (filled in later). */
  censorAtTraceEnd: boolean;
}

/**
 * Reads Slurm accounting output from
 * `sacct --allusers --parsable2 --format=JobID,Submit,Start,End,State,Partition,ReqCPUS,ReqMem,ReqTRES,Timelimit,User,QOS`
 * (pipe-separated, header row first; columns are found by header name, so order does not matter
 * and `--parsable`'s trailing `|` is fine). Only JobID, Submit, Start, End and State are required.
 *
 * - Job steps (`123.batch`, `123.0`, `123.extern`…) are not queued jobs: listed in `skipped`.
 * - Array tasks (`123_4`) are jobs; a pending array record (`123_[5-9%2]`) expands to one pending
 *   job per task (`123_5`…`123_9`), since a live observer counts each task as queued. At most
 *   {@link MAX_ARRAY_TASKS_PER_RECORD} tasks per record, else the line is malformed.
 * - A job that never started is censored, not counted as a short wait: Start `Unknown`/`None`;
 *   State PENDING (its Start, if any, is the scheduler's *forecast*); or State CANCELLED with
 *   Start = End (how some Slurm versions record a job cancelled while pending — a job cancelled in
 *   the very second it started is read the same way). It is censored at its End when it has one
 *   (cancelled while pending), else at the trace end ({@link SacctImportOptions.traceEndSeconds};
 *   default the latest observed timestamp in the file, steps included, forecasts excluded).
 * - A started job with End `Unknown` is still running: `endTimeSeconds` null.
 * - GPUs come from ReqTRES (`gres/gpu=4`, `gres/gpu:a100=2`); processors from ReqCPUS (else TRES
 *   `cpu`, else 1); memory from ReqMem (`4000M`, `16G`, per-CPU `4000Mc`, per-node `4000Mn` × TRES
 *   `node`), else TRES `mem`; run-time limit from Timelimit (`UNLIMITED` → null).
 * - Timestamps are read as UTC (see {@link parseSlurmTimestampSeconds}); times are epoch seconds,
 *   so `epochOffsetSeconds` is 0.
 * - `status` is State's first word lower-cased (`CANCELLED by 1234` → `cancelled`).
 *
 * Throws InvalidInputError when the header lacks a required column, for an empty file, a majority
 * of malformed lines, or no jobs. Linear (plus array expansion), then the O(n log n) sort.
 */
export function importSacct(text: string, options: SacctImportOptions = {}): ImportResult {
  const lines = splitTraceLines(text, 'sacct');
  const headerIndex = lines.findIndex((line) => line.trim() !== '');
  const header = (lines[headerIndex] as string).trim().split('|');
  const columnOf = resolveColumns(header);

  const rows: SacctRow[] = [];
  const malformed: TraceLineNote[] = [];
  const skipped: TraceLineNote[] = [];
  let dataLines = 0;
  let latestTimeSeconds = Number.NEGATIVE_INFINITY;

  for (let index = headerIndex + 1; index < lines.length; index += 1) {
    const line = (lines[index] as string).trim();
    if (line === '') continue;
    dataLines += 1;
    const lineNumber = index + 1;
    const fields = line.split('|');
    if (fields.length !== header.length) {
      malformed.push({ line: lineNumber, reason: `expected ${header.length} fields, got ${fields.length}` });
      continue;
    }
    const field = (name: SacctColumn): string => {
      const column = columnOf[name];
      return column === undefined ? '' : (fields[column] as string).trim();
    };
    const jobId = field('JobID');
    const stepDot = jobId.indexOf('.');
    if (stepDot > 0) {
      skipped.push({
        line: lineNumber,
        reason: `job step ${jobId} of job ${jobId.slice(0, stepDot)} (steps run inside their job's allocation; they are not queued)`,
      });
      latestTimeSeconds = Math.max(
        latestTimeSeconds,
        latestLenientTime([field('Submit'), field('Start'), field('End')]),
      );
      continue;
    }
    try {
      const parsed = parseJobRow(jobId, field);
      rows.push(...parsed.rows);
      latestTimeSeconds = Math.max(latestTimeSeconds, parsed.latestTimeSeconds);
    } catch (error) {
      malformed.push({ line: lineNumber, reason: malformedReason(error) });
    }
  }

  const traceEndSeconds = resolveTraceEnd(options.traceEndSeconds, latestTimeSeconds);
  const jobs = rows.map(({ job, censorAtTraceEnd }) =>
    censorAtTraceEnd ? { ...job, censoredAtSeconds: traceEndSeconds } : job,
  );
  return finishImport('sacct', {
    jobs,
    malformed,
    skipped,
    totalLines: lines.length,
    dataLines,
    epochOffsetSeconds: 0,
  });
}

function resolveColumns(header: readonly string[]): Partial<Record<SacctColumn, number>> {
  const columnOf: Partial<Record<SacctColumn, number>> = {};
  for (const name of [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS]) {
    const column = header.indexOf(name);
    if (column >= 0) columnOf[name] = column;
    else if ((REQUIRED_COLUMNS as readonly string[]).includes(name)) {
      throw new InvalidInputError(
        `sacct: header lacks column '${name}' (expected sacct --parsable2 output with a header row)`,
      );
    }
  }
  return columnOf;
}

function resolveTraceEnd(requested: number | undefined, latestTimeSeconds: number): number {
  if (requested === undefined) return latestTimeSeconds;
  if (!Number.isFinite(requested) || requested < latestTimeSeconds) {
    throw new InvalidInputError(
      `sacct: traceEndSeconds ${requested} precedes the latest time in the file (${latestTimeSeconds})`,
    );
  }
  return requested;
}

/** One job or pending-array line → its job(s); throws InvalidInputError with the reason. */
function parseJobRow(
  jobId: string,
  field: (name: SacctColumn) => string,
): { rows: SacctRow[]; latestTimeSeconds: number } {
  const arrayMatch = PENDING_ARRAY_ID.exec(jobId);
  if (!arrayMatch && !JOB_ID.test(jobId)) throw new InvalidInputError(`job id not understood: '${jobId}'`);

  const submitTimeSeconds = parseSlurmTimestampSeconds(field('Submit'));
  if (submitTimeSeconds === null) throw new InvalidInputError(`job ${jobId} has no Submit time`);
  const state = field('State');
  const status = (state.split(/\s+/)[0] as string).toLowerCase();
  if (status === '') throw new InvalidInputError(`job ${jobId} has no State`);
  const reportedStart = parseSlurmTimestampSeconds(field('Start'));
  const endTimeSeconds = parseSlurmTimestampSeconds(field('End'));
  // A pending job's Start, when set, is the backfill scheduler's forecast, not a start. A job
  // cancelled while pending is shown by some Slurm versions with Start = End = the cancel time.
  const cancelledWhilePending = status === 'cancelled' && reportedStart !== null && reportedStart === endTimeSeconds;
  const startTimeSeconds = status === 'pending' || cancelledWhilePending ? null : reportedStart;
  if (startTimeSeconds !== null && startTimeSeconds < submitTimeSeconds) {
    throw new InvalidInputError(`job ${jobId} Start ${field('Start')} precedes Submit ${field('Submit')}`);
  }
  const endFloor = startTimeSeconds ?? submitTimeSeconds;
  if (endTimeSeconds !== null && endTimeSeconds < endFloor) {
    throw new InvalidInputError(
      `job ${jobId} End ${field('End')} precedes ${startTimeSeconds === null ? 'Submit' : 'Start'}`,
    );
  }

  const tres = parseSlurmTres(field('ReqTRES'));
  const cpusText = field('ReqCPUS');
  const cpus = cpusText === '' ? (tres.cpus ?? 1) : Number(cpusText);
  if (!Number.isInteger(cpus) || cpus < 0) throw new InvalidInputError(`ReqCPUS not understood: '${cpusText}'`);
  const requestedMemoryMb = parseSlurmMemoryMb(field('ReqMem'), cpus, tres.nodes ?? 1) ?? tres.memoryMb;

  const started = startTimeSeconds !== null;
  const template: TraceJob = {
    id: jobId,
    submitTimeSeconds,
    startTimeSeconds,
    censoredAtSeconds: started ? null : endTimeSeconds,
    endTimeSeconds: started ? endTimeSeconds : null,
    requestedProcessors: cpus,
    requestedGpus: tres.gpus,
    requestedMemoryMb,
    requestedTimeSeconds: parseSlurmTimelimitSeconds(field('Timelimit')),
    user: field('User'),
    queue: field('Partition'),
    qos: field('QOS'),
    status,
  };
  const censorAtTraceEnd = !started && endTimeSeconds === null;
  const ids = arrayMatch ? expandArrayTaskIds(arrayMatch[1] as string, arrayMatch[2] as string) : [jobId];
  return {
    rows: ids.map((id) => ({ job: { ...template, id }, censorAtTraceEnd })),
    latestTimeSeconds: Math.max(submitTimeSeconds, startTimeSeconds ?? -Infinity, endTimeSeconds ?? -Infinity),
  };
}

/**
 * `123` and `1,3,5-7:2%4` → `123_1`, `123_3`, `123_5`, `123_7`. The `%N` suffix (at most N tasks
 * running at once) does not change which tasks exist; `:S` is a range step.
 */
function expandArrayTaskIds(parentId: string, spec: string): string[] {
  const ranges = spec.replace(/%\d+$/, '');
  const taskIds: string[] = [];
  for (const part of ranges.split(',')) {
    const match = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part);
    if (!match) throw new InvalidInputError(`array range not understood: '${part}' in ${parentId}_[${spec}]`);
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    const step = match[3] === undefined ? 1 : Number(match[3]);
    if (last < first || step < 1)
      throw new InvalidInputError(`array range not understood: '${part}' in ${parentId}_[${spec}]`);
    if (taskIds.length + Math.floor((last - first) / step) + 1 > MAX_ARRAY_TASKS_PER_RECORD) {
      throw new InvalidInputError(
        `array record ${parentId}_[${spec}] has more than ${MAX_ARRAY_TASKS_PER_RECORD} tasks`,
      );
    }
    for (let task = first; task <= last; task += step) taskIds.push(`${parentId}_${task}`);
  }
  return taskIds;
}

/** The latest readable timestamp among `texts` (steps are read leniently: they are skipped anyway). */
function latestLenientTime(texts: readonly string[]): number {
  let latest = Number.NEGATIVE_INFINITY;
  for (const text of texts) {
    try {
      latest = Math.max(latest, parseSlurmTimestampSeconds(text) ?? -Infinity);
    } catch {
      // An unreadable step time says nothing about the trace end.
    }
  }
  return latest;
}

import { finishImport, splitTraceLines } from './finish-import.ts';
import type { ImportResult, TraceJob, TraceLineNote } from './trace-job.ts';

/** SWF 2.2 has exactly this many whitespace-separated fields per job line. */
const SWF_FIELD_COUNT = 18;

/** SWF's marker for an unknown value. */
const UNKNOWN = -1;

/** SWF status codes (field 11) and the word we store for each. */
const SWF_STATUS_NAMES: Readonly<Record<number, string>> = {
  [-1]: 'unknown',
  0: 'failed',
  1: 'completed',
  2: 'partial',
  3: 'partial-completed',
  4: 'partial-failed',
  5: 'cancelled',
};

const SWF_CANCELLED = 5;

/** The numeric fields we read, by 0-based column, with their SWF names (for error messages). */
const FIELD = {
  submit: { column: 1, name: 'submit time' },
  wait: { column: 2, name: 'wait time' },
  run: { column: 3, name: 'run time' },
  allocatedProcessors: { column: 4, name: 'allocated processors' },
  requestedProcessors: { column: 7, name: 'requested processors' },
  requestedTime: { column: 8, name: 'requested time' },
  requestedMemory: { column: 9, name: 'requested memory' },
  status: { column: 10, name: 'status' },
} as const;

const USER_COLUMN = 11;
const QUEUE_COLUMN = 14;

const UNIX_START_HEADER = /^;\s*UnixStartTime:\s*(-?\d+(?:\.\d+)?)\s*$/;
/** `MaxProcs` / `MaxNodes`: the machine's processors and nodes (a positive integer). */
const SIZE_HEADER = /^;\s*Max(Procs|Nodes):\s*(\d+)\s*$/;

/**
 * Reads a Standard Workload Format 2.2 log (Parallel Workloads Archive,
 * https://www.cs.huji.ac.il/labs/parallel/workload/swf.html): `;` header lines, then one job per
 * line in 18 whitespace-separated numeric fields, −1 meaning unknown.
 *
 * Mapping: submit = field 2; start = submit + wait (field 3); end = start + run time (field 4),
 * null when the run time is unknown. A wait of −1 means the start is unknown: the job is censored
 * at its submit time (no lower bound on its wait). A cancelled job (status 5) whose wait is −1 or
 * whose run time is ≤ 0 never started: it is censored at submit + wait (the time it sat queued
 * before being cancelled), not counted as a short wait.
 * Requested processors = field 8, falling back to allocated processors (field 5) when unknown;
 * when both are unknown the job is taken to hold 1 processor (any job that exists holds one).
 * SWF has no GPUs: `requestedGpus` is 0 and processors are the scarce resource to reason about.
 * Requested time = field 9 (seconds); requested memory = field 10 (KB per processor) × processors.
 * `epochOffsetSeconds` comes from the `UnixStartTime` header (null without it).
 * `capacity.processors` comes from the `MaxProcs` header, else `MaxNodes` (SWF 2.1 added
 * `MaxProcs` for SMP nodes; a log with only `MaxNodes` counts one processor per node), else null;
 * `capacity.gpus` is null.
 *
 * Throws InvalidInputError (via {@link finishImport}) for an empty file, a majority of malformed
 * lines, or no jobs. Linear in the text length, plus the final O(n log n) sort.
 */
export function importSwf(text: string): ImportResult {
  const lines = splitTraceLines(text, 'swf');
  const jobs: TraceJob[] = [];
  const malformed: TraceLineNote[] = [];
  let dataLines = 0;
  let epochOffsetSeconds: number | null = null;
  const declaredSize: { Procs?: number; Nodes?: number } = {};

  lines.forEach((rawLine, index) => {
    const line = rawLine.trim();
    if (line === '') return;
    if (line.startsWith(';')) {
      const header = UNIX_START_HEADER.exec(line);
      if (header) epochOffsetSeconds = Number(header[1]);
      const size = SIZE_HEADER.exec(line);
      if (size && Number(size[2]) > 0) declaredSize[size[1] as 'Procs' | 'Nodes'] = Number(size[2]);
      return;
    }
    dataLines += 1;
    const parsed = parseSwfLine(line);
    if (typeof parsed === 'string') malformed.push({ line: index + 1, reason: parsed });
    else jobs.push(parsed);
  });

  const imported = finishImport('swf', {
    jobs,
    malformed,
    skipped: [],
    totalLines: lines.length,
    dataLines,
    epochOffsetSeconds,
  });
  return { ...imported, capacity: { processors: declaredSize.Procs ?? declaredSize.Nodes ?? null, gpus: null } };
}

/** One SWF job line → a job, or the reason it cannot be read. */
function parseSwfLine(line: string): TraceJob | string {
  const fields = line.split(/\s+/);
  if (fields.length !== SWF_FIELD_COUNT) return `expected ${SWF_FIELD_COUNT} fields, got ${fields.length}`;

  const values = {} as Record<keyof typeof FIELD, number>;
  for (const [key, { column, name }] of Object.entries(FIELD) as [
    keyof typeof FIELD,
    (typeof FIELD)[keyof typeof FIELD],
  ][]) {
    const raw = fields[column] as string;
    const value = Number(raw);
    if (!Number.isFinite(value)) return `${name} is not a number: '${raw}'`;
    if (value < 0 && value !== UNKNOWN) return `${name} is negative: ${raw}`;
    values[key] = value;
  }
  if (values.submit === UNKNOWN) return 'submit time is unknown (-1)';

  const submitTimeSeconds = values.submit;
  const cancelledBeforeStart = values.status === SWF_CANCELLED && (values.wait === UNKNOWN || values.run <= 0);
  const started = values.wait !== UNKNOWN && !cancelledBeforeStart;
  const startTimeSeconds = started ? submitTimeSeconds + values.wait : null;
  const requestedProcessors =
    values.requestedProcessors > 0
      ? values.requestedProcessors
      : values.allocatedProcessors > 0
        ? values.allocatedProcessors
        : 1;

  return {
    id: fields[0] as string,
    submitTimeSeconds,
    startTimeSeconds,
    censoredAtSeconds: started ? null : submitTimeSeconds + Math.max(values.wait, 0),
    endTimeSeconds: startTimeSeconds !== null && values.run !== UNKNOWN ? startTimeSeconds + values.run : null,
    requestedProcessors,
    requestedGpus: 0,
    requestedMemoryMb: values.requestedMemory > 0 ? (values.requestedMemory * requestedProcessors) / 1024 : null,
    requestedTimeSeconds: values.requestedTime > 0 ? values.requestedTime : null,
    user: unknownAsEmpty(fields[USER_COLUMN] as string),
    queue: unknownAsEmpty(fields[QUEUE_COLUMN] as string),
    qos: '',
    status: SWF_STATUS_NAMES[values.status] ?? `status-${values.status}`,
  };
}

function unknownAsEmpty(field: string): string {
  return Number(field) === UNKNOWN ? '' : field;
}

/** The scheduler-log formats the importers read. */
export const TRACE_FORMATS = {
  /** Standard Workload Format 2.2 (Parallel Workloads Archive). */
  swf: 'swf',
  /** Alibaba GPU cluster trace 2023 (`openb` pod list CSV). */
  alibabaGpu: 'alibaba-gpu',
  /** Slurm `sacct --parsable2` output. */
  sacct: 'sacct',
} as const;

export type TraceFormat = (typeof TRACE_FORMATS)[keyof typeof TRACE_FORMATS];

/**
 * One job of a real scheduler log, in one shape for every format. Times are seconds on the
 * trace's own clock: Unix epoch seconds for sacct, seconds from the trace start for SWF and
 * Alibaba (see {@link ImportResult.epochOffsetSeconds}).
 *
 * Invariants the importers guarantee (and `reconstructQueueState` checks):
 * `submitTimeSeconds ≤ startTimeSeconds ≤ endTimeSeconds` when present; exactly one of
 * `startTimeSeconds` and `censoredAtSeconds` is non-null for imported jobs.
 */
export interface TraceJob {
  id: string;
  submitTimeSeconds: number;
  /** null: the job never started in the log (censored, see `censoredAtSeconds`). */
  startTimeSeconds: number | null;
  /**
   * For a job that never started: the last instant it is known to have been pending (cancelled,
   * deleted, or the end of the log). Its wait is longer than `censoredAtSeconds − submitTimeSeconds`.
   * A live observer sees it leave the queue at this instant. null for started jobs.
   */
  censoredAtSeconds: number | null;
  /** null: still running at the end of the log, or run time unknown. */
  endTimeSeconds: number | null;
  /** CPUs (processors) requested; fractional for Kubernetes millicores. */
  requestedProcessors: number;
  /** GPUs requested; fractional for shared GPUs (Alibaba `gpu_milli`). 0 when the log has no GPUs. */
  requestedGpus: number;
  requestedMemoryMb: number | null;
  /** The user's run-time limit (wall time) in seconds; null when unknown or unlimited. */
  requestedTimeSeconds: number | null;
  /** '' when the log does not say. */
  user: string;
  /** Queue or partition; '' when the log does not say. */
  queue: string;
  /** QoS class; '' when the log does not say. */
  qos: string;
  /** The log's final state, lower-cased (`completed`, `failed`, `cancelled`, `pending`, `running`…). */
  status: string;
}

/** A line the importer did not turn into a job, with its 1-based line number in the file. */
export interface TraceLineNote {
  line: number;
  reason: string;
}

/** What an importer returns: the jobs plus an honest account of every line it did not use. */
export interface ImportResult {
  format: TraceFormat;
  /** Sorted by submit time; ties by job id (natural order: `9` before `10`), then file order. */
  jobs: TraceJob[];
  /** Lines that could not be read, each with why. Never silently dropped. */
  malformed: TraceLineNote[];
  /** Every line of the text, headers and blank lines included. */
  totalLines: number;
  /** Well-formed lines excluded on purpose (e.g. Slurm job steps), each with why. */
  skipped: TraceLineNote[];
  /**
   * Add this to a trace time to get Unix epoch seconds: 0 for sacct (already epoch), the SWF
   * `UnixStartTime` header when present; null when the log's absolute start is unknown
   * (Alibaba, SWF without the header).
   */
  epochOffsetSeconds: number | null;
  /**
   * The machine's size where the log declares it (SWF `MaxProcs`, else `MaxNodes`); absent when
   * the format never says. A null member means the log does not declare that resource.
   */
  capacity?: TraceCapacity;
}

/** How many processors and GPUs the machine has; null when unknown. */
export interface TraceCapacity {
  processors: number | null;
  gpus: number | null;
}

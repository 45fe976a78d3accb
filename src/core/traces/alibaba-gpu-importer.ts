import { InvalidInputError } from '../errors.ts';
import { finishImport, splitTraceLines } from './finish-import.ts';
import type { ImportResult, TraceJob, TraceLineNote } from './trace-job.ts';

/** Columns the importer needs, by header name. `gpu_spec` is optional. */
const REQUIRED_COLUMNS = [
  'name',
  'cpu_milli',
  'memory_mib',
  'num_gpu',
  'gpu_milli',
  'qos',
  'pod_phase',
  'creation_time',
  'deletion_time',
  'scheduled_time',
] as const;

type RequiredColumn = (typeof REQUIRED_COLUMNS)[number];

/** Kubernetes expresses CPU and GPU shares in thousandths. */
const MILLI_PER_UNIT = 1000;

/** Options for {@link importAlibabaGpu}. */
export interface AlibabaGpuImportOptions {
  /**
   * The instant (seconds from trace start) at which the log was taken; pods never scheduled nor
   * deleted are censored here. Default: the latest time in the file. Must not precede it.
   */
  traceEndSeconds?: number;
}

interface PodRow {
  line: number;
  job: TraceJob;
  deletionTimeSeconds: number | null;
}

/**
 * Reads the Alibaba GPU cluster trace 2023 pod list (`openb_pod_list*.csv`, clusterdata, research
 * use): a CSV header, then one pod per line; times are seconds from the trace start.
 *
 * Mapping: submit = `creation_time`, start = `scheduled_time`, end = `deletion_time`;
 * wait = scheduled − creation. `requestedGpus` = `num_gpu` × `gpu_milli` / 1000 (fractional for
 * shared GPUs); `requestedProcessors` = `cpu_milli` / 1000; `requestedMemoryMb` = `memory_mib`
 * (MiB, taken as MB); no run-time limit (null); no user (''); `queue` = `gpu_spec` (the GPU model
 * constraint, often empty); `qos` = `qos`; `status` = `pod_phase` lower-cased.
 *
 * A pod with no `scheduled_time` never started: it is censored, not dropped. It is censored at its
 * `deletion_time` when it has one (the pod was deleted while pending — in the 2023 `openb` file
 * all 897 pending pods were, after 0 s to 3.3 h), else at the trace end
 * ({@link AlibabaGpuImportOptions.traceEndSeconds}).
 *
 * Throws InvalidInputError when the header lacks a required column, for an empty file, a majority
 * of malformed lines, or no pods. Linear, plus the final O(n log n) sort.
 */
export function importAlibabaGpu(text: string, options: AlibabaGpuImportOptions = {}): ImportResult {
  const lines = splitTraceLines(text, 'alibaba-gpu');
  const headerIndex = lines.findIndex((line) => line.trim() !== '');
  const header = splitCsvLine((lines[headerIndex] as string).trim()).map((name) => name.trim());
  const columnOf = resolveColumns(header);

  const rows: PodRow[] = [];
  const malformed: TraceLineNote[] = [];
  let dataLines = 0;
  let latestTimeSeconds = Number.NEGATIVE_INFINITY;

  for (let index = headerIndex + 1; index < lines.length; index += 1) {
    const line = (lines[index] as string).trim();
    if (line === '') continue;
    dataLines += 1;
    const parsed = parsePodLine(splitCsvLine(line), header.length, columnOf);
    if (typeof parsed === 'string') {
      malformed.push({ line: index + 1, reason: parsed });
      continue;
    }
    rows.push({ ...parsed, line: index + 1 });
    const job = parsed.job;
    latestTimeSeconds = Math.max(
      latestTimeSeconds,
      job.submitTimeSeconds,
      job.startTimeSeconds ?? -Infinity,
      parsed.deletionTimeSeconds ?? -Infinity,
    );
  }

  const traceEndSeconds = resolveTraceEnd(options.traceEndSeconds, latestTimeSeconds);
  const jobs = rows.map(({ job, deletionTimeSeconds }) =>
    job.startTimeSeconds === null ? { ...job, censoredAtSeconds: deletionTimeSeconds ?? traceEndSeconds } : job,
  );

  return finishImport('alibaba-gpu', {
    jobs,
    malformed,
    skipped: [],
    totalLines: lines.length,
    dataLines,
    epochOffsetSeconds: null,
  });
}

function resolveColumns(header: readonly string[]): Record<RequiredColumn | 'gpu_spec', number> {
  const columnOf = {} as Record<RequiredColumn | 'gpu_spec', number>;
  for (const name of REQUIRED_COLUMNS) {
    const column = header.indexOf(name);
    if (column < 0) throw new InvalidInputError(`alibaba-gpu: header lacks column '${name}'`);
    columnOf[name] = column;
  }
  columnOf.gpu_spec = header.indexOf('gpu_spec');
  return columnOf;
}

function resolveTraceEnd(requested: number | undefined, latestTimeSeconds: number): number {
  if (requested === undefined) return latestTimeSeconds;
  if (!Number.isFinite(requested) || requested < latestTimeSeconds) {
    throw new InvalidInputError(
      `alibaba-gpu: traceEndSeconds ${requested} precedes the latest time in the file (${latestTimeSeconds})`,
    );
  }
  return requested;
}

function parsePodLine(
  fields: readonly string[],
  expectedCount: number,
  columnOf: Record<RequiredColumn | 'gpu_spec', number>,
): Omit<PodRow, 'line'> | string {
  if (fields.length !== expectedCount) return `expected ${expectedCount} fields, got ${fields.length}`;
  const field = (name: RequiredColumn): string => (fields[columnOf[name]] as string).trim();

  const name = field('name');
  if (name === '') return 'name is empty';
  const numbers: Partial<Record<RequiredColumn, number | null>> = {};
  for (const column of ['creation_time', 'cpu_milli', 'num_gpu', 'gpu_milli'] as const) {
    const value = readNumber(field(column));
    if (typeof value === 'string' || value === null) return `${column} ${value ?? 'is empty'}`;
    numbers[column] = value;
  }
  for (const column of ['scheduled_time', 'deletion_time', 'memory_mib'] as const) {
    const value = readNumber(field(column));
    if (typeof value === 'string') return `${column} ${value}`;
    numbers[column] = value;
  }
  const creation = numbers.creation_time as number;
  const scheduled = numbers.scheduled_time ?? null;
  const deletion = numbers.deletion_time ?? null;
  if (scheduled !== null && scheduled < creation)
    return `scheduled_time ${scheduled} precedes creation_time ${creation}`;
  const deletionFloor = scheduled ?? creation;
  if (deletion !== null && deletion < deletionFloor)
    return `deletion_time ${deletion} precedes ${scheduled === null ? 'creation' : 'scheduled'}_time ${deletionFloor}`;

  const memoryMib = numbers.memory_mib ?? null;
  return {
    deletionTimeSeconds: deletion,
    job: {
      id: name,
      submitTimeSeconds: creation,
      startTimeSeconds: scheduled,
      censoredAtSeconds: null,
      endTimeSeconds: scheduled === null ? null : deletion,
      requestedProcessors: (numbers.cpu_milli as number) / MILLI_PER_UNIT,
      requestedGpus: ((numbers.num_gpu as number) * (numbers.gpu_milli as number)) / MILLI_PER_UNIT,
      requestedMemoryMb: memoryMib,
      requestedTimeSeconds: null,
      user: '',
      queue: columnOf.gpu_spec < 0 ? '' : (fields[columnOf.gpu_spec] as string).trim(),
      qos: field('qos'),
      status: field('pod_phase').toLowerCase(),
    },
  };
}

/** '' → null; a finite non-negative number → it; otherwise the reason it is refused. */
function readNumber(raw: string): number | null | string {
  if (raw === '') return null;
  const value = Number(raw);
  if (!Number.isFinite(value)) return `is not a number: '${raw}'`;
  if (value < 0) return `is negative: ${raw}`;
  return value;
}

/**
 * Splits one CSV line (RFC 4180 quoting: `"a,b"` and `""` inside quotes). The trace has no
 * quotes today; this keeps a GPU-model list such as `"V100M16,V100M32"` in one field.
 */
function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  let inQuotes = false;
  for (let index = 0; index < line.length; index += 1) {
    const character = line[index] as string;
    if (inQuotes) {
      if (character !== '"') current += character;
      else if (line[index + 1] === '"') {
        current += '"';
        index += 1;
      } else inQuotes = false;
    } else if (character === '"') inQuotes = true;
    else if (character === ',') {
      fields.push(current);
      current = '';
    } else current += character;
  }
  fields.push(current);
  return fields;
}

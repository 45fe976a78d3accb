import { InvalidInputError } from '../errors.ts';

/** Words Slurm prints for a time that does not exist (yet). */
const NO_TIME_WORDS: ReadonlySet<string> = new Set(['', 'Unknown', 'None']);

/** Words Slurm prints for a run-time limit that is not a number. */
const NO_LIMIT_WORDS: ReadonlySet<string> = new Set(['', 'UNLIMITED', 'Partition_Limit', 'INVALID', 'NONE', 'None']);

const SECONDS_PER_MINUTE = 60;
const SECONDS_PER_HOUR = 3_600;
const SECONDS_PER_DAY = 86_400;

/** Slurm memory units, in MB per unit (Slurm's "M" is a mebibyte; binary multiples throughout). */
const MEGABYTES_PER_UNIT: Readonly<Record<string, number>> = {
  K: 1 / 1024,
  M: 1,
  G: 1024,
  T: 1024 ** 2,
  P: 1024 ** 3,
};

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;
const MEMORY = /^(\d+(?:\.\d+)?)([KMGTP]?)([cn]?)$/i;

/**
 * A Slurm timestamp `YYYY-MM-DDTHH:MM:SS` → Unix epoch seconds, reading the wall-clock time as
 * UTC. sacct prints the controller's local time without a zone; the importer cannot know it, so a
 * cluster off UTC is shifted by its offset (waits, which are differences, are unaffected except
 * across a daylight-saving change). `Unknown`, `None` and '' → null.
 * Throws InvalidInputError for any other text or an impossible date (month 13, 31 April…).
 */
export function parseSlurmTimestampSeconds(raw: string): number | null {
  if (NO_TIME_WORDS.has(raw)) return null;
  const match = TIMESTAMP.exec(raw);
  if (!match) throw new InvalidInputError(`timestamp not understood: '${raw}'`);
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const epochMs = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(epochMs);
  // Date.UTC rolls 31 April over to 1 May and hour 24 into the next day: a round trip exposes
  // impossible dates and hours; minutes and seconds roll within the day, so check them directly.
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || minute > 59 || second > 59) {
    throw new InvalidInputError(`timestamp is not a real date: '${raw}'`);
  }
  return epochMs / 1000;
}

/**
 * A Slurm time limit → seconds. Accepts every form `sbatch --time` and sacct use: `MM`, `MM:SS`,
 * `HH:MM:SS`, `D-HH`, `D-HH:MM`, `D-HH:MM:SS`. `UNLIMITED`, `Partition_Limit` and '' → null
 * (no numeric limit). Throws InvalidInputError for anything else.
 */
export function parseSlurmTimelimitSeconds(raw: string): number | null {
  if (NO_LIMIT_WORDS.has(raw)) return null;
  const dashIndex = raw.indexOf('-');
  const hasDays = dashIndex >= 0;
  const dayText = hasDays ? raw.slice(0, dashIndex) : '0';
  const clockParts = (hasDays ? raw.slice(dashIndex + 1) : raw).split(':');
  if (!/^\d+$/.test(dayText) || clockParts.length > 3 || !clockParts.every((part) => /^\d+$/.test(part))) {
    throw new InvalidInputError(`time limit not understood: '${raw}'`);
  }
  const days = Number(dayText);
  const numbers = clockParts.map(Number);
  // Without days the first field is minutes (MM, MM:SS) unless there are three (HH:MM:SS);
  // with days it is hours (D-HH, D-HH:MM, D-HH:MM:SS).
  const unitSeconds = hasDays
    ? [SECONDS_PER_HOUR, SECONDS_PER_MINUTE, 1]
    : clockParts.length === 3
      ? [SECONDS_PER_HOUR, SECONDS_PER_MINUTE, 1]
      : [SECONDS_PER_MINUTE, 1];
  let seconds = days * SECONDS_PER_DAY;
  numbers.forEach((value, index) => {
    seconds += value * (unitSeconds[index] as number);
  });
  return seconds;
}

/**
 * Slurm `ReqMem` → total megabytes for the job. Forms: `4000M`, `16G`, `512K`, `1T`, a bare number
 * (MB, Slurm's default unit), and the older per-resource suffixes `4000Mc` (per CPU: × `cpus`) and
 * `4000Mn` (per node: × `nodes`). `0` (Slurm's "all the node's memory") and '' → null: the amount
 * is not stated. Throws InvalidInputError for anything else.
 */
export function parseSlurmMemoryMb(raw: string, cpus: number, nodes: number): number | null {
  if (raw === '') return null;
  const match = MEMORY.exec(raw);
  if (!match) throw new InvalidInputError(`memory not understood: '${raw}'`);
  const amount = Number(match[1]);
  if (amount === 0) return null;
  const unit = (match[2] as string).toUpperCase() || 'M';
  const per = (match[3] as string).toLowerCase();
  const multiplier = per === 'c' ? cpus : per === 'n' ? nodes : 1;
  return amount * (MEGABYTES_PER_UNIT[unit] as number) * multiplier;
}

/** What a job asked for, read from its `ReqTRES`. */
export interface SlurmTres {
  cpus: number | null;
  memoryMb: number | null;
  nodes: number | null;
  /** 0 when no GPU is requested. */
  gpus: number;
}

/** What Slurm prints for "no generic resources". */
const NO_GRES_WORDS: ReadonlySet<string> = new Set(['', '(null)', 'N/A', 'None', '(none)']);

/** Count suffixes of gres counts: binary multiples (sbatch(1) `--gres`). */
const GRES_COUNT_MULTIPLIER: Readonly<Record<string, number>> = {
  '': 1,
  K: 1024,
  M: 1024 ** 2,
  G: 1024 ** 3,
  T: 1024 ** 4,
  P: 1024 ** 5,
};

const GRES_COUNT = /^(\d+)([KMGTP]?)$/i;
/** `[gres:|gres/]name[:type][:count]`, optionally followed by Slurm's `(S:0-1)` / `(IDX:0-3)` detail. */
const GRES_ENTRY = /^(?:gres[:/])?([A-Za-z][\w.-]*)((?::[\w.-]+){0,2})(?:\([^)]*\))?$/;

/** One GPU entry of a TRES/gres list: how many, and whether it names a GPU type. */
interface GpuEntry {
  readonly gpus: number;
  readonly typed: boolean;
}

/**
 * One item of a TRES or gres list → its GPUs, or null when it is not a GPU item. Two syntaxes:
 * TRES `gres/gpu=N`, `gres/gpu:TYPE=N` (sacct ReqTRES/AllocTRES, slurmrestd `tres_*`), and gres
 * `name[:type][:count]` with an optional `gres:` or `gres/` prefix (sbatch `--gres`, squeue
 * `tres-per-node`, scontrol `TresPerNode`/node `Gres`: `gres:gpu:3`, `gres:gpu:a100:2`,
 * `gpu:a100:4(S:0-1)`, `gpu` = 1). Throws InvalidInputError for a malformed item.
 */
function gpuEntry(item: string): GpuEntry | null {
  const equalsIndex = item.indexOf('=');
  if (equalsIndex >= 0) {
    const key = item.slice(0, equalsIndex);
    if (key !== 'gres/gpu' && !key.startsWith('gres/gpu:')) return null;
    return { gpus: readGresCount(item, item.slice(equalsIndex + 1)), typed: key !== 'gres/gpu' };
  }
  const match = GRES_ENTRY.exec(item);
  if (!match) throw new InvalidInputError(`gres item not understood: '${item}'`);
  if (match[1] !== 'gpu') return null;
  const rest = (match[2] as string).split(':').slice(1);
  // name:count, name:type, name:type:count — a last part that is a count is the count.
  const last = rest[rest.length - 1];
  const hasCount = last !== undefined && GRES_COUNT.test(last);
  if (rest.length === 2 && !hasCount) throw new InvalidInputError(`gres count not understood: '${item}'`);
  return {
    gpus: hasCount ? readGresCount(item, last) : 1,
    typed: rest.length === 2 || (rest.length === 1 && !hasCount),
  };
}

function readGresCount(item: string, value: string): number {
  const match = GRES_COUNT.exec(value);
  if (!match) throw new InvalidInputError(`gres count not understood: '${item}'`);
  return Number(match[1]) * (GRES_COUNT_MULTIPLIER[(match[2] as string).toUpperCase()] as number);
}

/**
 * GPUs in a Slurm TRES or gres list (comma-separated; other resources ignored), in either syntax
 * (see the Slurm docs: https://slurm.schedmd.com/gres.html and sbatch(1) `--gres`):
 * `billing=8,cpu=8,gres/gpu:a100=2,gres/gpu=2,mem=64G` → 2, `gres:gpu:3` → 3,
 * `gres:gpu:a100:1,gres:gpu:v100:2` → 3, `gpu:tesla:2(S:0-1)` → 2, `gres:gpu` → 1.
 * Generic entries (no type) are the total; typed entries are summed only when no generic entry
 * exists — Slurm lists both the total and its typed breakdown, so adding them would double-count.
 * '', `(null)`, `N/A`, `None` → 0. Throws InvalidInputError for a malformed item or count.
 */
export function parseSlurmGpuCount(raw: string): number {
  const text = raw.trim();
  if (NO_GRES_WORDS.has(text)) return 0;
  let genericGpus: number | null = null;
  let typedGpus = 0;
  for (const item of text.split(',')) {
    const entry = gpuEntry(item.trim());
    if (entry === null) continue;
    if (entry.typed) typedGpus += entry.gpus;
    else genericGpus = (genericGpus ?? 0) + entry.gpus;
  }
  return genericGpus ?? typedGpus;
}

/**
 * Slurm `ReqTRES` (e.g. `billing=8,cpu=8,gres/gpu:a100=2,mem=64G,node=1`) → the request.
 * GPUs by {@link parseSlurmGpuCount} (so a gres-syntax item such as `gres:gpu:3` is read too).
 * Unknown keys (billing, license/…, other gres) are ignored. Throws InvalidInputError for an item
 * that is neither `key=value` nor a gres entry, or a cpu/node/gpu count that is not a
 * non-negative number.
 */
export function parseSlurmTres(raw: string): SlurmTres {
  const tres: SlurmTres = { cpus: null, memoryMb: null, nodes: null, gpus: 0 };
  if (raw === '') return tres;
  for (const item of raw.split(',')) {
    const equalsIndex = item.indexOf('=');
    if (equalsIndex === 0) throw new InvalidInputError(`TRES item not understood: '${item}'`);
    // Items without '=' are gres entries: parseSlurmGpuCount checks them.
    if (equalsIndex < 0) continue;
    const key = item.slice(0, equalsIndex);
    const value = item.slice(equalsIndex + 1);
    if (key === 'mem') tres.memoryMb = parseSlurmMemoryMb(value, 1, 1);
    else if (key === 'cpu') tres.cpus = readCount(item, value);
    else if (key === 'node') tres.nodes = readCount(item, value);
  }
  tres.gpus = parseSlurmGpuCount(raw);
  return tres;
}

function readCount(item: string, value: string): number {
  const count = Number(value);
  if (value === '' || !Number.isFinite(count) || count < 0)
    throw new InvalidInputError(`TRES count not understood: '${item}'`);
  return count;
}

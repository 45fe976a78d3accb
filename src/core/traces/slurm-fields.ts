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
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
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

/**
 * Slurm `ReqTRES` (e.g. `billing=8,cpu=8,gres/gpu:a100=2,mem=64G,node=1`) → the request.
 * GPUs: a generic `gres/gpu=N` is the total; typed entries `gres/gpu:TYPE=N` are summed only when
 * no generic entry exists (Slurm lists both for a typed request, so adding them would double-count).
 * Unknown keys (billing, license/…, other gres) are ignored. Throws InvalidInputError for an item
 * that is not `key=value` or a cpu/node/gpu count that is not a non-negative number.
 */
export function parseSlurmTres(raw: string): SlurmTres {
  const tres: SlurmTres = { cpus: null, memoryMb: null, nodes: null, gpus: 0 };
  if (raw === '') return tres;
  let genericGpus: number | null = null;
  let typedGpus = 0;
  for (const item of raw.split(',')) {
    const equalsIndex = item.indexOf('=');
    if (equalsIndex <= 0) throw new InvalidInputError(`TRES item not understood: '${item}'`);
    const key = item.slice(0, equalsIndex);
    const value = item.slice(equalsIndex + 1);
    if (key === 'mem') tres.memoryMb = parseSlurmMemoryMb(value, 1, 1);
    else if (key === 'cpu') tres.cpus = readCount(item, value);
    else if (key === 'node') tres.nodes = readCount(item, value);
    else if (key === 'gres/gpu') genericGpus = readCount(item, value);
    else if (key.startsWith('gres/gpu:')) typedGpus += readCount(item, value);
  }
  tres.gpus = genericGpus ?? typedGpus;
  return tres;
}

function readCount(item: string, value: string): number {
  const count = Number(value);
  if (value === '' || !Number.isFinite(count) || count < 0) throw new InvalidInputError(`TRES count not understood: '${item}'`);
  return count;
}

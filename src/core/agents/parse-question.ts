/**
 * Reads a job, a cluster and what is asked out of a natural question, e.g.
 * "when will my 4-GPU job start on slurm-hpc?", "/vgac when will my 4×A100 job start on
 * slurm-hpc?", "status of eks-prod", "why?", and when the job should start by ("before 17:00",
 * "by 5pm tomorrow", "within 2 hours", "in 30 min"). Only what is stated is read; nothing is
 * guessed but the GPU count (1 when unstated).
 */
import { InvalidInputError } from '../errors.ts';

/**
 * What a question asks: when a job starts, how a cluster is doing, why the last answer — or none
 * of these (`unknown`: "what is the meaning of life", "hello"), which the Copilot says it did not
 * understand rather than guess.
 */
export const QuestionIntent = { wait: 'wait', status: 'status', why: 'why', unknown: 'unknown' } as const;
export type QuestionIntent = (typeof QuestionIntent)[keyof typeof QuestionIntent];

export interface ParsedQuestion {
  /**
   * The first cluster candidate, or null when the question names none. A candidate is only a word
   * in the right place ("what is the meaning of life" → "life"): callers match candidates against
   * the registered clusters and never use one that is not registered.
   */
  readonly clusterId: string | null;
  /**
   * Every word that follows `on`, `in`, `at`, `for` or `of` (and may name a cluster), in order:
   * "…waiting in the queue on slurm-hpc" → [queue, slurm-hpc]. The caller picks the first one it
   * knows as a cluster.
   */
  readonly clusterCandidates: readonly string[];
  readonly gpus: number;
  /** True when the question states a GPU count (else `gpus` is the default 1). */
  readonly gpusStated: boolean;
  readonly gpuType: string | null;
  readonly intent: QuestionIntent;
  /** Wants deeper reasoning: "why", "explain", "compare" (→ the complex model). */
  readonly complex: boolean;
  /** When the job should have started by, as stated ("before 17:00", "within 2 hours"); null when the question sets no time. */
  readonly startBy?: StartByPhrase | null;
}

/**
 * A deadline as the question states it: a time of day (the next one: today, or tomorrow when it
 * is past; `tomorrow` when the question says so), or a horizon from now. `text` is the phrase as
 * an answer repeats it ("by 17:00", "within 2 hours").
 */
export type StartByPhrase =
  | {
      readonly kind: 'clock';
      readonly hour: number;
      readonly minute: number;
      readonly tomorrow: boolean;
      readonly text: string;
    }
  | { readonly kind: 'within'; readonly seconds: number; readonly text: string };

/** Seconds per unit word of a "within N <unit>" phrase. */
const UNIT_SECONDS: readonly (readonly [RegExp, number])[] = [
  [/^(?:s|secs?|seconds?)$/i, 1],
  [/^(?:m|mins?|minutes?)$/i, 60],
  [/^(?:h|hrs?|hours?)$/i, 3600],
  [/^(?:d|days?)$/i, 86_400],
];

const DAY_MS = 86_400_000;

/** Longest horizon a question may state: a year (a longer one is a typo, not a queue question). */
const MAX_HORIZON_SECONDS = 366 * 86_400;

/** "before 17:00", "by 5pm", "until 5:30 pm tomorrow", "at 09:15": a colon or am/pm makes the number a time. */
const CLOCK_PHRASE =
  /\b(before|by|until|till|at)\s+(\d{1,2})(?::(\d{2})\s*(am|pm)?|\s*(am|pm))(?=\W|$)(\s+(?:today|tomorrow))?/i;
/** "within 2 hours", "in 30 min", "in the next 1.5 h", "within an hour". */
const WITHIN_PHRASE = /\b(within|in)\s+(?:the\s+next\s+)?(\d+(?:\.\d+)?|an?|one)\s*([a-z]+)\b/gi;

/**
 * The deadline a question states, or null.
 *
 * @throws InvalidInputError for a time that is not a time of day ("by 25:00", "at 13pm") or a horizon over a year
 */
export function parseStartBy(text: string): StartByPhrase | null {
  const clock = CLOCK_PHRASE.exec(text);
  if (clock !== null) {
    const [, word, hourText, minuteText, colonMeridiem, bareMeridiem, day] = clock as unknown as [
      string,
      string,
      string,
      string | undefined,
      string | undefined,
      string | undefined,
      string | undefined,
    ];
    const meridiem = (colonMeridiem ?? bareMeridiem)?.toLowerCase();
    const minute = minuteText === undefined ? 0 : Number(minuteText);
    let hour = Number(hourText);
    const stated = clock[0].slice(word.length).trim();
    if (minute > 59 || (meridiem === undefined ? hour > 23 : hour < 1 || hour > 12))
      throw new InvalidInputError(`'${stated}' is not a time of day`);
    if (meridiem !== undefined) hour = (hour % 12) + (meridiem === 'pm' ? 12 : 0);
    return {
      kind: 'clock',
      hour,
      minute,
      tomorrow: /tomorrow/i.test(day ?? ''),
      text: `${word.toLowerCase() === 'at' ? 'by' : word.toLowerCase()} ${stated}`,
    };
  }
  // "in a queue" is no horizon: the first "within/in N <unit>" whose unit is one.
  for (const within of text.matchAll(WITHIN_PHRASE)) {
    const [phrase, , amountText, unitText] = within as unknown as [string, string, string, string];
    const unit = UNIT_SECONDS.find(([pattern]) => pattern.test(unitText));
    if (unit === undefined) continue;
    const amount = /^(?:an?|one)$/i.test(amountText) ? 1 : Number(amountText);
    const seconds = amount * unit[1];
    if (seconds > MAX_HORIZON_SECONDS) throw new InvalidInputError(`'${phrase}' is more than a year away`);
    return { kind: 'within', seconds, text: phrase.toLowerCase() };
  }
  return null;
}

/**
 * Seconds from `nowMs` to the deadline `phrase` states, for a person whose clock is
 * `utcOffsetMinutes` ahead of UTC (e.g. 60 for CET): a time of day is the next one at or after
 * now (today, else tomorrow), or tomorrow's when stated. Always ≥ 0; the resolved time as epoch ms.
 */
export function resolveStartBy(
  phrase: StartByPhrase,
  nowMs: number,
  utcOffsetMinutes = 0,
): { readonly seconds: number; readonly atMs: number } {
  if (phrase.kind === 'within') return { seconds: phrase.seconds, atMs: nowMs + phrase.seconds * 1000 };
  const offsetMs = utcOffsetMinutes * 60_000;
  const localNowMs = nowMs + offsetMs;
  const localMidnightMs = localNowMs - (((localNowMs % DAY_MS) + DAY_MS) % DAY_MS);
  let atMs = localMidnightMs + (phrase.hour * 60 + phrase.minute) * 60_000 - offsetMs;
  if (phrase.tomorrow || atMs < nowMs) atMs += DAY_MS;
  return { seconds: (atMs - nowMs) / 1000, atMs };
}

const GPU_TYPES = ['A100', 'H100', 'H200', 'V100', 'A10G', 'L4', 'L40S', 'T4', 'MI250', 'MI300'];
const MAX_GPUS = 4096;
/** Words after a preposition that never name a cluster. */
const NOT_A_CLUSTER =
  /^(my|the|a|an|it|this|that|our|your|queue|cluster|job|jobs|gpus?|now|today|tomorrow|\d+(?::\d+)?(?:am|pm)?)$/i;

/**
 * Words that make a question a wait question ("when will my job start", "how long will it wait",
 * "where is my job in the queue"); a stated GPU count or type does too.
 */
const WAIT_WORDS =
  /\b(when|start|starts|started|starting|begin|begins|run|runs|running|wait|waits|waiting|long|eta|pending|queued?|scheduled?|jobs?|sooner|soon)\b/i;

/** Parses `question`; throws InvalidInputError for an empty question or an absurd GPU count. */
export function parseQuestion(question: string): ParsedQuestion {
  const text = question.trim();
  if (text === '') throw new InvalidInputError('empty question');
  const clusterCandidates = [
    ...text.matchAll(/\b(?:on|in|at|for|of)\s+(?:cluster\s+)?([A-Za-z0-9][A-Za-z0-9._:-]{0,127}?)[?.!,]*(?=\s|$)/gi),
  ]
    .map((match) => match[1] as string)
    .filter((candidate) => !NOT_A_CLUSTER.test(candidate));
  const typePattern = GPU_TYPES.join('|');
  // "4xA100" names the type right after the count ("x" and "A" leave no word boundary between them).
  const countWithType = new RegExp(`(\\d+)\\s*(?:x|×|\\*)?\\s*-?\\s*(${typePattern})\\b`, 'i').exec(text);
  const countMatch = countWithType ?? /(\d+)\s*-?\s*gpus?\b/i.exec(text);
  const typeAlone = new RegExp(`\\b(${typePattern})\\b`, 'i').exec(text);
  const gpus = countMatch === null ? 1 : Number(countMatch[1]);
  if (!Number.isInteger(gpus) || gpus < 1 || gpus > MAX_GPUS) {
    // Without a matched count gpus is 1, which is valid: only a matched count gets here.
    throw new InvalidInputError(`GPU count ${(countMatch as RegExpExecArray)[1]} is not in 1..${MAX_GPUS}`);
  }
  const intent: QuestionIntent = /^\s*(?:\/vgac\s+)?why\b/i.test(text)
    ? QuestionIntent.why
    : /\b(status|health|how is|how's|how are)\b/i.test(text) && !/\bwhen\b/i.test(text)
      ? QuestionIntent.status
      : countMatch !== null || typeAlone !== null || WAIT_WORDS.test(text)
        ? QuestionIntent.wait
        : QuestionIntent.unknown;
  return {
    clusterId: clusterCandidates[0] ?? null,
    clusterCandidates,
    gpus,
    gpusStated: countMatch !== null,
    gpuType: (countWithType?.[2] ?? typeAlone?.[1])?.toUpperCase() ?? null,
    intent,
    complex: /\b(why|explain|compare|reason)\b/i.test(text),
    startBy: parseStartBy(text),
  };
}

/**
 * Reads a job, a cluster and what is asked out of a natural question, e.g.
 * "when will my 4-GPU job start on slurm-hpc?", "/vgac when will my 4×A100 job start on
 * slurm-hpc?", "status of eks-prod", "why?". Only what is stated is read; nothing is guessed but
 * the GPU count (1 when unstated).
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
}

const GPU_TYPES = ['A100', 'H100', 'H200', 'V100', 'A10G', 'L4', 'L40S', 'T4', 'MI250', 'MI300'];
const MAX_GPUS = 4096;
/** Words after a preposition that never name a cluster. */
const NOT_A_CLUSTER = /^(my|the|a|an|it|this|that|our|your|queue|cluster|job|jobs|gpus?|now|today)$/i;

/**
 * Words that make a question a wait question ("when will my job start", "how long will it wait",
 * "where is my job in the queue"); a stated GPU count or type does too.
 */
const WAIT_WORDS = /\b(when|start|starts|started|starting|begin|begins|run|runs|running|wait|waits|waiting|long|eta|pending|queued?|scheduled?|jobs?|sooner|soon)\b/i;

/** Parses `question`; throws InvalidInputError for an empty question or an absurd GPU count. */
export function parseQuestion(question: string): ParsedQuestion {
  const text = question.trim();
  if (text === '') throw new InvalidInputError('empty question');
  const clusterCandidates = [...text.matchAll(/\b(?:on|in|at|for|of)\s+(?:cluster\s+)?([A-Za-z0-9][A-Za-z0-9._:-]{0,127}?)[?.!,]*(?=\s|$)/gi)]
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
  };
}

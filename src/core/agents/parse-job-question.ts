/**
 * Reads a question about a job already submitted: "when will 12345 start?", "why is 12345
 * pending?", "notify me when 12345 starts", "what if 12345", "how can job 12345 start sooner?".
 * Returns null when the question names no job id, so the Copilot's other questions ("when will my
 * 4-GPU job start on slurm-hpc?") keep their own parser. Pure.
 */

/** What is asked about the job. */
export const JobQuestionIntent = {
  when: 'job_when',
  why: 'job_why',
  notify: 'job_notify',
  whatIf: 'job_what_if',
} as const;
export type JobQuestionIntent = (typeof JobQuestionIntent)[keyof typeof JobQuestionIntent];

export interface JobQuestion {
  readonly intent: JobQuestionIntent;
  /** The scheduler's job id as written (`12345`, or an array task `12345_7`). */
  readonly jobId: string;
  /** Words after `on`/`in`/`at`/`for`/`of` that may name a cluster, in order (the caller keeps the first it knows). */
  readonly clusterCandidates: readonly string[];
}

/**
 * A job id: digits (an array task `_N` allowed), alone as a word, and not a count of something —
 * not followed by a unit (4 GPUs, 2 hours, 3 nodes, 2xA100), which makes it a request.
 */
const JOB_ID =
  /(?<![\w.-])#?(\d{1,18}(?:_\d{1,9})?)(?![\w.-])(?!\s*(?:-|x|×|\*)?\s*(?:gpus?|cpus?|cores?|nodes?|gb|tb|mb|a100|h100|h200|v100|a10g|l4|l40s|t4|mi250|mi300|h|hours?|hrs?|min(?:ute)?s?|m|s|sec(?:ond)?s?|days?)\b|\s*%)/i;
const NOT_A_CLUSTER = /^(my|the|a|an|it|this|that|our|your|queue|cluster|job|jobs|gpus?|now|today|me|\d+(?:_\d+)?)$/i;

/** The first job id in `text` (see {@link JOB_ID}), or null. */
function jobIdOf(text: string): string | null {
  return JOB_ID.exec(text)?.[1] ?? null;
}

/** The job question in `text`, or null when it names no job id. Never throws. */
export function parseJobQuestion(text: string): JobQuestion | null {
  const jobId = jobIdOf(text);
  if (jobId === null) return null;
  const clusterCandidates = [
    ...text.matchAll(/\b(?:on|in|at|for|of)\s+(?:cluster\s+)?([A-Za-z0-9][A-Za-z0-9._:-]{0,127}?)[?.!,]*(?=\s|$)/gi),
  ]
    .map((match) => match[1] as string)
    .filter((candidate) => !NOT_A_CLUSTER.test(candidate));
  const intent = /\b(?:notify|tell|ping|alert|dm|message)\s+me\b|\blet\s+me\s+know\b|\bsubscribe\b/i.test(text)
    ? JobQuestionIntent.notify
    : /\bwhat\s*-?\s*if\b|\b(?:sooner|earlier|faster|quicker)\b/i.test(text)
      ? JobQuestionIntent.whatIf
      : /\bwhy\b/i.test(text)
        ? JobQuestionIntent.why
        : JobQuestionIntent.when;
  return { intent, jobId, clusterCandidates };
}

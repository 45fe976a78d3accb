/**
 * Reads a job and a cluster out of a natural question, e.g.
 * "when will my 4-GPU job start on slurm-hpc?" or "/vgac when will my 4×A100 job start on
 * slurm-hpc?". Only what is stated is read; nothing is guessed but the GPU count (1 when unstated).
 */
import { InvalidInputError } from '../errors.ts';

export interface ParsedQuestion {
  readonly clusterId: string | null;
  readonly gpus: number;
  readonly gpuType: string | null;
  /** Wants deeper reasoning: "why", "explain", "compare" (→ the complex model). */
  readonly complex: boolean;
}

const GPU_TYPES = ['A100', 'H100', 'H200', 'V100', 'A10G', 'L4', 'L40S', 'T4', 'MI250', 'MI300'];
const MAX_GPUS = 4096;

/** Parses `question`; throws InvalidInputError for an empty question or an absurd GPU count. */
export function parseQuestion(question: string): ParsedQuestion {
  const text = question.trim();
  if (text === '') throw new InvalidInputError('empty question');
  const clusterMatch = /\b(?:on|in|at|for|of)\s+(?:cluster\s+)?([A-Za-z0-9][A-Za-z0-9._:-]{0,127}?)[?.!,]*(?:\s|$)/i.exec(text);
  const typePattern = GPU_TYPES.join('|');
  const countMatch =
    new RegExp(`(\\d+)\\s*(?:x|×|\\*)?\\s*-?\\s*(?:${typePattern})\\b`, 'i').exec(text) ?? /(\d+)\s*-?\s*gpus?\b/i.exec(text);
  const typeMatch = new RegExp(`\\b(${typePattern})\\b`, 'i').exec(text);
  const gpus = countMatch === null ? 1 : Number(countMatch[1]);
  if (!Number.isInteger(gpus) || gpus < 1 || gpus > MAX_GPUS) {
    // Without a matched count gpus is 1, which is valid: only a matched count gets here.
    throw new InvalidInputError(`GPU count ${(countMatch as RegExpExecArray)[1]} is not in 1..${MAX_GPUS}`);
  }
  const candidate = clusterMatch?.[1] ?? null;
  const clusterId = candidate === null || /^(my|the|a|it|this)$/i.test(candidate) ? null : candidate;
  return {
    clusterId,
    gpus,
    gpuType: typeMatch?.[1]?.toUpperCase() ?? null,
    complex: /\b(why|explain|compare|reason)\b/i.test(text),
  };
}

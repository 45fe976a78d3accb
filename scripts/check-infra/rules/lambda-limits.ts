/**
 * Rules lambda-memory and lambda-timeout.
 * - MemorySize above 256 MB (the seed's "start small") needs a recorded reason:
 *   `Metadata: { MemoryReason: "…" }` on the function. A MemorySize the check cannot read
 *   (an intrinsic) also needs one. Unset means Lambda's default, 128 MB.
 * - Every function has a Timeout, its own or from SAM Globals (Lambda's default, 3 s, is never
 *   what anyone meant; an explicit value bounds the cost of a hang).
 */
import { RuleId, type Violation } from '../violation.ts';
import { functionsOf, literalNumber, type Json } from '../template-model.ts';

/** Largest MemorySize, MB, allowed without a recorded reason. */
export const MEMORY_WITHOUT_REASON_MB = 256;

export function checkLambdaMemory(template: Json): Violation[] {
  return functionsOf(template).flatMap((fn) => {
    const memory = fn.effective.MemorySize;
    if (memory === undefined) return [];
    const reason = fn.metadata.MemoryReason;
    if (typeof reason === 'string' && reason.trim().length > 0) return [];
    const megabytes = literalNumber(memory);
    if (megabytes === undefined) {
      return [
        {
          rule: RuleId.lambdaMemory,
          logicalId: fn.logicalId,
          reason: 'MemorySize is not a literal number; record why in Metadata.MemoryReason',
        },
      ];
    }
    return megabytes > MEMORY_WITHOUT_REASON_MB
      ? [
          {
            rule: RuleId.lambdaMemory,
            logicalId: fn.logicalId,
            reason: `MemorySize ${megabytes} MB exceeds ${MEMORY_WITHOUT_REASON_MB} MB without Metadata.MemoryReason`,
          },
        ]
      : [];
  });
}

export function checkLambdaTimeout(template: Json): Violation[] {
  return functionsOf(template).flatMap((fn) =>
    fn.effective.Timeout === undefined
      ? [
          {
            rule: RuleId.lambdaTimeout,
            logicalId: fn.logicalId,
            reason: 'no Timeout on the function or in Globals.Function',
          },
        ]
      : [],
  );
}

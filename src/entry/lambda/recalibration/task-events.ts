/**
 * The Step Functions task contracts of the recalibration workflow (template.yaml), as zod
 * schemas. CheckDrift gets `{}` (or the EventBridge scheduled event that started the run);
 * Recalibrate and UpdateProfile get one cluster item of CheckDrift's output, with earlier
 * results under `recalibration` / `profile`; Notify gets the item, or a failure
 * `{clusterId?, failure: true, stage, error: {Error, Cause}}`.
 */
import * as z from 'zod';
import { InvalidInputError } from '../../../core/errors.ts';

const clusterId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'a cluster id');
const nullableText = z.string().nullable().optional();

/** CheckDrift's input: anything object-shaped; an EventBridge event's `id` becomes the correlation id. */
export const CheckDriftInput = z.looseObject({ id: z.string().optional() });

export const ClusterItem = z.looseObject({
  clusterId,
  recalibrate: z.boolean().optional(),
  notify: z.boolean().optional(),
  refit: z.enum(['retrain', 'checkpoint']).optional(),
  ece: z.number().nullable().optional(),
  previousScope: nullableText,
  scope: nullableText,
  driftStatus: nullableText,
  reasons: z.array(z.string()).optional(),
  error: z.string().optional(),
  recalibration: z
    .looseObject({
      status: z.string(),
      steps: z.array(z.string()).optional(),
      bundleVersion: z.number().nullable().optional(),
      scope: z.string().nullable().optional(),
      reasons: z.array(z.string()).optional(),
    })
    .optional(),
  profile: z
    .looseObject({
      typicalWaitSeconds: z.number().nullable(),
      longWaitThresholdSeconds: z.number().nullable(),
    })
    .optional(),
});
export type ClusterItem = z.infer<typeof ClusterItem>;

export const FailureItem = z.looseObject({
  clusterId: clusterId.optional(),
  failure: z.literal(true),
  stage: z.string().min(1),
  error: z.looseObject({ Error: z.string().default('Unknown'), Cause: z.string().default('') }),
});
export type FailureItem = z.infer<typeof FailureItem>;

export const NotifyInput = z.union([FailureItem, ClusterItem]);

/** Parses a task input; a mismatch is an InvalidInputError naming the bad fields (never their values). */
export function parseTaskInput<T>(schema: z.ZodType<T>, input: unknown, task: string): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`)
      .join('; ');
    throw new InvalidInputError(`${task} input is not valid — ${problems}`);
  }
  return parsed.data;
}

/**
 * What an agent invocation accepts (AgentCore `POST /invocations`, the Lambda handler, the CLI):
 * either a person's question `{ "prompt": "when will my 4-GPU job start on slurm-hpc?" }` or a
 * structured request `{ "cluster_id", "job": { "gpus", "gpu_type"?, … }, "job_id"?, "complex"? }`.
 * Field names are snake_case, as on every route of ours; the camelCase names this route took
 * before (`clusterId`, `jobId`, `gpuType`…) are still accepted, and problems are named in
 * snake_case.
 *
 * `complex` (→ the dearer complex model and tools) is honoured only from a trusted caller: one
 * that presented the API key, a direct (IAM-authorised) Lambda invocation, or the local CLI. From
 * anyone else it is ignored and complexity is decided server-side: a prompt is complex when its
 * words ask for reasons ("why", "explain", "compare" — `parseQuestion`); a structured request is not.
 * Schemas are built on first use (`z.lazy`): building zod schemas costs CPU, and a Lambda cold start
 * should pay only for those its first request reads.
 */
import * as z from 'zod';
import { parseQuestion, QuestionIntent } from '../../core/agents/parse-question.ts';
import { InvalidRequestError } from '../errors.ts';
import { snakeCaseKey, toCamelCaseKeys } from '../http/json-case.ts';
import type { JobSpec } from '../records/queue.ts';
import type { ObservePredictDecideRequest } from './observe-predict-decide.ts';

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'an id: letters, digits, . _ : - (≤ 128)');

export const JobSpecSchema = z.lazy(() =>
  z.strictObject({
    gpus: z.number().int().min(1).max(4096),
    cpuMillicores: z.number().int().min(0).optional(),
    memoryGb: z.number().min(0).optional(),
    priority: z.number().int().min(0).optional(),
    namespace: z.string().max(128).optional(),
    queue: z.string().max(128).optional(),
    estimatedDurationMinutes: z.number().min(0).optional(),
    isDistributed: z.boolean().optional(),
    gpuType: z.string().max(32).optional(),
    jobType: z.string().max(64).optional(),
  }),
);

export const PromptRequestSchema = z.lazy(() =>
  z.strictObject({
    prompt: z.string().min(1).max(2000),
    clusterId: id.optional(),
    complex: z.boolean().optional(),
  }),
);
export const StructuredRequestSchema = z.lazy(() =>
  z.strictObject({
    clusterId: id,
    job: JobSpecSchema,
    jobId: id.optional(),
    question: z.string().max(2000).optional(),
    complex: z.boolean().optional(),
  }),
);
export type InvocationRequest = z.infer<typeof PromptRequestSchema> | z.infer<typeof StructuredRequestSchema>;

/** The schema a body is checked against: a body with `prompt` is a question, any other a structured request (so issues name the exact field). */
function schemaFor(body: unknown): typeof PromptRequestSchema | typeof StructuredRequestSchema {
  return typeof body === 'object' && body !== null && 'prompt' in body ? PromptRequestSchema : StructuredRequestSchema;
}

export interface DecisionRequestContext {
  readonly nowMs: number;
  readonly defaultClusterId?: string;
  readonly correlationId?: string;
  /** The caller is authenticated (API key, IAM, local CLI): its `complex` flag is honoured. Default false. */
  readonly trustComplex?: boolean;
}

/**
 * Validates `body` and turns it into an observe→predict→decide request. A prompt names its
 * cluster in words ("on slurm-hpc"), else `clusterId`, else `defaultClusterId`. The body's
 * `complex` counts only when `context.trustComplex` is true (see the file comment).
 *
 * @throws InvalidRequestError listing every problem (wrong shape, no cluster, bad GPU count).
 */
export function toDecisionRequest(rawBody: unknown, context: DecisionRequestContext): ObservePredictDecideRequest {
  const body = toCamelCaseKeys(rawBody);
  const parsed = schemaFor(body).safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      path: issue.path.map((part) => snakeCaseKey(String(part))).join('.'),
      // An unknown field is named as zod found it (camelCase): name it as the caller would write it.
      message:
        issue.code === 'unrecognized_keys'
          ? `unknown field(s): ${issue.keys.map(snakeCaseKey).join(', ')}`
          : issue.message,
    }));
    throw new InvalidRequestError(
      'invalid invocation: send {"prompt": "…"} or {"cluster_id", "job": {"gpus"}}',
      issues,
    );
  }
  const request: InvocationRequest = parsed.data;
  const correlation = context.correlationId === undefined ? {} : { correlationId: context.correlationId };
  const askedComplex = context.trustComplex === true ? request.complex : undefined;
  if ('prompt' in request) {
    let question;
    try {
      question = parseQuestion(request.prompt);
    } catch (error) {
      throw new InvalidRequestError(error instanceof Error ? error.message : 'unreadable question', [
        { path: 'prompt', message: error instanceof Error ? error.message : 'unreadable' },
      ]);
    }
    if (question.intent === QuestionIntent.unknown) {
      throw new InvalidRequestError(
        'did not understand the prompt: ask when a job will start, e.g. "when will my 4-GPU job start on slurm-hpc?"',
        [{ path: 'prompt', message: "not a question about when a job starts, a cluster's status, or why" }],
      );
    }
    const clusterId = question.clusterId ?? request.clusterId ?? context.defaultClusterId;
    if (clusterId === undefined)
      throw new InvalidRequestError('which cluster? say "on <cluster>" or send cluster_id', [
        { path: 'prompt', message: 'no cluster named' },
      ]);
    const job: JobSpec = { gpus: question.gpus, ...(question.gpuType === null ? {} : { gpuType: question.gpuType }) };
    return {
      clusterId,
      job,
      question: request.prompt,
      complex: askedComplex ?? question.complex,
      nowMs: context.nowMs,
      ...correlation,
    };
  }
  return {
    clusterId: request.clusterId,
    job: request.job,
    nowMs: context.nowMs,
    ...(request.jobId === undefined ? {} : { jobId: request.jobId }),
    ...(request.question === undefined ? {} : { question: request.question }),
    ...(askedComplex === undefined ? {} : { complex: askedComplex }),
    ...correlation,
  };
}

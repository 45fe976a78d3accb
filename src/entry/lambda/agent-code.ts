/**
 * Lambda entry of the `AgentCode` custom resource (template.yaml): puts the AgentCore Runtime's
 * code zip where the runtime's direct code deployment reads it. `npm run build` writes the zip
 * (dist/agentcore.zip: the runtime's bundled server) into this function's own bundle directory;
 * `sam build` copies that directory and `sam deploy` uploads it, as every function's code, to the
 * stack's artifact bucket. When CloudFormation creates or updates the resource, this function
 * copies the zip into `AgentCodeBucket` under a content-addressed key (`agentcore/<sha256>.zip`)
 * and answers the bucket and key, which `AgentRuntime` reads (`!GetAtt AgentCode.Key`). A new
 * build has a new key, so the runtime gets a new version; a deleted or replaced resource deletes
 * its object, so `sam delete` leaves the bucket empty.
 *
 * The event is CloudFormation's custom-resource request, validated with Powertools' schema; the
 * reply is a PUT of the documented response object to the request's pre-signed `ResponseURL`,
 * SUCCESS or FAILED with the reason (CloudFormation waits for it: a reply is always sent).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  CloudFormationCustomResourceCreateSchema,
  CloudFormationCustomResourceDeleteSchema,
  CloudFormationCustomResourceUpdateSchema,
} from '@aws-lambda-powertools/parser/schemas/cloudformation-custom-resource';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { loadConfig } from '../config.ts';
import { createObservability, lambdaClientSettings, runInvocation } from './lambda-observability.ts';

/** The zip's name in this function's bundle directory (scripts/build-lambdas.ts writes it there). */
export const AGENT_CODE_ZIP = 'agentcore.zip';
/** Key prefix of the code objects in AgentCodeBucket (the publisher's IAM grant is on exactly this prefix). */
export const AGENT_CODE_PREFIX = 'agentcore/';

const config = loadConfig();
const runtime = await createObservability(config);
const zipUrl = new URL(`./${AGENT_CODE_ZIP}`, import.meta.url);

const Properties = z.object({ Bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name') });
const RequestSchema = z.discriminatedUnion('RequestType', [
  CloudFormationCustomResourceCreateSchema,
  CloudFormationCustomResourceUpdateSchema.extend({ PhysicalResourceId: z.string() }),
  CloudFormationCustomResourceDeleteSchema.extend({ PhysicalResourceId: z.string() }),
]);

/** The S3 URI a published object is known by: the resource's physical id. */
function objectUri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/** Bucket and key of a physical id this function made; undefined for anything else (e.g. the placeholder of a failed create). */
function parseObjectUri(physicalId: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/(agentcore\/[0-9a-f]{64}\.zip)$/.exec(physicalId);
  return match === null ? undefined : { bucket: match[1] as string, key: match[2] as string };
}

async function s3(): Promise<{
  put(bucket: string, key: string, body: Uint8Array, sha256Hex: string): Promise<void>;
  remove(bucket: string, key: string): Promise<void>;
}> {
  const { S3Client, PutObjectCommand, DeleteObjectCommand } = await import('@aws-sdk/client-s3');
  const client = runtime.tracer.captureAWSv3Client(
    new S3Client({
      ...lambdaClientSettings(config.region, config.s3Endpoint, config.callPolicy),
      ...(config.s3Endpoint === undefined
        ? {}
        : {
            forcePathStyle: true,
            requestChecksumCalculation: 'WHEN_REQUIRED' as const,
            responseChecksumValidation: 'WHEN_REQUIRED' as const,
          }),
    }),
  );
  return {
    async put(bucket, key, body, sha256Hex) {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: 'application/zip',
          ChecksumSHA256: Buffer.from(sha256Hex, 'hex').toString('base64'),
        }),
      );
    },
    async remove(bucket, key) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
  };
}

interface Outcome {
  readonly physicalId: string;
  readonly data?: { readonly Bucket: string; readonly Key: string; readonly Sha256: string };
}

async function apply(request: z.infer<typeof RequestSchema>): Promise<Outcome> {
  if (request.RequestType === 'Delete') {
    const published = parseObjectUri(request.PhysicalResourceId);
    if (published !== undefined) await (await s3()).remove(published.bucket, published.key);
    return { physicalId: request.PhysicalResourceId };
  }
  const { Bucket: bucket } = Properties.parse(request.ResourceProperties);
  const zip = await readFile(zipUrl);
  const sha256 = createHash('sha256').update(zip).digest('hex');
  const key = `${AGENT_CODE_PREFIX}${sha256}.zip`;
  await (await s3()).put(bucket, key, zip, sha256);
  return { physicalId: objectUri(bucket, key), data: { Bucket: bucket, Key: key, Sha256: sha256 } };
}

/** Sends CloudFormation's response object to the pre-signed URL (an empty content type, as the URL was signed without one). */
async function respond(responseUrl: string, body: Record<string, unknown>): Promise<void> {
  const reply = await fetch(responseUrl, {
    method: 'PUT',
    headers: { 'content-type': '' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (!reply.ok) throw new Error(`CloudFormation refused the response (${reply.status})`);
}

export interface AgentCodeOutput {
  readonly status: 'SUCCESS' | 'FAILED';
  readonly physicalResourceId: string;
}

export async function handler(event: unknown, context?: Context): Promise<AgentCodeOutput> {
  const parsed = RequestSchema.safeParse(event);
  return runInvocation(
    runtime,
    {
      handler: 'agent-code',
      ...(parsed.success ? { correlationId: parsed.data.RequestId } : {}),
      ...(context === undefined ? {} : { context }),
    },
    async (logger) => {
      if (!parsed.success) {
        // Without a valid ResponseURL there is no one to answer; the log names what was wrong.
        const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(event)'))].join(', ');
        logger.error('agent_code.refused', { reason: `not a CloudFormation custom-resource request — ${fields}` });
        throw new Error(`not a CloudFormation custom-resource request — ${fields}`);
      }
      const request = parsed.data;
      const fallbackId = request.RequestType === 'Create' ? `failed-${request.RequestId}` : request.PhysicalResourceId;
      let outcome: Outcome;
      let status: 'SUCCESS' | 'FAILED' = 'SUCCESS';
      let reason: string | undefined;
      try {
        outcome = await apply(request);
      } catch (error) {
        status = 'FAILED';
        reason =
          `${request.RequestType} of the AgentCore code failed: ${error instanceof Error ? error.message : String(error)}`.slice(
            0,
            500,
          );
        outcome = { physicalId: fallbackId };
      }
      logger.info('agent_code.applied', {
        requestType: request.RequestType,
        status,
        physicalResourceId: outcome.physicalId,
        ...(reason === undefined ? {} : { reason }),
      });
      await respond(request.ResponseURL, {
        Status: status,
        ...(reason === undefined ? {} : { Reason: reason }),
        PhysicalResourceId: outcome.physicalId,
        StackId: request.StackId,
        RequestId: request.RequestId,
        LogicalResourceId: request.LogicalResourceId,
        ...(outcome.data === undefined ? {} : { Data: outcome.data }),
      });
      return { status, physicalResourceId: outcome.physicalId };
    },
  );
}

/**
 * The deploy-time custom resource that publishes the AgentCore Runtime's code (AgentCodeFunction,
 * src/entry/lambda/agent-code.ts), as deployed: its bundle built by `npm run build` (index.mjs
 * beside the agentcore.zip it carries) is imported with the template's environment pointed at
 * s3rver, and given CloudFormation's custom-resource requests (the recorded Create event, and the
 * Delete CloudFormation sends for it); its answers go to a loopback stand-in for the pre-signed
 * ResponseURL.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBucket } from '../../src/adapters/s3/s3-bundle-store.ts';
import { buildLambdas } from '../../scripts/build-lambdas.ts';
import { AGENTCORE_BUNDLE, LAMBDA_FUNCTIONS } from '../../scripts/lambda-functions.ts';
import { startTestAws, uniqueName, type TestAws } from '../support/embedded-aws.ts';
import { captureOutput, loadEventFixture, setEnvironment } from '../support/lambda-harness.ts';

const REPOSITORY = join(import.meta.dirname, '..', '..');

interface Answer {
  readonly method: string;
  readonly contentType: string | undefined;
  readonly body: Record<string, unknown>;
}

let aws: TestAws;
let buildDirectory = '';
let responses: Server;
let responseUrl = '';
const answers: Answer[] = [];
let bucket = '';
let zip: Buffer;
let handler: (event: unknown) => Promise<{ status: string; physicalResourceId: string }>;
let restoreEnvironment: () => void;

beforeAll(async () => {
  aws = await startTestAws();
  bucket = uniqueName('agentcode');
  await ensureBucket(aws.clients.s3, bucket);
  responses = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      answers.push({
        method: request.method ?? '',
        contentType: request.headers['content-type'],
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
      });
      response.writeHead(200);
      response.end();
    });
  });
  await new Promise<void>((resolve) => responses.listen(0, '127.0.0.1', resolve));
  responseUrl = `http://127.0.0.1:${(responses.address() as AddressInfo).port}/cloudformation-response?X-Amz-Signature=0123`;
  await mkdir(join(REPOSITORY, 'node_modules/.cache'), { recursive: true });
  buildDirectory = await mkdtemp(join(REPOSITORY, 'node_modules/.cache/agent-code-'));
  const publisher = LAMBDA_FUNCTIONS.filter((fn) => fn.carriesAgentCoreZip === true);
  await buildLambdas(publisher, REPOSITORY, join(buildDirectory, 'lambda'), join(buildDirectory, 'agentcore'));
  zip = await readFile(join(buildDirectory, 'lambda', publisher[0]?.name ?? '', AGENTCORE_BUNDLE.zip));
  restoreEnvironment = setEnvironment({
    VGAC_MODE: 'aws',
    VGAC_API_KEY_PARAM: '/vgac/api-key',
    VGAC_S3_ENDPOINT: aws.s3Endpoint,
    VGAC_LOG_LEVEL: 'info',
    POWERTOOLS_TRACE_ENABLED: 'false',
    AWS_REGION: 'us-east-1',
  });
  ({ handler } = (await import(
    pathToFileURL(join(buildDirectory, 'lambda', publisher[0]?.name ?? '', 'index.mjs')).href
  )) as { handler: typeof handler });
}, 120_000);

afterAll(async () => {
  restoreEnvironment?.();
  await new Promise<void>((resolve) => responses?.close(() => resolve()));
  await aws?.stop();
  if (buildDirectory !== '') await rm(buildDirectory, { recursive: true, force: true });
});

async function request(changes: Record<string, unknown>): Promise<Record<string, unknown>> {
  const recorded = (await loadEventFixture('cfn-custom-resource-create.json')) as Record<string, unknown> & {
    ResourceProperties: Record<string, unknown>;
  };
  return {
    ...recorded,
    ResponseURL: responseUrl,
    ResourceProperties: { ...recorded.ResourceProperties, Bucket: bucket },
    ...changes,
  };
}

describe('AgentCodeFunction (the AgentCode custom resource)', () => {
  it('Create copies the zip it carries to agentcore/<sha256>.zip and answers SUCCESS with the bucket and key', async () => {
    const sha256 = createHash('sha256').update(zip).digest('hex');
    const before = answers.length;

    const run = await captureOutput(async () => handler(await request({})));

    const key = `agentcore/${sha256}.zip`;
    const stored = await aws.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(Buffer.from((await stored.Body?.transformToByteArray()) ?? new Uint8Array())).toEqual(zip);
    expect(run.result).toEqual({ status: 'SUCCESS', physicalResourceId: `s3://${bucket}/${key}` });
    expect(answers.slice(before)).toEqual([
      {
        method: 'PUT',
        contentType: '',
        body: {
          Status: 'SUCCESS',
          PhysicalResourceId: `s3://${bucket}/${key}`,
          StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/vgac/5b918d10-cd98-11ea-90d5-0a9cd3354c10',
          RequestId: '7f2c1c2a-1234-4cde-9f00-0123456789ab',
          LogicalResourceId: 'AgentCode',
          Data: { Bucket: bucket, Key: key, Sha256: sha256 },
        },
      },
    ]);
  });

  it('Delete removes the object it published, and answers SUCCESS for an id it never published without touching S3', async () => {
    const sha256 = createHash('sha256').update(zip).digest('hex');
    const physical = `s3://${bucket}/agentcore/${sha256}.zip`;
    const before = answers.length;

    const deleted = await captureOutput(async () =>
      handler(await request({ RequestType: 'Delete', PhysicalResourceId: physical })),
    );
    const foreign = await captureOutput(async () =>
      handler(await request({ RequestType: 'Delete', PhysicalResourceId: 'failed-7f2c1c2a' })),
    );

    await expect(
      aws.clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: `agentcore/${sha256}.zip` })),
    ).rejects.toThrow();
    expect([deleted.result?.status, foreign.result?.status]).toEqual(['SUCCESS', 'SUCCESS']);
    expect(answers.slice(before).map((answer) => [answer.body.Status, answer.body.PhysicalResourceId])).toEqual([
      ['SUCCESS', physical],
      ['SUCCESS', 'failed-7f2c1c2a'],
    ]);
  });

  it('a Create it cannot carry out (no such bucket) answers FAILED with the reason, so CloudFormation stops instead of waiting an hour', async () => {
    const before = answers.length;

    const run = await captureOutput(async () =>
      handler(await request({ ResourceProperties: { ServiceToken: 'x', Bucket: 'no-such-bucket-0123' } })),
    );

    const answer = answers.slice(before)[0];
    expect(run.result?.status).toBe('FAILED');
    expect(answer?.body).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: 'failed-7f2c1c2a-1234-4cde-9f00-0123456789ab',
    });
    expect(String(answer?.body.Reason)).toMatch(/^Create of the AgentCore code failed: /);
  });

  it('refuses an event that is not a custom-resource request, naming the fields, and answers nothing', async () => {
    const before = answers.length;

    const run = await captureOutput(() => handler({ RequestType: 'Create', StackId: 'x' }));

    expect(String(run.error)).toMatch(/not a CloudFormation custom-resource request — .*ResponseURL/);
    expect(answers.length).toBe(before);
  });
});

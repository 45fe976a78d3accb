/**
 * SsmSecrets against a loopback server speaking SSM's JSON protocol (GetParameter).
 */
import { SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotConfiguredError } from '../../src/app/errors.ts';
import { SsmSecrets } from '../../src/adapters/ssm/ssm-secrets.ts';
import { LOCAL_DUMMY_CREDENTIALS } from '../../src/entry/aws-clients.ts';
import { assertLoopbackEndpoints } from '../support/embedded-aws.ts';
import { startSsmJsonServer, type SsmJsonServer } from '../support/ssm-json-server.ts';

let ssm: SsmJsonServer;
let client: SSMClient;

beforeAll(async () => {
  ssm = await startSsmJsonServer({ '/vgac/api-key': 'k'.repeat(32), '/vgac/slack/bot-token': 'xoxb-1' });
  assertLoopbackEndpoints(ssm.endpoint);
  client = new SSMClient({
    region: 'us-east-1',
    endpoint: ssm.endpoint,
    credentials: { ...LOCAL_DUMMY_CREDENTIALS },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client.destroy();
  await ssm.stop();
});

describe('SsmSecrets', () => {
  it('reads a SecureString with decryption once, then serves it from the cache (concurrent first reads share a request)', async () => {
    const secrets = new SsmSecrets({ client });
    const before = ssm.requests.length;

    const values = await Promise.all([secrets.get('/vgac/api-key'), secrets.get('/vgac/api-key')]);
    const again = await secrets.get('/vgac/api-key');

    expect(values).toEqual(['k'.repeat(32), 'k'.repeat(32)]);
    expect(again).toBe('k'.repeat(32));
    expect(ssm.requests.slice(before)).toEqual([{ name: '/vgac/api-key', withDecryption: true }]);
  });

  it('a missing parameter is NotConfiguredError naming the parameter, and is asked again next time', async () => {
    const secrets = new SsmSecrets({ client });
    const before = ssm.requests.length;

    const first = await secrets.get('/vgac/missing').catch((error: unknown) => error);
    const second = await secrets.get('/vgac/missing').catch((error: unknown) => error);

    expect(first).toBeInstanceOf(NotConfiguredError);
    expect((first as Error).message).toContain('/vgac/missing');
    expect(second).toBeInstanceOf(NotConfiguredError);
    expect(ssm.requests.length - before).toBe(2);
  });
});

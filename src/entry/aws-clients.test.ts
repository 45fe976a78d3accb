import { describe, expect, it } from 'vitest';
import { createAwsClients, isLoopbackEndpoint } from './aws-clients.ts';

describe('isLoopbackEndpoint', () => {
  it('accepts http(s) URLs on localhost, 127.0.0.1 and ::1', () => {
    for (const endpoint of ['http://localhost:4567', 'http://127.0.0.1:1', 'https://localhost', 'http://[::1]:8000']) {
      expect(isLoopbackEndpoint(endpoint), endpoint).toBe(true);
    }
  });

  it('refuses anything else, including look-alikes and unparsable text', () => {
    for (const endpoint of [
      'https://dynamodb.us-east-1.amazonaws.com',
      'http://127.0.0.2:4567',
      'http://localhost.evil.com',
      'http://10.0.0.1',
      'ftp://localhost',
      'localhost:4567',
      '',
    ]) {
      expect(isLoopbackEndpoint(endpoint), endpoint).toBe(false);
    }
  });
});

describe('createAwsClients', () => {
  it('uses the dummy local credentials for loopback endpoints', async () => {
    const clients = createAwsClients({
      region: 'us-east-1',
      dynamoEndpoint: 'http://127.0.0.1:4567',
      s3Endpoint: 'http://localhost:4568',
    });

    const s3Credentials = await clients.s3.config.credentials();
    const dynamoCredentials = await clients.dynamo.config.credentials();
    clients.destroy();

    // s3rver's built-in account; dynalite accepts any signature.
    expect(s3Credentials.accessKeyId).toBe('S3RVER');
    expect(dynamoCredentials.accessKeyId).toBe('S3RVER');
  });

  it('prefers explicit credentials over the local dummies', async () => {
    const clients = createAwsClients({
      region: 'eu-west-1',
      s3Endpoint: 'http://localhost:4568',
      credentials: { accessKeyId: 'EXPLICIT', secretAccessKey: 'secret' },
    });

    const credentials = await clients.s3.config.credentials();
    clients.destroy();

    expect(credentials.accessKeyId).toBe('EXPLICIT');
  });
});

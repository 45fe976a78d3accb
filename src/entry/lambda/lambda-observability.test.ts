import { Tracer } from '@aws-lambda-powertools/tracer';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { createObservability, UNTRACED } from './lambda-observability.ts';

const lambdaEnvironment = (tracing: 'true' | 'false') => ({
  VGAC_MODE: 'aws',
  VGAC_TABLE: 'observability-test',
  VGAC_BUCKET: 'observability-test',
  VGAC_LOG_LEVEL: 'silent',
  VGAC_API_AUTH: 'off',
  POWERTOOLS_TRACE_ENABLED: tracing,
});

describe('createObservability', () => {
  it('createObservability with tracing off gives the untraced tracer: clients come back as they were, no segment', async () => {
    const client = { middlewareStack: { add: () => undefined } };

    const { tracer } = await createObservability(loadConfig(lambdaEnvironment('false')));

    expect(tracer).toBe(UNTRACED);
    expect(tracer.captureAWSv3Client(client)).toBe(client);
    expect(tracer.isTracingEnabled()).toBe(false);
    expect(tracer.getSegment()).toBeUndefined();
  });

  it('createObservability with tracing on builds the Powertools tracer', async () => {
    const { tracer } = await createObservability(loadConfig(lambdaEnvironment('true')));

    expect(tracer).toBeInstanceOf(Tracer);
  });
});

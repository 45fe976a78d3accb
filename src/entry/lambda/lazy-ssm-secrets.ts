/** SSM Parameter Store secrets with the SDK client imported and built on the first read (see lazy-aws.ts). */
import type { SecretSource } from '../../app/ports/secret-source.ts';
import { onFirstUse, type Tracer } from './lazy-aws.ts';
import type { AwsCallPolicy } from '../aws-call-policy.ts';
import { lambdaClientSettings } from './lambda-observability.ts';

/** Secrets from SSM Parameter Store, the client built on the first read (values cached by SsmSecrets). */
export function lazySsmSecrets(options: {
  readonly region: string;
  readonly endpoint: string | undefined;
  readonly tracer: Tracer;
  /** Timeouts and attempts of every call (aws-call-policy.ts). */
  readonly callPolicy: AwsCallPolicy;
}): SecretSource {
  const built = onFirstUse(async () => {
    const [{ SSMClient }, { SsmSecrets }] = await Promise.all([
      import('@aws-sdk/client-ssm'),
      import('../../adapters/ssm/ssm-secrets.ts'),
    ]);
    return new SsmSecrets({
      client: options.tracer.captureAWSv3Client(
        new SSMClient(lambdaClientSettings(options.region, options.endpoint, options.callPolicy)),
      ),
    });
  });
  return {
    get: async (name) => (await built.get()).get(name),
    refresh: async (name) => (await built.get()).refresh(name),
  };
}

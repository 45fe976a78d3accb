/** The SNS Notifier with its SDK client imported and built on the first notice (see lazy-aws.ts). */
import type { Notifier } from '../../app/ports/notifier.ts';
import { onFirstUse, type Tracer } from './lazy-aws.ts';
import type { AwsCallPolicy } from '../aws-call-policy.ts';
import { lambdaClientSettings } from './lambda-observability.ts';

/** Notices published to an SNS topic, the client built on the first notice. */
export function lazySnsNotifier(options: {
  readonly region: string;
  readonly endpoint: string | undefined;
  readonly topicArn: string;
  readonly tracer: Tracer;
  /** Timeouts and attempts of every call (aws-call-policy.ts). */
  readonly callPolicy: AwsCallPolicy;
}): Notifier {
  const built = onFirstUse(async () => {
    const [{ SNSClient }, { SnsNotifier }] = await Promise.all([
      import('@aws-sdk/client-sns'),
      import('../../adapters/sns/sns-notifier.ts'),
    ]);
    return new SnsNotifier({
      client: options.tracer.captureAWSv3Client(
        new SNSClient(lambdaClientSettings(options.region, options.endpoint, options.callPolicy)),
      ),
      topicArn: options.topicArn,
    });
  });
  return { notify: async (message) => (await built.get()).notify(message) };
}

/** The SNS TaskQueue with its SDK client imported and built on the first task (see lazy-aws.ts). */
import type { TaskQueue } from '../../app/ports/task-queue.ts';
import { onFirstUse, type Tracer } from './lazy-aws.ts';
import type { AwsCallPolicy } from '../aws-call-policy.ts';
import { lambdaClientSettings } from './lambda-observability.ts';

/** A task queue on an SNS topic, the client built on the first task. */
export function lazySnsTaskQueue<Task>(options: {
  readonly region: string;
  readonly endpoint: string | undefined;
  readonly topicArn: string;
  readonly tracer: Tracer;
  /** Timeouts and attempts of every call (aws-call-policy.ts). */
  readonly callPolicy: AwsCallPolicy;
}): TaskQueue<Task> {
  const built = onFirstUse(async () => {
    const [{ SNSClient }, { SnsTaskQueue }] = await Promise.all([
      import('@aws-sdk/client-sns'),
      import('../../adapters/sns/sns-task-queue.ts'),
    ]);
    return new SnsTaskQueue<Task>({
      client: options.tracer.captureAWSv3Client(
        new SNSClient(lambdaClientSettings(options.region, options.endpoint, options.callPolicy)),
      ),
      topicArn: options.topicArn,
    });
  });
  return { enqueue: async (task) => (await built.get()).enqueue(task) };
}

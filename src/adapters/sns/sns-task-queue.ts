/**
 * `TaskQueue` on SNS: a task is published as one JSON message to a topic the worker Lambda is
 * subscribed to, so the slow half of a Slack request runs in its own invocation after the
 * 3-second acknowledgement has gone (a Lambda may be frozen as soon as it has replied).
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { InfrastructureError } from '../../app/errors.ts';
import type { TaskQueue } from '../../app/ports/task-queue.ts';

/** SNS's message size limit, bytes. */
export const SNS_MAX_MESSAGE_BYTES = 262_144;

export class SnsTaskQueue<Task> implements TaskQueue<Task> {
  readonly #client: SNSClient;
  readonly #topicArn: string;

  constructor(options: { readonly client: SNSClient; readonly topicArn: string }) {
    this.#client = options.client;
    this.#topicArn = options.topicArn;
  }

  async enqueue(task: Task): Promise<void> {
    const message = JSON.stringify(task);
    if (new TextEncoder().encode(message).length > SNS_MAX_MESSAGE_BYTES)
      throw new InfrastructureError(
        `task of ${message.length} characters exceeds SNS's ${SNS_MAX_MESSAGE_BYTES}-byte limit`,
      );
    try {
      await this.#client.send(new PublishCommand({ TopicArn: this.#topicArn, Message: message }));
    } catch (error) {
      throw new InfrastructureError(
        `SNS Publish to '${this.#topicArn}' failed: ${error instanceof Error ? error.name : 'unknown error'}`,
        { cause: error },
      );
    }
  }
}

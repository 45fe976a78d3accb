/**
 * The Notifier port on Amazon SNS: each notice is one Publish to the alert topic (which e-mail
 * subscribers and the alerts Lambda → Slack receive). The cluster and escalation ids travel as
 * message attributes so subscribers can filter on them. SDK errors become InfrastructureError.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { InfrastructureError } from '../../app/errors.ts';
import type { Notifier } from '../../app/ports/notifier.ts';

/** SNS refuses subjects over 100 characters. */
export const SNS_SUBJECT_MAX_CHARS = 100;

export interface SnsNotifierOptions {
  readonly client: SNSClient;
  readonly topicArn: string;
}

/**
 * SNS subjects must be ASCII printable, without line breaks, at most 100 characters, and must
 * not start with a space: anything else is replaced, and a long subject is cut with an ellipsis.
 */
export function snsSubject(subject: string): string {
  const ascii = subject
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?')
    .trim();
  const text = ascii === '' ? 'VGAC notice' : ascii;
  return text.length <= SNS_SUBJECT_MAX_CHARS ? text : `${text.slice(0, SNS_SUBJECT_MAX_CHARS - 3)}...`;
}

export class SnsNotifier implements Notifier {
  readonly #client: SNSClient;
  readonly #topicArn: string;

  constructor(options: SnsNotifierOptions) {
    this.#client = options.client;
    this.#topicArn = options.topicArn;
  }

  async notify(message: {
    readonly subject: string;
    readonly text: string;
    readonly clusterId?: string;
    readonly escalationId?: string;
  }): Promise<void> {
    const attributes: Record<string, { DataType: string; StringValue: string }> = {};
    if (message.clusterId !== undefined)
      attributes['clusterId'] = { DataType: 'String', StringValue: message.clusterId };
    if (message.escalationId !== undefined)
      attributes['escalationId'] = { DataType: 'String', StringValue: message.escalationId };
    try {
      await this.#client.send(
        new PublishCommand({
          TopicArn: this.#topicArn,
          Subject: snsSubject(message.subject),
          Message: message.text,
          ...(Object.keys(attributes).length === 0 ? {} : { MessageAttributes: attributes }),
        }),
      );
    } catch (error) {
      throw new InfrastructureError(
        `SNS publish to the alert topic failed: ${error instanceof Error ? error.name : 'unknown error'}`,
        { cause: error },
      );
    }
  }
}

import { describe, expect, it } from 'vitest';
import { loadEventFixture } from '../../../test/support/lambda-harness.ts';
import { isSnsEvent, snsDeliveries } from './sns-records.ts';

describe('snsDeliveries', () => {
  it('snsDeliveries reads a recorded SNS delivery: id, topic, subject, message and only its String attributes', async () => {
    const event = await loadEventFixture('sns-notification.json');

    const deliveries = snsDeliveries(event);

    expect(deliveries).toEqual([
      {
        messageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
        topicArn: 'arn:aws:sns:us-east-1:123456789012:sns-lambda',
        subject: 'TestInvoke',
        message: 'Hello from SNS!',
        attributes: { Test: 'TestString' },
      },
    ]);
  });

  it('snsDeliveries refuses an event SNS would never send, naming the missing fields and not the message', async () => {
    const recorded = (await loadEventFixture('sns-notification.json')) as {
      Records: { Sns: Record<string, unknown> }[];
    };
    const record = recorded.Records[0] as { Sns: Record<string, unknown> };
    const { UnsubscribeUrl: _unsubscribe, Timestamp: _timestamp, ...withoutFields } = record.Sns;
    const handMade = { Records: [{ ...record, Sns: { ...withoutFields, Message: 'secret payload' } }] };

    const refusal = (() => {
      try {
        snsDeliveries(handMade);
        return undefined;
      } catch (error) {
        return error as Error;
      }
    })();

    expect(refusal?.message).toMatch(/^not an SNS event — /);
    expect(refusal?.message).toContain('Records.0.Sns.UnsubscribeUrl');
    expect(refusal?.message).toContain('Records.0.Sns.Timestamp');
    expect(refusal?.message).not.toContain('secret payload');
  });
});

describe('isSnsEvent', () => {
  it('isSnsEvent tells an SNS event from an API Gateway event, a workflow item and an empty batch', async () => {
    const sns = await loadEventFixture('sns-notification.json');
    const apiGateway = await loadEventFixture('apigw-v2-predict-wait.json');

    expect([
      isSnsEvent(sns),
      isSnsEvent(apiGateway),
      isSnsEvent({ clusterId: 'c' }),
      isSnsEvent({ Records: [] }),
      isSnsEvent(null),
    ]).toEqual([true, false, false, false, false]);
  });
});

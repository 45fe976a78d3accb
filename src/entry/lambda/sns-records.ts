/**
 * The one reader of SNS events for every function an SNS topic invokes (the Slack function's own
 * task topic, the Recalibrate function's recompute topic, the alerts function's alert topic).
 * The event is validated with Powertools' SNS schema (`@aws-lambda-powertools/parser`, zod), so
 * every function accepts exactly the shape SNS delivers to Lambda and reports what is wrong with
 * anything else the same way.
 *
 * A function invoked by SNS and by something else tells them apart with {@link isSnsEvent}: an
 * SNS event has `Records` whose first record comes from `aws:sns`. Powertools' envelope
 * (envelopes/sns) returns only the messages; the functions also need the message id (their
 * correlation id), the subject and the attributes (alerts), so the records are returned whole.
 */
import { SnsSchema } from '@aws-lambda-powertools/parser/schemas/sns';
import { InvalidInputError } from '../../core/errors.ts';

/** One SNS delivery, as a function uses it. */
export interface SnsDelivery {
  readonly messageId: string;
  readonly topicArn: string;
  /** null when the publisher set none. */
  readonly subject: string | null;
  readonly message: string;
  /** The message's String attributes (Binary ones are left out: nothing here reads them). */
  readonly attributes: Readonly<Record<string, string>>;
}

/** True when `event` claims to be an SNS event (its first record's EventSource is `aws:sns`); {@link snsDeliveries} then checks the whole shape. */
export function isSnsEvent(event: unknown): boolean {
  if (typeof event !== 'object' || event === null || !('Records' in event)) return false;
  const records = (event as { readonly Records: unknown }).Records;
  if (!Array.isArray(records) || records.length === 0) return false;
  const first: unknown = records[0];
  return (
    typeof first === 'object' &&
    first !== null &&
    (first as { readonly EventSource?: unknown }).EventSource === 'aws:sns'
  );
}

/**
 * The deliveries of an SNS event, in order.
 * @throws InvalidInputError naming every field that does not fit SNS's event shape (never the payload).
 */
export function snsDeliveries(event: unknown): SnsDelivery[] {
  const parsed = SnsSchema.safeParse(event);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(event)'))];
    throw new InvalidInputError(`not an SNS event — ${fields.slice(0, 10).join(', ')}`);
  }
  return parsed.data.Records.map(({ Sns: sns }) => ({
    messageId: sns.MessageId,
    topicArn: sns.TopicArn,
    subject: sns.Subject ?? null,
    message: sns.Message,
    attributes: Object.fromEntries(
      Object.entries(sns.MessageAttributes ?? {})
        .filter(([, attribute]) => attribute.Type === 'String')
        .map(([name, attribute]) => [name, attribute.Value]),
    ),
  }));
}

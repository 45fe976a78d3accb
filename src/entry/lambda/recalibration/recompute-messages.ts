/**
 * The Recalibrate function's second trigger: SNS deliveries from the recompute topic
 * (template.yaml `RecomputeTopic`), each record's `Message` one RecomputeTask that an outcome
 * published when it made maintenance due (queued-maintenance-scheduler.ts). The Step Functions
 * workflow's cluster items are told apart by having no `Records`.
 */
import { z } from 'zod';
import { parseRecomputeTask, type RecomputeTask } from '../../../app/learning/queued-maintenance-scheduler.ts';

const SnsRecords = z.looseObject({
  Records: z.array(z.looseObject({
    EventSource: z.literal('aws:sns'),
    Sns: z.looseObject({ MessageId: z.string(), Message: z.string() }),
  })).min(1),
});

export interface RecomputeDelivery {
  readonly messageId: string;
  readonly task: RecomputeTask;
}

/** The recompute tasks of an SNS event; null when `event` is not an SNS event (a workflow item). Throws InvalidInputError for a message that is not a RecomputeTask. */
export function recomputeDeliveriesOf(event: unknown): RecomputeDelivery[] | null {
  const parsed = SnsRecords.safeParse(event);
  if (!parsed.success) return null;
  return parsed.data.Records.map((record) => ({ messageId: record.Sns.MessageId, task: parseRecomputeTask(record.Sns.Message) }));
}

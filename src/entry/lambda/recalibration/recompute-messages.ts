/**
 * The Recalibrate function's second trigger: SNS deliveries from the recompute topic
 * (template.yaml `RecomputeTopic`), each record's `Message` one RecomputeTask that an outcome
 * published when it made maintenance due (queued-maintenance-scheduler.ts). The Step Functions
 * workflow's cluster items are told apart by not being SNS events (sns-records.ts).
 */
import { parseRecomputeTask, type RecomputeTask } from '../../../app/learning/queued-maintenance-scheduler.ts';
import { isSnsEvent, snsDeliveries } from '../sns-records.ts';

export interface RecomputeDelivery {
  readonly messageId: string;
  readonly task: RecomputeTask;
}

/** The recompute tasks of an SNS event; null when `event` is not an SNS event (a workflow item). Throws InvalidInputError for a malformed SNS event or a message that is not a RecomputeTask. */
export function recomputeDeliveriesOf(event: unknown): RecomputeDelivery[] | null {
  if (!isSnsEvent(event)) return null;
  return snsDeliveries(event).map((delivery) => ({
    messageId: delivery.messageId,
    task: parseRecomputeTask(delivery.message),
  }));
}

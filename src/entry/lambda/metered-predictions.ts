/** The `Predictions` metric (template.yaml's dashboard contract: namespace `Vgac`, only the `service` dimension), counted by the prediction log. */
import type { PredictionLog } from '../../app/ports/prediction-log.ts';
import { countMetric, MetricName, type LambdaObservability } from './lambda-observability.ts';

/**
 * A PredictionLog that counts `Predictions` for every prediction stored — a job predicted at its
 * submit instant by the collector, through `POST /api/predict/*` with a job id, or by the agents —
 * in whichever function stores it.
 */
export function meteredPredictions(log: PredictionLog, sink: Pick<LambdaObservability, 'metrics'>): PredictionLog {
  return {
    async record(prediction) {
      await log.record(prediction);
      countMetric(sink, MetricName.predictions, 1);
    },
    recordOutcome: (clusterId, jobId, outcome, options) => log.recordOutcome(clusterId, jobId, outcome, options),
    find: (clusterId, jobId) => log.find(clusterId, jobId),
    recent: (clusterId, options) => log.recent(clusterId, options),
  };
}

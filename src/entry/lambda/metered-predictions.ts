/** The `Predictions` metric (template.yaml's dashboard contract: namespace `Vgac`, only the `service` dimension), counted by the store. */
import type { ClusterStore } from '../../app/ports/cluster-store.ts';
import { countMetric, MetricName, type LambdaObservability } from './lambda-observability.ts';

/**
 * A ClusterStore that counts `Predictions` for every prediction stored — a job predicted at its
 * submit instant by the collector, through `POST /api/predict/*` with a job id, or by the agents —
 * in whichever function stores it. Every other method goes to `store` unchanged.
 */
export function meteredPredictions(store: ClusterStore, sink: Pick<LambdaObservability, 'metrics'>): ClusterStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'recordPrediction') {
        return async (prediction: Parameters<ClusterStore['recordPrediction']>[0]) => {
          await target.recordPrediction(prediction);
          countMetric(sink, MetricName.predictions, 1);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      // Bound to the store itself: its methods use private fields.
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

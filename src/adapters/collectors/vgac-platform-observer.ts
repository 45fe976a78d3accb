/**
 * The Observer over a VGAC platform API (SPEC: prediction serving "wraps a VGAC platform API when
 * one is configured"): for a job, the platform's own P(long wait) (`POST /api/predict/wait`)
 * becomes the feature the cluster's pass-through prior reads (platformLogit, platform-bundle.ts),
 * so the gate measures and recalibrates the platform's probabilities on this cluster's outcomes
 * (through the wait distribution, whose neighbours are then the jobs the platform scored alike).
 * The client's timeouts, retries with jitter and circuit breaker apply; when the platform is down
 * the call ends in SourceUnavailableError and the agents answer "cannot predict now".
 */
import type { ClusterObserver } from '../../app/ports/cluster-observer.ts';
import type { ClusterState, JobSpec } from '../../app/records/queue.ts';
import { PLATFORM_LOGIT_FEATURE, platformLogit } from '../../core/model/platform-bundle.ts';
import type { VgacPlatformClient } from './vgac-platform-client.ts';

/** Asked about when a question names no job (a status question): one GPU. */
const DEFAULT_JOB: JobSpec = { gpus: 1 };

export class VgacPlatformObserver implements ClusterObserver {
  readonly #client: VgacPlatformClient;
  readonly #clock: () => number;

  constructor(options: { readonly client: VgacPlatformClient; readonly clock?: () => number }) {
    this.#client = options.client;
    this.#clock = options.clock ?? Date.now;
  }

  async observe(clusterId: string, job?: JobSpec): Promise<ClusterState> {
    const prediction = await this.#client.predictWait(job ?? DEFAULT_JOB, { clusterId });
    return {
      clusterId,
      observedAtMs: this.#clock(),
      // The platform's prediction API reports no queue listing with its answer.
      jobs: [],
      totalGpus: 0,
      gpusInUse: 0,
      features: {
        [PLATFORM_LOGIT_FEATURE]: platformLogit(prediction.probabilityLongWait),
        platformProbability: prediction.probabilityLongWait,
        ...(prediction.estimatedWaitSeconds === null
          ? {}
          : { platformEstimatedWaitSeconds: prediction.estimatedWaitSeconds }),
      },
    };
  }
}

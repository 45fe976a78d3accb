/** A JobSpec (the VGAC platform contract) as the resources the queue features read. Pure. */
import type { RequestedResources } from '../../core/features/live-queue-features.ts';
import type { JobSpec } from '../records/queue.ts';

const MILLICORES_PER_CPU = 1_000;
const SECONDS_PER_MINUTE = 60;

/** CPUs from millicores, GPUs as given, time from `estimatedDurationMinutes`; 0 for what the spec leaves out. */
export function jobSpecRequest(spec: JobSpec): RequestedResources {
  return {
    processors: spec.cpuMillicores === undefined ? 0 : spec.cpuMillicores / MILLICORES_PER_CPU,
    gpus: spec.gpus,
    timeSeconds: spec.estimatedDurationMinutes === undefined ? 0 : spec.estimatedDurationMinutes * SECONDS_PER_MINUTE,
  };
}

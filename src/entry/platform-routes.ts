/**
 * The clusters whose predictions wrap a VGAC platform API (VGAC_COLLECTOR=vgac-api,
 * VGAC_PLATFORM_URL, VGAC_PLATFORM_CLUSTERS): each routed to the platform observer, with no job
 * actions (the platform's prediction API changes no jobs). Empty for any other collector.
 * Register such a cluster with `vgac onboard --cluster ID --vgac-platform --long-wait-seconds N`.
 */
import type { ClusterRoute } from '../app/agents/cluster-routes.ts';
import { unavailableClusterActions } from '../app/agents/unavailable-cluster-actions.ts';
import { VgacPlatformClient } from '../adapters/collectors/vgac-platform-client.ts';
import { VgacPlatformObserver } from '../adapters/collectors/vgac-platform-observer.ts';
import type { Config } from './config.ts';

export const PLATFORM_ACTIONS_UNAVAILABLE = "the VGAC platform's prediction API changes no jobs; act on the job in its scheduler yourself";

export function platformRoutes(config: Pick<Config, 'lambda' | 'platform'>): ClusterRoute[] {
  const { url, apiKey, clusterIds } = config.platform;
  if (config.lambda.collector !== 'vgac-api' || url === undefined) return [];
  const observer = new VgacPlatformObserver({ client: new VgacPlatformClient({ baseUrl: url, ...(apiKey === undefined ? {} : { apiKey }) }) });
  const actions = unavailableClusterActions(PLATFORM_ACTIONS_UNAVAILABLE);
  return clusterIds.map((clusterId) => ({ clusterId, observer, actions }));
}

/**
 * The clusters whose predictions wrap a VGAC platform API (VGAC_COLLECTOR=vgac-api,
 * VGAC_PLATFORM_URL, VGAC_PLATFORM_CLUSTERS): each routed to the platform observer, with no job
 * actions (the platform's prediction API changes no jobs). Empty for any other collector.
 * Register such a cluster with `vgac onboard --cluster ID --vgac-platform --long-wait-seconds N`.
 * `vgac start` and `vgac ask` take the platform's key from VGAC_PLATFORM_API_KEY; the API function
 * and the AgentCore Runtime read it from SSM (VGAC_PLATFORM_API_KEY_PARAM) at cold start and pass it in.
 */
import type { ClusterRoute } from '../app/agents/cluster-routes.ts';
import { unavailableClusterActions } from '../app/agents/unavailable-cluster-actions.ts';
import { VgacPlatformClient } from '../adapters/collectors/vgac-platform-client.ts';
import { VgacPlatformObserver } from '../adapters/collectors/vgac-platform-observer.ts';
import type { Config } from './config.ts';

export const PLATFORM_ACTIONS_UNAVAILABLE =
  "the VGAC platform's prediction API changes no jobs; act on the job in its scheduler yourself";

export function platformRoutes(
  config: Pick<Config, 'lambda' | 'platform'>,
  secrets: { readonly apiKey?: string } = {},
): ClusterRoute[] {
  const { url, clusterIds } = config.platform;
  const apiKey = secrets.apiKey ?? config.platform.apiKey;
  if (config.lambda.collector !== 'vgac-api' || url === undefined) return [];
  const observer = new VgacPlatformObserver({
    client: new VgacPlatformClient({ baseUrl: url, ...(apiKey === undefined ? {} : { apiKey }) }),
  });
  const actions = unavailableClusterActions(PLATFORM_ACTIONS_UNAVAILABLE);
  return clusterIds.map((clusterId) => ({ clusterId, observer, actions }));
}

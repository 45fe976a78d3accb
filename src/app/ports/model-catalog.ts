import type { CatalogLookup, FoundationModelInfo, InferenceProfileInfo } from '../../core/agents/model-availability.ts';

/**
 * Bedrock's model catalog in one Region (its control plane): the status of an inference profile
 * and the lifecycle of a foundation model. A missing or unreadable entry is a result, not an
 * error; anything else (network, throttling past retries) throws InfrastructureError.
 */
export interface ModelCatalog {
  readonly region: string;
  inferenceProfile(profileId: string): Promise<CatalogLookup<InferenceProfileInfo>>;
  foundationModel(modelId: string): Promise<CatalogLookup<FoundationModelInfo>>;
}

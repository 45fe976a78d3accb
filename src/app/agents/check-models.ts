/**
 * `vgac doctor`'s use case: for the default and the complex model of the policy, ask the model
 * catalog what the id calls (its inference profile, then the profile's foundation model; or the
 * foundation model of a plain id) and judge each with `judgeModelAvailability` (core).
 */
import { judgeModelAvailability, Availability, type ModelAvailability } from '../../core/agents/model-availability.ts';
import {
  MODEL_LIST_AS_OF,
  resolveModel,
  type AllowedModelId,
  type ModelPolicy,
} from '../../core/agents/model-policy.ts';
import type { ModelCatalog } from '../ports/model-catalog.ts';

export interface ModelCheckReport {
  readonly region: string;
  /** The date of the allow-list the ids were checked against. */
  readonly allowListAsOf: string;
  /** True when every model is active. */
  readonly ok: boolean;
  readonly models: readonly ModelAvailability[];
}

async function checkOne(catalog: ModelCatalog, setting: string, modelId: AllowedModelId): Promise<ModelAvailability> {
  const { model, geography } = resolveModel(modelId);
  const profile = geography === null ? null : await catalog.inferenceProfile(modelId);
  const foundationModel =
    profile !== null && profile.status !== 'found' ? null : await catalog.foundationModel(model.foundationModelId);
  return judgeModelAvailability({ setting, modelId, region: catalog.region, profile, foundationModel });
}

/** Checks both models of `policy` in the catalog's Region. Throws only when the catalog is unreachable. */
export async function checkModels(
  catalog: ModelCatalog,
  policy: ModelPolicy,
  settings = { default: 'VGAC_BEDROCK_MODEL_ID', complex: 'VGAC_BEDROCK_COMPLEX_MODEL_ID' },
): Promise<ModelCheckReport> {
  const models = [
    await checkOne(catalog, settings.default, policy.defaultModelId),
    await checkOne(catalog, settings.complex, policy.complexModelId),
  ];
  return {
    region: catalog.region,
    allowListAsOf: MODEL_LIST_AS_OF,
    ok: models.every((entry) => entry.status === Availability.active),
    models,
  };
}

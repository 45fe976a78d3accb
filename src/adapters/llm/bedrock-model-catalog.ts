/**
 * `ModelCatalog` on Amazon Bedrock's control plane through @aws-sdk/client-bedrock:
 * GetInferenceProfile (`GET /inference-profiles/{id}`: `status`, `models[].modelArn`) and
 * GetFoundationModel (`GET /foundation-models/{id}`: `modelDetails.modelLifecycle`). A 404
 * ResourceNotFoundException and a 403 AccessDeniedException are results; any other failure is an
 * InfrastructureError naming the operation and the error class.
 */
import { BedrockClient, GetFoundationModelCommand, GetInferenceProfileCommand } from '@aws-sdk/client-bedrock';
import { InfrastructureError } from '../../app/errors.ts';
import type { ModelCatalog } from '../../app/ports/model-catalog.ts';
import type { CatalogLookup } from '../../core/agents/model-availability.ts';

export interface BedrockControlClientOptions {
  readonly region: string;
  /** A control-plane endpoint to use instead of AWS's (tests: a loopback server). */
  readonly endpoint?: string;
  /** Static credentials (loopback tests); absent → the SDK's default provider chain. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** A Bedrock control-plane client (not the runtime: no model is called). */
export function createBedrockControlClient(options: BedrockControlClientOptions): BedrockClient {
  return new BedrockClient({
    region: options.region,
    maxAttempts: 3,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: { ...options.credentials } }),
  });
}

const NOT_FOUND = new Set(['ResourceNotFoundException']);
const DENIED = new Set(['AccessDeniedException', 'UnrecognizedClientException']);

async function lookup<T>(operation: string, call: () => Promise<T>): Promise<CatalogLookup<T>> {
  try {
    return { status: 'found', value: await call() };
  } catch (error) {
    const name = error instanceof Error ? error.name : 'unknown error';
    if (NOT_FOUND.has(name)) return { status: 'not_found', detail: name };
    if (DENIED.has(name)) return { status: 'access_denied', detail: name };
    if (error instanceof InfrastructureError) throw error;
    throw new InfrastructureError(`Bedrock ${operation} failed: ${name}`, { cause: error });
  }
}

function isoDate(value: Date | undefined): string | null {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString().slice(0, 10) : null;
}

export function createBedrockModelCatalog(client: BedrockClient, region: string): ModelCatalog {
  return {
    region,
    inferenceProfile: (profileId) =>
      lookup('GetInferenceProfile', async () => {
        const output = await client.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: profileId }));
        if (typeof output.status !== 'string')
          throw new InfrastructureError(`Bedrock GetInferenceProfile answered no status for '${profileId}'`);
        return {
          status: output.status,
          modelArns: (output.models ?? []).flatMap((model) =>
            typeof model.modelArn === 'string' ? [model.modelArn] : [],
          ),
        };
      }),
    foundationModel: (modelId) =>
      lookup('GetFoundationModel', async () => {
        const lifecycle = (await client.send(new GetFoundationModelCommand({ modelIdentifier: modelId }))).modelDetails
          ?.modelLifecycle;
        if (typeof lifecycle?.status !== 'string')
          throw new InfrastructureError(`Bedrock GetFoundationModel answered no modelLifecycle for '${modelId}'`);
        return {
          lifecycleStatus: lifecycle.status,
          legacyOn: isoDate(lifecycle.legacyTime),
          endOfLifeOn: isoDate(lifecycle.endOfLifeTime),
        };
      }),
  };
}

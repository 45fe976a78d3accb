/**
 * A loopback HTTP server speaking the two Amazon Bedrock control-plane operations `vgac doctor`
 * uses, in their documented REST-JSON wire format:
 * - GetInferenceProfile (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_GetInferenceProfile.html):
 *   `GET /inference-profiles/{inferenceProfileIdentifier}` → 200 `{ inferenceProfileArn,
 *   inferenceProfileId, inferenceProfileName, models: [{ modelArn }], status, type, createdAt, updatedAt }`;
 * - GetFoundationModel (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_GetFoundationModel.html):
 *   `GET /foundation-models/{modelIdentifier}` → 200 `{ modelDetails: { modelArn, modelId,
 *   modelName, providerName, …, modelLifecycle: { status, legacyTime?, endOfLifeTime? } } }`.
 * Errors are REST-JSON errors: the `x-amzn-errortype` header and `{ message }`, e.g. 404
 * ResourceNotFoundException, 403 AccessDeniedException. The catalog is what the test puts in it;
 * every request is recorded.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeProfile {
  readonly status: string;
  /** The foundation model the profile routes to. */
  readonly foundationModelId: string;
  readonly regions: readonly string[];
}

export interface FakeFoundationModel {
  readonly name: string;
  readonly lifecycle: 'ACTIVE' | 'LEGACY';
  readonly legacyTime?: string;
  readonly endOfLifeTime?: string;
}

export interface BedrockControlServer {
  readonly endpoint: string;
  /** `GET /path` of every request, in order. */
  readonly requests: string[];
  readonly profiles: Map<string, FakeProfile>;
  readonly models: Map<string, FakeFoundationModel>;
  /** Ids (profile or model) whose lookup answers 403 AccessDeniedException. */
  readonly denied: Set<string>;
  close(): Promise<void>;
}

const ACCOUNT = '123456789012';

export async function startBedrockControlServer(region = 'us-east-1'): Promise<BedrockControlServer> {
  const requests: string[] = [];
  const profiles = new Map<string, FakeProfile>();
  const models = new Map<string, FakeFoundationModel>();
  const denied = new Set<string>();
  const server: Server = createServer((request, response) => {
    const path = request.url ?? '';
    requests.push(`${request.method ?? '?'} ${path}`);
    const send = (status: number, body: unknown, errorType?: string) => {
      response.writeHead(status, {
        'content-type': 'application/json',
        'x-amzn-requestid': `req-${requests.length}`,
        ...(errorType === undefined ? {} : { 'x-amzn-errortype': errorType }),
      });
      response.end(JSON.stringify(body));
    };
    const match = /^\/(inference-profiles|foundation-models)\/([^/?]+)$/.exec(path);
    if (request.method !== 'GET' || match === null) {
      send(404, { message: `no route ${request.method ?? '?'} ${path}` }, 'UnknownOperationException');
      return;
    }
    const [, kind, encoded] = match;
    const id = decodeURIComponent(encoded ?? '');
    if (denied.has(id)) {
      send(
        403,
        { message: "You don't have access to the model with the specified model ID." },
        'AccessDeniedException',
      );
      return;
    }
    if (kind === 'inference-profiles') {
      const profile = profiles.get(id);
      if (profile === undefined) {
        send(404, { message: 'The specified inference profile could not be found.' }, 'ResourceNotFoundException');
        return;
      }
      send(200, {
        inferenceProfileArn: `arn:aws:bedrock:${region}:${ACCOUNT}:inference-profile/${id}`,
        inferenceProfileId: id,
        inferenceProfileName: `US ${profile.foundationModelId}`,
        description: `Routes requests to ${profile.foundationModelId} in ${profile.regions.join(', ')}.`,
        models: profile.regions.map((destination) => ({
          modelArn: `arn:aws:bedrock:${destination}::foundation-model/${profile.foundationModelId}`,
        })),
        status: profile.status,
        type: 'SYSTEM_DEFINED',
        createdAt: '2026-10-07T00:00:00Z',
        updatedAt: '2026-10-07T00:00:00Z',
      });
      return;
    }
    const model = models.get(id);
    if (model === undefined) {
      send(404, { message: 'The model could not be found.' }, 'ResourceNotFoundException');
      return;
    }
    send(200, {
      modelDetails: {
        modelArn: `arn:aws:bedrock:${region}::foundation-model/${id}`,
        modelId: id,
        modelName: model.name,
        providerName: 'Anthropic',
        inputModalities: ['TEXT', 'IMAGE'],
        outputModalities: ['TEXT'],
        responseStreamingSupported: true,
        customizationsSupported: [],
        inferenceTypesSupported: ['INFERENCE_PROFILE'],
        modelLifecycle: {
          status: model.lifecycle,
          ...(model.legacyTime === undefined ? {} : { legacyTime: model.legacyTime }),
          ...(model.endOfLifeTime === undefined ? {} : { endOfLifeTime: model.endOfLifeTime }),
        },
      },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    profiles,
    models,
    denied,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}

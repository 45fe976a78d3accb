/**
 * Lambda entry for the HTTP API behind API Gateway (HTTP API, payload v2). Everything is built
 * once per cold start, at module scope: configuration, clients and stores, secrets (the API key
 * from SSM Parameter Store when VGAC_API_KEY_PARAM is set), and the one HTTP app; each
 * invocation is `handle(app)` — the same app the local server runs.
 */
import { SSMClient } from '@aws-sdk/client-ssm';
import { SsmSecrets } from '../../adapters/ssm/ssm-secrets.ts';
import { loadConfig } from '../config.ts';
import { createRuntime } from '../runtime.ts';
import { createApiApp, lambdaHandlerOf } from './api-app.ts';

const config = loadConfig();
const runtime = await createRuntime(config);
const secrets = new SsmSecrets({ client: new SSMClient({ region: config.region, ...(config.lambda.ssmEndpoint === undefined ? {} : { endpoint: config.lambda.ssmEndpoint }) }) });
const apiKey = config.apiKey ?? (config.lambda.parameters.apiKey === undefined ? undefined : await secrets.get(config.lambda.parameters.apiKey));

export const handler = lambdaHandlerOf(createApiApp(runtime, apiKey === undefined ? {} : { apiKey }).app);

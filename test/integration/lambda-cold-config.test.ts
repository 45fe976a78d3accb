/**
 * Every deployed handler survives its cold start with the template's environment: the bundles
 * are built as `npm run build` builds them, and each `index.mjs` is imported in a fresh Node
 * process whose environment is exactly template.yaml's for that function (Globals merged with
 * its own Variables; ARNs, table, bucket and function names faked; parameters at their
 * Defaults), plus what the Lambda runtime adds (region, credentials — fake) and an SSM endpoint
 * override pointing at a loopback Parameter Store, since three handlers read secrets at import.
 *
 * It also proves scripts/check-infra/cold-start-needs.ts true: the SSM parameters each bundle
 * reads at import are exactly the listed ones, and removing any listed variable breaks the import.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLambdas } from '../../scripts/build-lambdas.ts';
import { parseTemplate } from '../../scripts/check-infra/cfn-yaml.ts';
import { coldStartNeeds } from '../../scripts/check-infra/cold-start-needs.ts';
import { functionEnvironment, resolveWithFakes } from '../../scripts/check-infra/template-environment.ts';
import { LAMBDA_FUNCTIONS, type LambdaFunction } from '../../scripts/lambda-functions.ts';
import { startSsmJsonServer, type SsmJsonServer } from '../support/ssm-json-server.ts';

const REPOSITORY = join(import.meta.dirname, '..', '..');
const template = parseTemplate(await readFile(join(REPOSITORY, 'template.yaml'), 'utf8'), 'template.yaml').document;
const parameterDefaults = (template.Parameters ?? {}) as Record<string, { Default?: unknown }>;

/** Secret values behind the template's default parameter names (long enough for config.ts). */
const SECRETS: Readonly<Record<string, string>> = {
  [String(parameterDefaults.ApiKeyParameterName?.Default)]: 'cold-start-api-key-0123456789',
  [String(parameterDefaults.SlackSigningSecretParameterName?.Default)]: 'cold-start-signing-secret-0123456789',
  [String(parameterDefaults.SlackBotTokenParameterName?.Default)]: 'xoxb-cold-start',
  [String(parameterDefaults.SlurmJwtParameterName?.Default)]: 'cold-start-slurm-jwt',
  [String(parameterDefaults.PlatformApiKeyParameterName?.Default)]: 'cold-start-platform-key',
};

/** A deployer's answers that turn the collector on (template.yaml's CollectorSource=slurmrestd). */
const SLURMRESTD_ANSWERS: Readonly<Record<string, string>> = {
  CollectorSource: 'slurmrestd',
  SlurmrestdUrl: 'https://slurm.example.org:6820',
  SlurmUser: 'vgac',
};

/**
 * Loads the bundle, checks it exports a handler function, exits 0; a throw at import exits 2 once
 * its message is on stderr. The message is written here rather than left to Node's uncaught-error
 * print, which starts with the throwing source line — the whole minified module, ≈ 150 KB — and
 * which Node 22 was seen to cut short after the first line when stderr is a pipe.
 */
const IMPORT_SCRIPT = [
  'let module;',
  'try { module = await import(process.argv[1]); } catch (error) { process.stderr.write(`${error?.name}: ${error?.message}\\n`, () => process.exit(2)); }',
  "if (module !== undefined && typeof module.handler !== 'function') { process.stderr.write('no handler export'); process.exit(3); }",
  'if (module !== undefined) process.exit(0);',
].join('\n');

interface ImportResult {
  readonly exitCode: number;
  readonly stderr: string;
}

let outDirectory = '';
let ssm: SsmJsonServer;

beforeAll(async () => {
  // Inside the repository so the bundles resolve the external @aws-sdk/* from its node_modules, as the nodejs22.x runtime provides them.
  await mkdir(join(REPOSITORY, 'node_modules/.cache'), { recursive: true });
  outDirectory = await mkdtemp(join(REPOSITORY, 'node_modules/.cache/lambda-cold-'));
  await buildLambdas(LAMBDA_FUNCTIONS, REPOSITORY, outDirectory, join(outDirectory, '.agentcore'));
  ssm = await startSsmJsonServer(SECRETS);
}, 120_000);

afterAll(async () => {
  await ssm?.stop();
  if (outDirectory !== '') await rm(outDirectory, { recursive: true, force: true });
});

/** The template's environment for `fn`, faked (parameters at their Defaults unless `answers` names them), without the `omit`ted variables. */
function templateEnvironment(
  fn: LambdaFunction,
  omit: readonly string[] = [],
  answers: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const variables = resolveWithFakes(template, functionEnvironment(template, fn.logicalId).merged, undefined, answers);
  for (const name of omit) delete variables[name];
  return variables;
}

/** Imports `fn`'s bundle in a fresh process with `variables` plus the runtime's own (region, fake credentials) and the SSM override. */
async function importBundle(fn: LambdaFunction, variables: Readonly<Record<string, string>>): Promise<ImportResult> {
  const env = {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDCOLDSTARTTEST',
    AWS_SECRET_ACCESS_KEY: 'cold-start-secret',
    VGAC_SSM_ENDPOINT: ssm.endpoint,
    VGAC_LOG_LEVEL: 'error',
    ...variables,
  };
  const bundle = pathToFileURL(join(outDirectory, fn.name, 'index.mjs')).href;
  try {
    const { stderr } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '--eval', IMPORT_SCRIPT, bundle],
      { env, cwd: outDirectory, timeout: 20_000 },
    );
    return { exitCode: 0, stderr };
  } catch (error) {
    const failed = error as { code?: number; stderr?: string };
    return { exitCode: typeof failed.code === 'number' ? failed.code : -1, stderr: failed.stderr ?? String(error) };
  }
}

describe('Lambda bundles at cold start', () => {
  it.each(LAMBDA_FUNCTIONS.map((fn) => [fn.logicalId, fn] as const))(
    '%s loads with the template environment and reads exactly its listed SSM parameters',
    async (_logicalId, fn) => {
      const variables = templateEnvironment(fn);
      const expectedReads = coldStartNeeds(fn.logicalId)
        .ssmParameters.map((name) => variables[name])
        .sort();
      const before = ssm.requests.length;

      const result = await importBundle(fn, variables);

      expect(result, result.stderr).toMatchObject({ exitCode: 0 });
      expect(result.stderr).not.toMatch(/bad configuration|needs VGAC_/);
      expect(
        ssm.requests
          .slice(before)
          .map((request) => request.name)
          .sort(),
      ).toEqual(expectedReads);
      expect(ssm.requests.slice(before).every((request) => request.withDecryption)).toBe(true);
    },
  );

  it('CollectorFunction with CollectorSource=slurmrestd loads and reads exactly the slurmrestd JWT parameter', async () => {
    const collector = LAMBDA_FUNCTIONS.find((fn) => fn.logicalId === 'CollectorFunction');
    if (collector === undefined) throw new Error('no CollectorFunction in LAMBDA_FUNCTIONS');
    const variables = templateEnvironment(collector, [], SLURMRESTD_ANSWERS);
    const before = ssm.requests.length;

    const result = await importBundle(collector, variables);

    expect(result, result.stderr).toMatchObject({ exitCode: 0 });
    expect(ssm.requests.slice(before).map((request) => request.name)).toEqual([
      String(parameterDefaults.SlurmJwtParameterName?.Default),
    ]);
  });

  it("ApiFunction with PlatformUrl set loads and reads the API key and the platform's key, each once", async () => {
    const api = LAMBDA_FUNCTIONS.find((fn) => fn.logicalId === 'ApiFunction');
    if (api === undefined) throw new Error('no ApiFunction in LAMBDA_FUNCTIONS');
    const variables = templateEnvironment(api, [], {
      PlatformUrl: 'https://vgac.example.org',
      PlatformClusters: 'plat-a',
    });
    const before = ssm.requests.length;

    const result = await importBundle(api, variables);

    expect(result, result.stderr).toMatchObject({ exitCode: 0 });
    expect(
      ssm.requests
        .slice(before)
        .map((request) => request.name)
        .sort(),
    ).toEqual(
      [
        String(parameterDefaults.ApiKeyParameterName?.Default),
        String(parameterDefaults.PlatformApiKeyParameterName?.Default),
      ].sort(),
    );
  });

  it.each(
    LAMBDA_FUNCTIONS.flatMap((fn) =>
      coldStartNeeds(fn.logicalId).variables.map((variable) => [fn.logicalId, variable, fn] as const),
    ),
  )('%s fails its cold start without %s', async (_logicalId, variable, fn) => {
    const result = await importBundle(fn, templateEnvironment(fn, [variable]));

    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain(variable === 'VGAC_MODE' ? 'VGAC_MODE=aws' : variable);
  });
});

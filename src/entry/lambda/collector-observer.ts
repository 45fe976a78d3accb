/**
 * Which queue-state collectors the collector Lambda can run, and the observer for the configured
 * one. Kept apart from collect.ts (whose module scope builds the Lambda runtime) so the template
 * test can ask the code itself which `CollectorSource` values are deployable.
 */
import { AuthError, NotConfiguredError } from '../../app/errors.ts';
import type { ClusterObserver } from '../../app/ports/cluster-observer.ts';
import type { JobLookup } from '../../app/ports/job-lookup.ts';
import type { SecretSource } from '../../app/ports/secret-source.ts';
import { SlurmrestdJobLookup } from '../../adapters/collectors/slurmrestd-job-lookup.ts';
import { SlurmrestdObserver } from '../../adapters/collectors/slurmrestd-observer.ts';
import type { Config } from '../config.ts';

/** The collector sources a Lambda can run: template.yaml's `CollectorSource` allows exactly these. */
export const LAMBDA_COLLECTORS = ['none', 'slurmrestd'] as const;
export type LambdaCollector = (typeof LAMBDA_COLLECTORS)[number];

/**
 * The slurmrestd settings of the configured source; undefined for `none`.
 * @throws NotConfiguredError for a source a Lambda cannot run, or a missing URL or user.
 */
function slurmrestdSettings(
  config: Config,
): (Config['slurm'] & { readonly restUrl: string; readonly user: string }) | undefined {
  const collector = config.lambda.collector;
  if (collector === 'none') return undefined;
  if (collector !== 'slurmrestd') throw new NotConfiguredError(`the '${collector}' collector in Lambda`);
  const { restUrl, user } = config.slurm;
  if (restUrl === undefined || user === undefined)
    throw new NotConfiguredError('VGAC_SLURMRESTD_URL and VGAC_SLURM_USER for the slurmrestd collector');
  return { ...config.slurm, restUrl, user };
}

/**
 * The observer for the configured source; undefined for `none`. `slurmrestd` reads its JWT from
 * `secrets` (the SSM parameter VGAC_SLURM_JWT_PARAM) unless VGAC_SLURM_JWT is set, and re-reads it
 * once when slurmrestd refuses it (a re-issued token reaches a warm function). No
 * Lambda-capable observer exists for `slurm-cli` (no Slurm client commands in a Lambda),
 * `vgac-api` (the platform client is not a ClusterObserver) or `simulator` (its queue lives in
 * the memory of the `vgac start` process).
 * @throws NotConfiguredError for those sources, or a slurmrestd setting that is missing.
 */
export async function observerFor(config: Config, secrets?: SecretSource): Promise<ClusterObserver | undefined> {
  const settings = slurmrestdSettings(config);
  if (settings === undefined) return undefined;
  const { restUrl, user, jwt, jwtParameter, apiVersion } = settings;
  if (jwt !== undefined)
    return new SlurmrestdObserver({
      baseUrl: restUrl,
      userName: user,
      token: jwt,
      apiVersion,
      timeoutMs: config.agents.observeTimeoutMs,
    });
  if (jwtParameter === undefined || secrets === undefined)
    throw new NotConfiguredError('VGAC_SLURM_JWT_PARAM for the slurmrestd collector');
  let token = await secrets.get(jwtParameter);
  const observer = new SlurmrestdObserver({
    baseUrl: restUrl,
    userName: user,
    token: () => token,
    apiVersion,
    timeoutMs: config.agents.observeTimeoutMs,
  });
  const reread = secrets.refresh?.bind(secrets);
  if (reread === undefined) return observer;
  return {
    // A warm function outlives a JWT (`scontrol token` lasts 30 min by default): when slurmrestd
    // refuses it, re-read the parameter once — an operator re-issued it — and try again.
    async observe(clusterId, job) {
      try {
        return await observer.observe(clusterId, job);
      } catch (error) {
        if (!(error instanceof AuthError)) throw error;
        token = await reread(jwtParameter);
        return observer.observe(clusterId, job);
      }
    },
  };
}

/** The name a JWT given in VGAC_SLURM_JWT is read under (it never rotates). */
const ENV_JWT_SECRET = 'VGAC_SLURM_JWT';

/**
 * The configured Slurm's job lookup (its partitions go into the queue state the collector stores
 * for job questions): slurmrestd with the observer's URL, user and JWT; undefined for `none`.
 * @throws NotConfiguredError as {@link observerFor}.
 */
export function jobLookupFor(config: Config, secrets?: SecretSource): JobLookup | undefined {
  const settings = slurmrestdSettings(config);
  if (settings === undefined) return undefined;
  const { restUrl, user, jwt, jwtParameter, apiVersion } = settings;
  const options = { baseUrl: restUrl, userName: user, apiVersion, timeoutMs: config.agents.observeTimeoutMs };
  if (jwt !== undefined)
    return new SlurmrestdJobLookup({
      ...options,
      secrets: { get: () => Promise.resolve(jwt) },
      jwtSecretName: ENV_JWT_SECRET,
    });
  if (jwtParameter === undefined || secrets === undefined)
    throw new NotConfiguredError('VGAC_SLURM_JWT_PARAM for the slurmrestd collector');
  return new SlurmrestdJobLookup({ ...options, secrets, jwtSecretName: jwtParameter });
}

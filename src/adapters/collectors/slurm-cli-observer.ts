/**
 * The Observer through the Slurm client commands (an agent on a login node): `squeue --json`
 * (or `scontrol show job -o`) for jobs, `scontrol show node -o` for GPU capacity. Every call is
 * bounded by a timeout, since the clients block ~10 s when slurmctld is down. Errors translated:
 * timeout / unreachable → SourceUnavailableError, credential problems → AuthError.
 */
import { SourceUnavailableError } from '../../app/errors.ts';
import { buildClusterState } from '../../app/collection/cluster-state.ts';
import type { ClusterObserver } from '../../app/ports/cluster-observer.ts';
import type { ClusterState, JobSpec, QueuedJob } from '../../app/records/queue.ts';
import { runCommand, type CommandResult } from '../shared/run-command.ts';
import { classifyFailure, commandUnavailable, firstErrorLine } from '../shared/slurm-cli-errors.ts';
import {
  gpusInTres,
  nodeIsUnavailable,
  queuedJobFromJson,
  queuedJobFromScontrol,
  scontrolFields,
  type SlurmJsonJob,
} from './slurm-fields.ts';

export const DEFAULT_SLURM_CLI_TIMEOUT_MS = 5_000;

/** Where job listings come from: `squeue --json` (Slurm ≥ 21.08) or `scontrol show job -o` (any version). */
export const SlurmJobSource = { squeueJson: 'squeue-json', scontrol: 'scontrol' } as const;
export type SlurmJobSource = (typeof SlurmJobSource)[keyof typeof SlurmJobSource];

export interface SlurmCliObserverOptions {
  /** Child environment (e.g. with SLURM_CONF); undefined inherits this process's. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs?: number;
  readonly jobSource?: SlurmJobSource;
  /** Epoch ms, for `observedAtMs`. */
  readonly clock?: () => number;
  /** scontrol prints zone-less local times; default `Date.parse` (this host's zone, which is the client's). */
  readonly parseLocalTime?: (text: string) => number;
}

export class SlurmCliObserver implements ClusterObserver {
  readonly #options: SlurmCliObserverOptions;
  readonly #clock: () => number;

  constructor(options: SlurmCliObserverOptions = {}) {
    this.#options = options;
    this.#clock = options.clock ?? Date.now;
  }

  async observe(clusterId: string, job?: JobSpec): Promise<ClusterState> {
    // The instant the listing was requested: a job submitted while it is in flight is newer than the state.
    const observedAtMs = this.#clock();
    const [jobs, totalGpus] = await Promise.all([this.listJobs(), this.totalGpus()]);
    return buildClusterState({ clusterId, observedAtMs, jobs, totalGpus, ...(job === undefined ? {} : { job }) });
  }

  async listJobs(): Promise<QueuedJob[]> {
    if (this.#options.jobSource === SlurmJobSource.scontrol) {
      const result = await this.#run('scontrol', ['show', 'job', '-o']);
      // With no jobs scontrol prints "No jobs in the system" and exits 0.
      const parse = this.#options.parseLocalTime ?? Date.parse;
      return result.stdout
        .split('\n')
        .map((line) => queuedJobFromScontrol(line, parse))
        .filter((entry): entry is QueuedJob => entry !== null);
    }
    const result = await this.#run('squeue', ['--json']);
    let body: { jobs?: SlurmJsonJob[]; errors?: { description?: unknown }[] };
    try {
      body = JSON.parse(result.stdout) as typeof body;
    } catch (error) {
      throw new SourceUnavailableError(
        'squeue --json printed something that is not JSON (Slurm older than 21.08? use the scontrol job source)',
        { cause: error },
      );
    }
    // squeue --json exits 0 even when slurmctld is down: the failure is in `errors`.
    const errors = (body.errors ?? []).map((entry) =>
      typeof entry.description === 'string' ? entry.description : 'unspecified Slurm error',
    );
    if (errors.length > 0) throw new SourceUnavailableError(`squeue --json: ${errors.join('; ')}`);
    return (body.jobs ?? []).map(queuedJobFromJson).filter((entry): entry is QueuedJob => entry !== null);
  }

  /** GPUs on nodes that can run jobs (not down, drained or failed). */
  async totalGpus(): Promise<number> {
    const result = await this.#run('scontrol', ['show', 'node', '-o']);
    let total = 0;
    for (const line of result.stdout.split('\n')) {
      const fields = scontrolFields(line);
      if (!fields.has('NodeName') || nodeIsUnavailable(fields.get('State') ?? '')) continue;
      total += gpusInTres(fields.get('Gres'));
    }
    return total;
  }

  async #run(file: string, args: readonly string[]): Promise<CommandResult> {
    const command = `${file} ${args.join(' ')}`;
    let result: CommandResult;
    try {
      result = await runCommand(file, args, {
        timeoutMs: this.#options.timeoutMs ?? DEFAULT_SLURM_CLI_TIMEOUT_MS,
        ...(this.#options.env === undefined ? {} : { env: this.#options.env }),
      });
    } catch (error) {
      throw commandUnavailable(command, error);
    }
    if (result.exitCode !== 0) {
      throw (
        classifyFailure(command, result) ?? new SourceUnavailableError(`${command} failed: ${firstErrorLine(result)}`)
      );
    }
    return result;
  }
}

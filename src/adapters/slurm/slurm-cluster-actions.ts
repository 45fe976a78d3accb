/**
 * The Actor's port for Slurm: each ClusterAction becomes one `scontrol` call —
 * annotate → `update JobId=… Comment=…`, adjust_priority → `update JobId=… Priority=…`,
 * hold → `scontrol uhold …` (a hold its owner may release), release / requeue → `scontrol release|requeue …`, move_partition → `update JobId=… Partition=…`.
 * Dry-run reports the exact command without running it. Every call (and every refusal) is
 * audited: the result's `detail` names the command and outcome, and one `cluster.action` log
 * line records it. Only called after the gate allowed the action or a human approved it.
 */
import type { ClusterAction, ClusterActionResult, ClusterActions } from '../../app/ports/cluster-actions.ts';
import type { Logger } from '../../app/ports/logger.ts';
import { runCommand, type CommandResult } from '../shared/run-command.ts';
import { classifyFailure, commandUnavailable, firstErrorLine } from '../shared/slurm-cli-errors.ts';

export const DEFAULT_SLURM_ACTION_TIMEOUT_MS = 5_000;
/** Slurm keeps comments short in practice; longer text is refused rather than truncated. */
export const MAX_COMMENT_CHARS = 250;

export interface SlurmClusterActionsOptions {
  /** The cluster this Slurm is: actions naming another cluster are refused. */
  readonly clusterId: string;
  readonly logger: Logger;
  /** Child environment (e.g. with SLURM_CONF); undefined inherits this process's. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs?: number;
  /** When true every call is a dry run, whatever the caller asks. */
  readonly dryRun?: boolean;
}

const JOB_ID_PATTERN = /^\d+(?:_\d+)?$/;
const PARTITION_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
/** Slurm's largest settable priority (NO_VAL − 2, 32-bit). */
const MAX_PRIORITY = 0xfffffffd;

/** Shows a command as a shell would need it typed (for audit lines and dry runs). */
export function showCommand(args: readonly string[]): string {
  const quote = (text: string): string =>
    /^[A-Za-z0-9_=.:/,-]*$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
  return ['scontrol', ...args]
    .map((arg) => {
      const assignment = /^([A-Za-z]+=)(.*)$/.exec(arg);
      return assignment === null ? quote(arg) : `${assignment[1] ?? ''}${quote(assignment[2] ?? '')}`;
    })
    .join(' ');
}

/** The scontrol arguments for an action, or the reason it is refused before reaching Slurm. */
export function scontrolArgs(
  action: ClusterAction,
): { readonly args: readonly string[] } | { readonly refused: string } {
  if (!JOB_ID_PATTERN.test(action.jobId)) return { refused: `job id '${action.jobId}' is not a Slurm job id` };
  const jobId = action.jobId;
  switch (action.kind) {
    case 'annotate': {
      const comment = typeof action.value === 'string' ? action.value : '';
      if (comment.trim() === '') return { refused: 'annotate needs the comment text as its value' };
      if (comment.length > MAX_COMMENT_CHARS || /[\r\n]/.test(comment)) {
        return { refused: `comment must be one line of at most ${MAX_COMMENT_CHARS} characters` };
      }
      return { args: ['update', `JobId=${jobId}`, `Comment=${comment}`] };
    }
    case 'adjust_priority': {
      const priority = typeof action.value === 'number' ? action.value : Number(action.value);
      if (!Number.isInteger(priority) || priority < 0 || priority > MAX_PRIORITY) {
        return { refused: `priority must be an integer in [0, ${MAX_PRIORITY}], got '${String(action.value)}'` };
      }
      return { args: ['update', `JobId=${jobId}`, `Priority=${priority}`] };
    }
    case 'hold':
      // A user hold (JobHeldUser): the job's owner can release it once they confirm. `scontrol
      // hold` would set an admin hold that only an operator may release.
      return { args: ['uhold', jobId] };
    case 'release':
    case 'requeue':
      return { args: [action.kind, jobId] };
    case 'move_partition': {
      const partition = typeof action.value === 'string' ? action.value : '';
      if (!PARTITION_PATTERN.test(partition)) return { refused: `'${String(action.value)}' is not a partition name` };
      return { args: ['update', `JobId=${jobId}`, `Partition=${partition}`] };
    }
  }
}

export class SlurmClusterActions implements ClusterActions {
  readonly #options: SlurmClusterActionsOptions;

  constructor(options: SlurmClusterActionsOptions) {
    this.#options = options;
  }

  async execute(action: ClusterAction, options: { readonly dryRun?: boolean } = {}): Promise<ClusterActionResult> {
    const dryRun = this.#options.dryRun === true || options.dryRun === true;
    if (action.clusterId !== this.#options.clusterId) {
      return this.#audit(action, null, dryRun, {
        status: 'failed',
        detail: `refused: this Slurm is cluster '${this.#options.clusterId}', not '${action.clusterId}'`,
      });
    }
    const built = scontrolArgs(action);
    if ('refused' in built)
      return this.#audit(action, null, dryRun, { status: 'failed', detail: `refused: ${built.refused}` });
    const shown = showCommand(built.args);
    if (dryRun) return this.#audit(action, shown, dryRun, { status: 'dry_run', detail: `dry run: would run ${shown}` });

    let result: CommandResult;
    try {
      result = await runCommand('scontrol', built.args, {
        timeoutMs: this.#options.timeoutMs ?? DEFAULT_SLURM_ACTION_TIMEOUT_MS,
        ...(this.#options.env === undefined ? {} : { env: this.#options.env }),
      });
    } catch (error) {
      const unavailable = commandUnavailable('scontrol', error);
      return this.#audit(action, shown, dryRun, {
        status: 'failed',
        detail: `not done: ${unavailable.message}; ran ${shown}; the job may be unchanged`,
      });
    }
    if (result.exitCode !== 0) {
      const infrastructure = classifyFailure('scontrol', result);
      const detail =
        infrastructure === null
          ? `Slurm refused ${shown}: ${firstErrorLine(result)}`
          : `not done: ${infrastructure.message}; ran ${shown}`;
      return this.#audit(action, shown, dryRun, { status: 'failed', detail });
    }
    return this.#audit(action, shown, dryRun, { status: 'executed', detail: `ran ${shown}` });
  }

  #audit(
    action: ClusterAction,
    command: string | null,
    dryRun: boolean,
    result: ClusterActionResult,
  ): ClusterActionResult {
    const fields = {
      clusterId: action.clusterId,
      jobId: action.jobId,
      kind: action.kind,
      reason: action.reason,
      command,
      dryRun,
      status: result.status,
      detail: result.detail,
    };
    if (result.status === 'failed') this.#options.logger.warn('cluster.action', fields);
    else this.#options.logger.info('cluster.action', fields);
    return result;
  }
}

/**
 * Slurm's pending reasons (`squeue -o %r`, `scontrol show job`'s `Reason=`) in plain words for the
 * person who waits. The codes and their meanings are Slurm's own (squeue(1), "JOB REASON CODES":
 * https://slurm.schedmd.com/squeue.html#SECTION_JOB-REASON-CODES); the wording and what the user
 * can do about it are ours. Pure.
 */

/** Who can change a reason: the user, an administrator, or nobody (it clears by itself as the queue moves). */
export const PendingReasonActor = { user: 'user', admin: 'admin', queue: 'queue' } as const;
export type PendingReasonActor = (typeof PendingReasonActor)[keyof typeof PendingReasonActor];

export interface PendingReasonText {
  /** The scheduler's code as given (e.g. `QOSMaxGRESPerUser`). */
  readonly code: string;
  /** One sentence a person understands. */
  readonly words: string;
  /** Who can make it go away. */
  readonly actor: PendingReasonActor;
  /** True when the code is in the table (false: a code we do not know, shown as given). */
  readonly known: boolean;
}

interface Entry {
  readonly words: string;
  readonly actor: PendingReasonActor;
}

/** The table: Slurm code → words. Keys compare case-insensitively. */
export const PENDING_REASONS: Readonly<Record<string, Entry>> = Object.freeze({
  Priority: {
    words: 'jobs with a higher priority are ahead of it in its partition; it starts when they have',
    actor: 'queue',
  },
  Resources: {
    words: 'it is next in line and waits for enough free resources (GPUs, CPUs or memory) on the nodes',
    actor: 'queue',
  },
  Dependency: { words: 'it waits for another job it depends on to finish (its --dependency)', actor: 'user' },
  DependencyNeverSatisfied: {
    words: 'the job it depends on ended in a way that can never satisfy its dependency: it will not start; cancel it',
    actor: 'user',
  },
  JobHeldUser: {
    words: 'it is held by its owner (scontrol hold/uhold): it starts only after `scontrol release`',
    actor: 'user',
  },
  JobHeldAdmin: { words: 'an administrator is holding it: only an administrator can release it', actor: 'admin' },
  BeginTime: { words: 'its requested start time (--begin) has not come yet', actor: 'user' },
  ReqNodeNotAvail: { words: 'a node it needs is unavailable (down, drained or reserved)', actor: 'admin' },
  PartitionNodeLimit: {
    words: 'it asks for more nodes than its partition allows (or than are up in it)',
    actor: 'user',
  },
  PartitionTimeLimit: { words: "its time limit is above its partition's maximum", actor: 'user' },
  PartitionDown: { words: 'its partition is down', actor: 'admin' },
  PartitionInactive: { words: 'its partition cannot start jobs right now (inactive)', actor: 'admin' },
  NodeDown: { words: 'a node it needs is down', actor: 'admin' },
  BadConstraints: { words: 'no node can satisfy its constraints (--constraint, features)', actor: 'user' },
  Reservation: { words: 'it waits for its advanced reservation to become usable', actor: 'queue' },
  Licenses: { words: 'it waits for a license it requested', actor: 'queue' },
  AssocGrpGRES: { words: 'its account has reached its group limit on GPUs (GRES) in use', actor: 'queue' },
  AssocGrpCpuLimit: { words: 'its account has reached its group limit on CPUs in use', actor: 'queue' },
  AssocMaxJobsLimit: { words: 'its account has as many jobs running as it may', actor: 'queue' },
  AssocGrpJobsLimit: { words: 'its account group has as many jobs running as it may', actor: 'queue' },
  QOSMaxGRESPerUser: {
    words: 'you already use as many GPUs (GRES) as your QOS allows one user: it starts when one of your jobs ends',
    actor: 'user',
  },
  QOSMaxCpuPerUserLimit: { words: 'you already use as many CPUs as your QOS allows one user', actor: 'user' },
  QOSMaxJobsPerUserLimit: { words: 'you already run as many jobs as your QOS allows one user', actor: 'user' },
  QOSMaxWallDurationPerJobLimit: {
    words: 'its time limit is above what its QOS allows: it will not start as is',
    actor: 'user',
  },
  QOSGrpGRES: { words: 'its QOS has reached its group limit on GPUs (GRES) in use', actor: 'queue' },
  QOSGrpCpuLimit: { words: 'its QOS has reached its group limit on CPUs in use', actor: 'queue' },
  QOSResourceLimit: { words: 'its QOS has reached a resource limit', actor: 'queue' },
  QOSJobLimit: { words: 'its QOS has as many jobs running as it may', actor: 'queue' },
  InvalidQOS: { words: 'its QOS is not valid for its account: it will not start as is', actor: 'user' },
  InvalidAccount: { words: 'its account is not valid: it will not start as is', actor: 'user' },
  FrontEndDown: { words: 'no front-end node can run it', actor: 'admin' },
  Cleaning: { words: 'it is being requeued and still cleaning up its previous run', actor: 'queue' },
  Prolog: { words: 'its prolog is running: it is about to start', actor: 'queue' },
  PowerUpNode: { words: 'the nodes it needs are powering up', actor: 'queue' },
  SystemFailure: { words: 'a Slurm, file system or network failure holds it', actor: 'admin' },
  launch_failed_requeued_held: {
    words: 'it failed to launch and was requeued held: it needs a release',
    actor: 'user',
  },
});

const BY_LOWER = new Map(Object.entries(PENDING_REASONS).map(([code, entry]) => [code.toLowerCase(), { code, entry }]));

/**
 * A pending reason in plain words. `None` or an empty reason → null (nothing to explain). An
 * unknown code is returned as given with `known: false`, never guessed at.
 */
export function pendingReasonText(reason: string | null | undefined): PendingReasonText | null {
  const trimmed = (reason ?? '').trim();
  if (trimmed === '' || /^none$/i.test(trimmed)) return null;
  const found = BY_LOWER.get(trimmed.toLowerCase());
  if (found === undefined)
    return {
      code: trimmed,
      words: `the scheduler's reason is '${trimmed}'`,
      actor: PendingReasonActor.queue,
      known: false,
    };
  return { code: found.code, words: found.entry.words, actor: found.entry.actor, known: true };
}

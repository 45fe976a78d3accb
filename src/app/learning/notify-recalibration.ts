/**
 * The last step of the recalibration workflow: tells humans what changed for a cluster (scope,
 * drift, a retrained classifier, the refreshed profile) or that a step failed. The words are
 * built here from the workflow's own results; the Notifier (SNS on AWS) delivers them. A
 * checkpoint alone is routine and is not news.
 */
import type { Notifier } from '../ports/notifier.ts';

export interface ClusterChangeNotice {
  readonly kind: 'cluster';
  readonly clusterId: string;
  readonly previousScope: string | null;
  readonly scope: string | null;
  readonly driftStatus: string | null;
  readonly ece: number | null;
  readonly reasons: readonly string[];
  /** Set when the check of this cluster failed. */
  readonly error?: string;
  /** The maintenance step's result (`maintainCluster` through the Recalibrate task), when it ran. */
  readonly recalibration?: {
    readonly status: string;
    /** What it did: `retrained`, `checkpointed`, `feature_shifts`. */
    readonly steps?: readonly string[];
    /** The bundle active after it. */
    readonly bundleVersion?: number | null;
    /** What it did and why, or why something due was not done. */
    readonly reasons?: readonly string[];
  };
  readonly profile?: {
    readonly longWaitThresholdSeconds: number | null;
    readonly typicalWaitSeconds: number | null;
  };
}

export interface StepFailureNotice {
  readonly kind: 'failure';
  readonly clusterId?: string;
  /** The workflow state that failed, e.g. `CheckDrift`, `Recalibrate`. */
  readonly stage: string;
  /** Step Functions' error name and cause. */
  readonly error: { readonly name: string; readonly cause: string };
}

export type RecalibrationNotice = ClusterChangeNotice | StepFailureNotice;

export interface NoticeMessage {
  readonly subject: string;
  readonly text: string;
  readonly clusterId?: string;
}

/** Step Functions causes can be long JSON documents: keep what a human needs. */
const MAX_CAUSE_CHARS = 500;

function formatEce(ece: number | null): string {
  return ece === null ? 'not measured yet' : ece.toFixed(3);
}

/** The maintenance's note on a retrain it did not do, if any. */
function refusedRetrain(recalibration: ClusterChangeNotice['recalibration']): string | undefined {
  return recalibration?.reasons?.find((reason) => reason.startsWith('retrain'));
}

/** Subject and text of a notice. */
export function recalibrationMessage(notice: RecalibrationNotice): NoticeMessage {
  if (notice.kind === 'failure') {
    const where = notice.clusterId === undefined ? 'the recalibration run' : `cluster ${notice.clusterId}`;
    const cause =
      notice.error.cause.length > MAX_CAUSE_CHARS
        ? `${notice.error.cause.slice(0, MAX_CAUSE_CHARS)}…`
        : notice.error.cause;
    return {
      subject: `VGAC recalibration failed at ${notice.stage}${notice.clusterId === undefined ? '' : ` (${notice.clusterId})`}`,
      text: [`Step ${notice.stage} failed for ${where}.`, `Error: ${notice.error.name}`, `Cause: ${cause}`].join('\n'),
      ...(notice.clusterId === undefined ? {} : { clusterId: notice.clusterId }),
    };
  }
  const lines: string[] = [];
  let headline: string;
  const recalibration = notice.recalibration;
  if (notice.error !== undefined) {
    headline = 'drift check failed';
    lines.push(`The drift check failed: ${notice.error}`);
  } else if (recalibration?.steps?.includes('retrained') === true) {
    const version = recalibration.bundleVersion ?? '?';
    headline = `retrained (bundle v${version})`;
    lines.push(
      `Cluster ${notice.clusterId} had lost discrimination and was retrained: bundle version ${version} is now active; its calibrator starts over on the new classifier's outcomes.`,
    );
  } else if (refusedRetrain(recalibration) !== undefined) {
    headline = 'retrain not applied';
    lines.push(`A retrain was due but not applied: ${refusedRetrain(recalibration) ?? ''}.`);
  } else if (notice.previousScope !== null && notice.scope !== null && notice.previousScope !== notice.scope) {
    headline = `scope ${notice.previousScope} -> ${notice.scope}`;
    lines.push(`Action scope changed from ${notice.previousScope} to ${notice.scope}.`);
  } else {
    headline = `drift ${notice.driftStatus ?? 'unknown'}`;
    lines.push(`Drift status is ${notice.driftStatus ?? 'unknown'}.`);
  }
  lines.push(
    `ECE at the check: ${formatEce(notice.ece)}; drift: ${notice.driftStatus ?? 'unknown'}; scope: ${notice.previousScope ?? '?'} -> ${notice.scope ?? '?'}.`,
  );
  if (notice.reasons.length > 0) lines.push(`Why: ${notice.reasons.join('; ')}.`);
  if (notice.profile !== undefined) {
    lines.push(
      `Profile: typical wait ${notice.profile.typicalWaitSeconds ?? '?'} s, long-wait threshold ${notice.profile.longWaitThresholdSeconds ?? '?'} s.`,
    );
  }
  return { subject: `VGAC ${notice.clusterId}: ${headline}`, text: lines.join('\n'), clusterId: notice.clusterId };
}

/** Builds the message and hands it to the notifier; returns what was sent. */
export async function notifyRecalibration(notifier: Notifier, notice: RecalibrationNotice): Promise<NoticeMessage> {
  const message = recalibrationMessage(notice);
  await notifier.notify(message);
  return message;
}

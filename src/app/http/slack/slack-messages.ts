/**
 * Block Kit messages (https://api.slack.com/block-kit): an escalation with Approve / Reject
 * buttons, the decision that replaces it, and plain answers. Pure builders: the same blocks go
 * out through chat.postMessage and through response_url.
 */
import type { ChatMessage } from '../../ports/chat-replies.ts';
import type { Escalation } from '../../records/escalation.ts';

export const ESCALATION_ACTION = { approve: 'vgac_escalation_approve', reject: 'vgac_escalation_reject' } as const;

/** Button value: `{clusterId}/{escalationId}` (ids never contain `/`). */
export function escalationButtonValue(clusterId: string, escalationId: string): string {
  return `${clusterId}/${escalationId}`;
}

export function parseEscalationButtonValue(
  value: string | undefined,
): { clusterId: string; escalationId: string } | undefined {
  const match = /^([A-Za-z0-9][A-Za-z0-9._:-]{0,127})\/([A-Za-z0-9][A-Za-z0-9._:-]{0,127})$/.exec(value ?? '');
  if (match === null) return undefined;
  return { clusterId: match[1] as string, escalationId: match[2] as string };
}

/** Slack mrkdwn needs `&`, `<` and `>` escaped in any text we did not write ourselves. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Slack's limits on a confirmation dialog's title (plain text) and text (mrkdwn), in characters. */
const CONFIRM_TITLE_MAX = 100;
const CONFIRM_TEXT_MAX = 300;

/**
 * The Block Kit confirmation dialog (https://api.slack.com/reference/block-kit/composition-objects#confirm)
 * shown before an Approve or Reject click is sent: a click acts on a live queue (or closes the
 * escalation for good), so a stray one must not.
 */
function confirmDialog(verdict: 'approve' | 'reject', notice: { readonly subject: string }): Record<string, unknown> {
  const approve = verdict === 'approve';
  const consequence = approve
    ? 'The proposed action will be carried out on the cluster now.'
    : 'The proposed action will not be carried out; the escalation is closed.';
  // Cut the subject before escaping it, so no `&amp;` is cut in half.
  const room = CONFIRM_TEXT_MAX - consequence.length - 2;
  let subject = escapeMrkdwn(notice.subject);
  for (let kept = notice.subject.length - 1; subject.length > room; kept -= 1)
    subject = `${escapeMrkdwn(notice.subject.slice(0, kept))}…`;
  return {
    title: {
      type: 'plain_text',
      text: (approve ? 'Approve this action?' : 'Reject this action?').slice(0, CONFIRM_TITLE_MAX),
    },
    text: { type: 'mrkdwn', text: `${subject}\n\n${consequence}` },
    confirm: { type: 'plain_text', text: approve ? 'Approve' : 'Reject' },
    deny: { type: 'plain_text', text: 'Cancel' },
    ...(approve ? { style: 'primary' } : { style: 'danger' }),
  };
}

/** A notification about an escalation, with Approve / Reject buttons (each behind a confirmation dialog) when it names one. */
export function escalationMessage(notice: {
  readonly subject: string;
  readonly text: string;
  readonly clusterId?: string;
  readonly escalationId?: string;
}): ChatMessage {
  const text = `${notice.subject}\n${notice.text}`;
  const blocks: Record<string, unknown>[] = [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `*${escapeMrkdwn(notice.subject)}*\n${escapeMrkdwn(notice.text)}` },
    },
  ];
  if (notice.clusterId !== undefined && notice.escalationId !== undefined) {
    const value = escalationButtonValue(notice.clusterId, notice.escalationId);
    blocks.push({
      type: 'actions',
      block_id: `escalation:${value}`.slice(0, 255),
      elements: [
        {
          type: 'button',
          action_id: ESCALATION_ACTION.approve,
          style: 'primary',
          text: { type: 'plain_text', text: 'Approve' },
          value,
          confirm: confirmDialog('approve', notice),
        },
        {
          type: 'button',
          action_id: ESCALATION_ACTION.reject,
          style: 'danger',
          text: { type: 'plain_text', text: 'Reject' },
          value,
          confirm: confirmDialog('reject', notice),
        },
      ],
    });
  }
  return { text, blocks };
}

/** A Slack user id from `slack:{id}` as a mention; anyone else by name (escaped). */
function mentionOf(by: string | null): string {
  if (by === null) return 'nobody';
  const slackId = /^slack:([A-Z0-9]{1,32})$/.exec(by)?.[1];
  return slackId === undefined ? escapeMrkdwn(by) : `<@${slackId}>`;
}

/** What replaces the buttons once a human decided: who, when, and what happened to the action. */
export function decisionMessage(escalation: Escalation, alreadyDecided: boolean): ChatMessage {
  const when = escalation.decidedAtMs === null ? 'an unknown time' : new Date(escalation.decidedAtMs).toISOString();
  const verdict = escalation.status === 'rejected' ? 'Rejected' : 'Approved';
  const action = `${escalation.action.kind} of job ${escalation.jobId} on ${escalation.clusterId}`;
  const detail = escalation.result === null ? '' : `: ${escalation.result}`;
  const outcome =
    escalation.status === 'executed' || escalation.status === 'failed'
      ? `${escalation.status}${detail}`
      : escalation.status;
  const prefix = alreadyDecided ? 'Already decided: ' : '';
  const tail = ` at ${when}: ${action} (${outcome}).`;
  return {
    text: `${prefix}${verdict} by ${escalation.decidedBy ?? 'nobody'}${tail}`,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `${prefix}${verdict} by ${mentionOf(escalation.decidedBy)}${escapeMrkdwn(tail)}`,
        },
      },
    ],
  };
}

/** The "Notify me when it starts" button on a job forecast answer. */
export const JOB_NOTIFY_ACTION = 'vgac_job_notify';

/** Button value: `{clusterId}/{jobId}` (ids never contain `/`). */
export function jobButtonValue(clusterId: string, jobId: string): string {
  return `${clusterId}/${jobId}`;
}

export function parseJobButtonValue(value: string | undefined): { clusterId: string; jobId: string } | undefined {
  const target = parseEscalationButtonValue(value);
  return target === undefined ? undefined : { clusterId: target.clusterId, jobId: target.escalationId };
}

/** A forecast answer about a submitted job, with a button that subscribes whoever clicks it. */
export function jobForecastMessage(
  text: string,
  job: { readonly clusterId: string; readonly jobId: string },
): ChatMessage {
  const value = jobButtonValue(job.clusterId, job.jobId);
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(text) } },
      {
        type: 'actions',
        block_id: `job:${value}`.slice(0, 255),
        elements: [
          {
            type: 'button',
            action_id: JOB_NOTIFY_ACTION,
            text: { type: 'plain_text', text: 'Notify me when it starts' },
            value,
          },
        ],
      },
    ],
  };
}

export function plainMessage(text: string): ChatMessage {
  return { text };
}

/** The `/vgac` usage hint Slack shows while typing (the app manifest's `usage_hint`). */
export const SLACK_USAGE_HINT = 'when will my 4×A100 job start on slurm-hpc?';

export const SLACK_HELP =
  'Ask me about a cluster, e.g. `/vgac when will my 4×A100 job start on slurm-hpc?`, `/vgac status of eks-prod`, or `/vgac why?` after an answer; about a submitted job: `/vgac when will 12345 start?`, `/vgac why is 12345 pending?`, `/vgac what if 12345`, `/vgac notify me when 12345 starts`.';

export const WORKING_ON_IT = 'Working on it…';

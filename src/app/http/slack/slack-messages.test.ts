import { describe, expect, it } from 'vitest';
import { ESCALATION_ACTION, escalationMessage } from './slack-messages.ts';

interface Button {
  action_id: string;
  value: string;
  confirm?: {
    title: { type: string; text: string };
    text: { type: string; text: string };
    confirm: { text: string };
    deny: { text: string };
    style?: string;
  };
}

function buttonsOf(message: ReturnType<typeof escalationMessage>): Button[] {
  const actions = message.blocks?.find((block) => block.type === 'actions') as { elements: Button[] } | undefined;
  return actions?.elements ?? [];
}

describe('escalationMessage', () => {
  it('puts a Block Kit confirm dialog on Approve and on Reject, naming what is decided and what follows', () => {
    const message = escalationMessage({
      subject: 'Hold job 42 on slurm-hpc?',
      text: 'P(long wait) 0.93',
      clusterId: 'slurm-hpc',
      escalationId: 'esc-1',
    });

    const [approve, reject] = buttonsOf(message);

    expect(approve?.action_id).toBe(ESCALATION_ACTION.approve);
    expect(approve?.confirm).toEqual({
      title: { type: 'plain_text', text: 'Approve this action?' },
      text: {
        type: 'mrkdwn',
        text: 'Hold job 42 on slurm-hpc?\n\nThe proposed action will be carried out on the cluster now.',
      },
      confirm: { type: 'plain_text', text: 'Approve' },
      deny: { type: 'plain_text', text: 'Cancel' },
      style: 'primary',
    });
    expect(reject?.action_id).toBe(ESCALATION_ACTION.reject);
    expect(reject?.confirm?.title.text).toBe('Reject this action?');
    expect(reject?.confirm?.text.text).toMatch(/will not be carried out/);
    expect(reject?.confirm?.style).toBe('danger');
  });

  it('keeps the dialog text within Slack\'s 300 characters, escaped and cut whole (no half "&amp;")', () => {
    const subject = `${'a'.repeat(200)}&${'b'.repeat(200)}`;

    const [approve] = buttonsOf(escalationMessage({ subject, text: 't', clusterId: 'c', escalationId: 'e' }));

    const text = approve?.confirm?.text.text ?? '';
    expect(text.length).toBeLessThanOrEqual(300);
    expect(text.startsWith(`${'a'.repeat(200)}&amp;b`)).toBe(true);
    expect(text).toMatch(/b…\n\nThe proposed action/);
  });

  it('has no buttons (and so no dialogs) for a notice that names no escalation', () => {
    expect(buttonsOf(escalationMessage({ subject: 's', text: 't' }))).toEqual([]);
  });
});

/**
 * A Notifier that tells humans in chat: every notice is posted to one channel, and a notice about
 * an escalation carries Approve / Reject buttons (handled by `/slack/interactions`).
 */
import type { ChatReplies } from '../../ports/chat-replies.ts';
import type { Notifier } from '../../ports/notifier.ts';
import { escalationMessage } from './slack-messages.ts';

export function chatNotifier(replies: ChatReplies, channel: string): Notifier {
  return {
    notify: (notice) => replies.post(channel, escalationMessage(notice)),
  };
}

/**
 * A Notifier that writes each notice as one `notify` log line: the embedded default until SNS or
 * Slack is configured (the dashboard reads escalations from the table, not from here).
 */
import type { Logger } from '../ports/logger.ts';
import type { Notifier } from '../ports/notifier.ts';

export function loggingNotifier(logger: Logger): Notifier {
  return {
    notify(message) {
      logger.info('notify', {
        subject: message.subject,
        text: message.text,
        clusterId: message.clusterId,
        escalationId: message.escalationId,
      });
      return Promise.resolve();
    },
  };
}

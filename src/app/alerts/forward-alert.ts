/**
 * Forwards one alert-topic message to humans in chat. The topic carries three kinds of message:
 * our own notices (subject + text, with `clusterId` / `escalationId` attributes), CloudWatch
 * alarm state changes (a JSON document with `AlarmName`, `NewStateValue`, `NewStateReason`) and
 * AWS Budgets notifications (plain text). Each becomes one notice for the chat Notifier; an
 * escalation keeps its ids so the chat message carries Approve / Reject buttons.
 */
import type { Notifier } from '../ports/notifier.ts';

export interface AlertMessage {
  readonly subject: string | null;
  readonly message: string;
  /** String message attributes by name. */
  readonly attributes: Readonly<Record<string, string>>;
}

export type AlertKind = 'alarm' | 'notice';

/** Longest text forwarded; Slack truncates long sections anyway and alarm reasons can be long. */
const MAX_TEXT_CHARS = 2_000;

interface AlarmDocument {
  readonly AlarmName: string;
  readonly NewStateValue: string;
  readonly NewStateReason?: string;
  readonly AlarmDescription?: string | null;
}

function alarmOf(message: string): AlarmDocument | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const document = parsed as Record<string, unknown>;
  if (typeof document['AlarmName'] !== 'string' || typeof document['NewStateValue'] !== 'string') return null;
  return parsed as AlarmDocument;
}

function clip(text: string): string {
  return text.length <= MAX_TEXT_CHARS ? text : `${text.slice(0, MAX_TEXT_CHARS)}…`;
}

/** The notice an alert becomes (pure). */
export function alertNotice(alert: AlertMessage): {
  readonly kind: AlertKind;
  readonly notice: Parameters<Notifier['notify']>[0];
} {
  const alarm = alarmOf(alert.message);
  if (alarm !== null) {
    const lines = [alarm.AlarmDescription ?? '', alarm.NewStateReason ?? ''].filter((line) => line !== '');
    return {
      kind: 'alarm',
      notice: { subject: `Alarm ${alarm.AlarmName} is ${alarm.NewStateValue}`, text: clip(lines.join('\n')) },
    };
  }
  const clusterId = alert.attributes['clusterId'];
  const escalationId = alert.attributes['escalationId'];
  return {
    kind: 'notice',
    notice: {
      subject: alert.subject ?? 'VGAC alert',
      text: clip(alert.message),
      ...(clusterId === undefined ? {} : { clusterId }),
      ...(escalationId === undefined ? {} : { escalationId }),
    },
  };
}

/** Sends the alert's notice through the chat notifier; returns its kind. */
export async function forwardAlert(notifier: Notifier, alert: AlertMessage): Promise<AlertKind> {
  const { kind, notice } = alertNotice(alert);
  await notifier.notify(notice);
  return kind;
}

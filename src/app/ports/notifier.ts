/** Humans are told (SNS on AWS; the local bus + dashboard embedded; Slack when configured). */
export interface Notifier {
  notify(message: {
    readonly subject: string;
    readonly text: string;
    readonly clusterId?: string;
    readonly escalationId?: string;
  }): Promise<void>;
}

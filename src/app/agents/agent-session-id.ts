/**
 * Runtime session ids: one per conversation (a Slack thread or channel) or per API caller, so
 * AgentCore sends that conversation's invocations to the same session. The key is hashed: a
 * session id travels in a header and lands in AgentCore's logs, and an API key or a Slack user
 * id must not. SHA-256 hex keeps every id within AgentCore's 33–256 characters.
 */
import { createHash } from 'node:crypto';

/** `conversation`: a Copilot conversation (a Slack thread or channel, a command line); `api`: one API caller (one key). */
export const SessionScope = { conversation: 'conversation', api: 'api' } as const;
export type SessionScope = (typeof SessionScope)[keyof typeof SessionScope];

/** `<scope>-<sha256 hex of key>`: 68–77 characters, the same for the same key. */
export function agentSessionId(scope: SessionScope, key: string): string {
  return `${scope}-${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

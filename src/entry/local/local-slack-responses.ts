/**
 * The local stand-in for Slack's `response_url`: the slow answer to the banner's example slash
 * command is POSTed here and printed in the terminal that runs `vgac start`. It sits outside
 * `/slack` (Slack signs requests to us, not its own response_url), so instead of a signature it
 * accepts only the path the server itself issued: `LOCAL_RESPONSE_PATH/<token>`, the token random
 * per start. Anything else is the app's ordinary 404. The text is stripped of escape sequences
 * and control characters before it reaches the terminal.
 */
import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { constantTimeEqual } from '../../app/http/constant-time-equal.ts';
import { stripTerminalControls } from './terminal-text.ts';

/** Prefix of the stand-in's route; the full path carries the start's token. */
export const LOCAL_RESPONSE_PATH = '/local/slack-response';

export interface LocalSlackResponses {
  /** The path to put in `response_url` (append it to the server's URL). */
  readonly path: string;
  readonly routes: Hono;
}

/** A fresh unguessable token (128 bits, hex) for one start. */
export function newResponseToken(): string {
  return randomBytes(16).toString('hex');
}

/** `write` receives each answer as one printable block (default: the process's stdout). */
export function createLocalSlackResponses(token: string, write: (text: string) => void): LocalSlackResponses {
  const routes = new Hono().post(`${LOCAL_RESPONSE_PATH}/:token`, async (context) => {
    if (!(await constantTimeEqual(context.req.param('token'), token))) return context.notFound();
    const message = (await context.req.json().catch(() => ({}))) as { text?: unknown };
    const text = typeof message.text === 'string' ? message.text : JSON.stringify(message);
    write(`\n  Slack answer → ${stripTerminalControls(text)}\n\n`);
    return context.json({ ok: true });
  });
  return { path: `${LOCAL_RESPONSE_PATH}/${token}`, routes };
}

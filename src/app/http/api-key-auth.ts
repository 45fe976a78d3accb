/**
 * API-key authentication for `/api/*` and `POST /invocations`: the `x-api-key` header must equal
 * the configured key (constant-time compare). No key configured → the API is open (embedded
 * default); deployed stages always configure one (see `loadConfig`).
 */
import type { MiddlewareHandler } from 'hono';
import { UnauthorizedError } from '../errors.ts';
import { constantTimeEqual } from './constant-time-equal.ts';

export const API_KEY_HEADER = 'x-api-key';

/** Who a request is, as far as the API key says. */
export const Caller = {
  /** The configured key was presented. */
  authenticated: 'authenticated',
  /** No key is configured (embedded default): let in, but nothing trusts what it claims. */
  anonymous: 'anonymous',
} as const;
export type Caller = (typeof Caller)[keyof typeof Caller];

/**
 * Checks the `x-api-key` value `given` against `expectedKey`.
 *
 * @returns `authenticated` when the key matches, `anonymous` when no key is configured.
 * @throws UnauthorizedError when a key is configured and `given` is missing, empty or wrong.
 */
export async function authenticateApiKey(expectedKey: string | undefined, given: string | undefined): Promise<Caller> {
  if (expectedKey === undefined) return Caller.anonymous;
  if (given === undefined || given === '') throw new UnauthorizedError(`missing ${API_KEY_HEADER} header`);
  if (!(await constantTimeEqual(given, expectedKey))) throw new UnauthorizedError(`wrong ${API_KEY_HEADER}`);
  return Caller.authenticated;
}

export function apiKeyAuth(expectedKey: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    await authenticateApiKey(expectedKey, c.req.header(API_KEY_HEADER));
    return next();
  };
}

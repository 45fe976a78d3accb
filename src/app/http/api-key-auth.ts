/**
 * API-key authentication for `/api/*`: the `x-api-key` header must equal the configured key
 * (constant-time compare). No key configured → the API is open (embedded default); deployed
 * stages always configure one (see `loadConfig`).
 */
import type { MiddlewareHandler } from 'hono';
import { UnauthorizedError } from '../errors.ts';
import { constantTimeEqual } from './constant-time-equal.ts';

export const API_KEY_HEADER = 'x-api-key';

export function apiKeyAuth(expectedKey: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (expectedKey === undefined) return next();
    const given = c.req.header(API_KEY_HEADER);
    if (given === undefined || given === '') throw new UnauthorizedError(`missing ${API_KEY_HEADER} header`);
    if (!(await constantTimeEqual(given, expectedKey))) throw new UnauthorizedError(`wrong ${API_KEY_HEADER}`);
    return next();
  };
}

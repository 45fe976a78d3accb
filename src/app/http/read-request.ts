/**
 * Reading a request's body, query and path through zod: anything a client got wrong becomes an
 * `InvalidRequestError` whose issues name each bad field (`body.gpus`, `query.limit`).
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import { InvalidRequestError, UnsupportedMediaTypeError, type RequestIssue } from '../errors.ts';

type Location = 'body' | 'query' | 'path';

/** Parses `value` with `schema`; throws InvalidRequestError listing every issue under `location`. */
export function validate<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  location: Location,
): z.infer<Schema> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues: RequestIssue[] = parsed.error.issues.map((issue) => ({
    path: [location, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const first = issues[0];
  throw new InvalidRequestError(
    first === undefined ? `invalid ${location}` : `invalid ${location}: ${first.path} ${first.message}`,
    issues,
  );
}

/**
 * Throws UnsupportedMediaTypeError (415) unless the request says its body is `application/json`.
 * Besides naming the client's mistake, this keeps a web page from posting to a JSON route: a
 * cross-site form or `text/plain` fetch is sent without asking, `application/json` only after a
 * CORS preflight the server does not grant.
 */
export function requireJsonContentType(c: Context): void {
  const contentType = c.req.header('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType)) throw new UnsupportedMediaTypeError(contentType);
}

/** The JSON body, validated. 415 unless the content type is JSON; 400 for malformed JSON or a wrong shape. */
export async function jsonBody<Schema extends z.ZodType>(c: Context, schema: Schema): Promise<z.infer<Schema>> {
  requireJsonContentType(c);
  const text = await c.req.text();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The parser's message quotes the payload: keep it out of the reply.
    throw new InvalidRequestError('body is not valid JSON', [{ path: 'body', message: 'not valid JSON' }]);
  }
  return validate(schema, value, 'body');
}

/** The query string, validated (each parameter once: the last value wins). */
export function queryOf<Schema extends z.ZodType>(c: Context, schema: Schema): z.infer<Schema> {
  return validate(schema, c.req.query(), 'query');
}

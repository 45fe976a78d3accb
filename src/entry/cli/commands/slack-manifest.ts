/** `vgac slack-manifest --url BASE`: the Slack app manifest with every Request URL under BASE. */
import { writeFile } from 'node:fs/promises';
import { slackManifest } from '../../../app/http/slack/slack-manifest.ts';
import { InvalidInputError } from '../../../core/errors.ts';
import { parseCommandOptions } from '../parse-command-options.ts';
import { options, USAGE } from './slack-manifest-usage.ts';

/** Host names for which plain http is accepted (Slack itself requires https; these are for local tests). */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** `raw` as a base URL Slack can call: absolute, https (http only on loopback), no query or fragment. */
export function parseBaseUrl(raw: string | undefined): string {
  if (raw === undefined || raw.trim() === '') throw new InvalidInputError(`--url is required; ${USAGE}`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidInputError(
      `--url '${raw}' is not an absolute URL (e.g. https://abc123.execute-api.us-east-1.amazonaws.com)`,
    );
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    throw new InvalidInputError(`--url '${raw}' must use https (Slack calls only https Request URLs)`);
  }
  if (url.search !== '' || url.hash !== '')
    throw new InvalidInputError(`--url '${raw}' must not carry a query or fragment`);
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

export async function run(args: readonly string[]): Promise<number> {
  const values = parseCommandOptions('slack-manifest', args, options);
  const text = `${JSON.stringify(slackManifest(parseBaseUrl(values.url)), null, 2)}\n`;
  if (values.out === undefined) {
    process.stdout.write(text);
  } else {
    await writeFile(values.out, text);
    process.stderr.write(`wrote ${values.out}\n`);
  }
  return 0;
}

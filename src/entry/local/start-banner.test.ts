import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSlackRequest } from '../../app/http/slack/slack-signature.ts';
import { formatStartBanner, signedSlackCurl, type BannerFacts, type SlackSecretSource } from './start-banner.ts';

const SECRET = 'f3a9c0de'.repeat(8);
const URL_BASE = 'http://127.0.0.1:8080';
const RESPONSE_URL = `${URL_BASE}/local/slack-response/0123456789abcdef0123456789abcdef`;

interface CurlCall {
  readonly timestamp: number;
  readonly signature: string;
  readonly body: string;
}

/** Runs `command` in bash with `curl` replaced by a function that prints its arguments, one a line. */
function runWithFakeCurl(command: string, env: Record<string, string> = {}): Promise<CurlCall> {
  const script = `curl() { printf '%s\\n' "$@"; }\n${command}`;
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      ['-c', script],
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 10_000 },
      (error, stdout) => {
        if (error !== null) return reject(new Error(`the banner's command failed: ${error.message}`));
        const args = stdout.split('\n');
        const header = (name: string) => args.find((arg) => arg.startsWith(`${name}: `))?.slice(name.length + 2) ?? '';
        resolve({
          timestamp: Number(header('X-Slack-Request-Timestamp')),
          signature: header('X-Slack-Signature'),
          body: args[args.indexOf('--data') + 1] ?? '',
        });
      },
    );
  });
}

function facts(slackSecret: SlackSecretSource): BannerFacts {
  return {
    url: URL_BASE,
    portFallback: null,
    clusterIds: ['eks-prod'],
    simulate: false,
    speed: 1,
    slackEnabled: true,
    slackSecret,
    slackResponseUrl: RESPONSE_URL,
    apiKey: undefined,
    logFile: null,
  };
}

describe('signedSlackCurl', () => {
  let dir: string;
  let secretsFile: string;

  beforeAll(async () => {
    // A quote in the path: the command must still read the right file.
    dir = await mkdtemp(join(tmpdir(), "vgac-banner-o'q-"));
    secretsFile = join(dir, 'secrets.json');
    await writeFile(secretsFile, JSON.stringify({ slackSigningSecret: SECRET }));
  });

  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('signedSlackCurl reads the secret from the file when run and signs as Slack v0 does', async () => {
    const command = signedSlackCurl(URL_BASE, { kind: 'file', path: secretsFile }, 'status of eks-prod', RESPONSE_URL);

    const call = await runWithFakeCurl(command);

    expect(command).not.toContain(SECRET);
    expect(call.signature).toBe(await signSlackRequest(SECRET, call.timestamp, call.body));
    expect(new URLSearchParams(call.body).get('response_url')).toBe(RESPONSE_URL);
  });

  it('signedSlackCurl reads the secret from the environment variable when that is its source', async () => {
    const command = signedSlackCurl(
      URL_BASE,
      { kind: 'environment', variable: 'VGAC_SLACK_SIGNING_SECRET' },
      'why?',
      RESPONSE_URL,
    );

    const call = await runWithFakeCurl(command, { VGAC_SLACK_SIGNING_SECRET: SECRET });

    expect(command).not.toContain(SECRET);
    expect(call.signature).toBe(await signSlackRequest(SECRET, call.timestamp, call.body));
  });

  it('signedSlackCurl sends no signature when the secret is missing where it should be', async () => {
    const command = signedSlackCurl(
      URL_BASE,
      { kind: 'environment', variable: 'VGAC_SLACK_SIGNING_SECRET' },
      'why?',
      RESPONSE_URL,
    );

    const call = await runWithFakeCurl(command);

    expect(call.signature).toBe('');
  });
});

describe('formatStartBanner', () => {
  it('formatStartBanner names where the signing secret is and prints the response URL it was given', () => {
    const banner = formatStartBanner(facts({ kind: 'file', path: '/data/.vgac/secrets.json' }));

    expect(banner).toContain('signed with the secret in /data/.vgac/secrets.json, read when you run it');
    expect(banner).toContain(encodeURIComponent(RESPONSE_URL));
  });

  it('formatStartBanner prints no Slack example without a secret source', () => {
    const banner = formatStartBanner({ ...facts({ kind: 'file', path: '/x' }), slackSecret: undefined });

    expect(banner).not.toContain('Ask the Slack route');
  });
});

import { describe, expect, it } from 'vitest';
import { signSlackRequest, SLACK_TIMESTAMP_TOLERANCE_SECONDS, verifySlackSignature } from './slack-signature.ts';

// Slack's worked example (https://api.slack.com/authentication/verifying-requests-from-slack);
// the signature was re-derived with Python: hmac.new(secret, b'v0:1531420618:' + body, hashlib.sha256).hexdigest().
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TIMESTAMP = 1531420618;
const BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
const AT_TIMESTAMP_MS = TIMESTAMP * 1000;

describe('signSlackRequest', () => {
  it('signSlackRequest reproduces Slack documented example signature', async () => {
    const signature = await signSlackRequest(SECRET, TIMESTAMP, BODY);

    expect(signature).toBe(SIGNATURE);
  });
});

describe('verifySlackSignature', () => {
  it('verifySlackSignature accepts Slack documented example', async () => {
    const check = await verifySlackSignature(
      SECRET,
      { timestamp: String(TIMESTAMP), signature: SIGNATURE, rawBody: BODY },
      AT_TIMESTAMP_MS + 1000,
    );

    expect(check).toEqual({ valid: true });
  });

  it('verifySlackSignature refuses a tampered body, a wrong secret and a flipped signature digit', async () => {
    const tampered = await verifySlackSignature(
      SECRET,
      { timestamp: String(TIMESTAMP), signature: SIGNATURE, rawBody: BODY.replace('text=', 'text=x') },
      AT_TIMESTAMP_MS,
    );
    const wrongSecret = await verifySlackSignature(
      `${SECRET}0`,
      { timestamp: String(TIMESTAMP), signature: SIGNATURE, rawBody: BODY },
      AT_TIMESTAMP_MS,
    );
    const flipped = await verifySlackSignature(
      SECRET,
      { timestamp: String(TIMESTAMP), signature: SIGNATURE.replace(/3$/, '4'), rawBody: BODY },
      AT_TIMESTAMP_MS,
    );
    const otherTimestamp = await verifySlackSignature(
      SECRET,
      { timestamp: String(TIMESTAMP + 1), signature: SIGNATURE, rawBody: BODY },
      AT_TIMESTAMP_MS,
    );

    for (const check of [tampered, wrongSecret, flipped, otherTimestamp])
      expect(check).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('verifySlackSignature enforces the 5-minute window in both directions, inclusive', async () => {
    const request = { timestamp: String(TIMESTAMP), signature: SIGNATURE, rawBody: BODY };
    const edgeMs = SLACK_TIMESTAMP_TOLERANCE_SECONDS * 1000;

    const lateEdge = await verifySlackSignature(SECRET, request, AT_TIMESTAMP_MS + edgeMs);
    const tooLate = await verifySlackSignature(SECRET, request, AT_TIMESTAMP_MS + edgeMs + 1000);
    const earlyEdge = await verifySlackSignature(SECRET, request, AT_TIMESTAMP_MS - edgeMs);
    const tooEarly = await verifySlackSignature(SECRET, request, AT_TIMESTAMP_MS - edgeMs - 1000);

    expect(lateEdge.valid).toBe(true);
    expect(earlyEdge.valid).toBe(true);
    expect(tooLate).toEqual({ valid: false, reason: 'stale' });
    expect(tooEarly).toEqual({ valid: false, reason: 'stale' });
  });

  it('verifySlackSignature says which header is missing or malformed', async () => {
    const missing = await verifySlackSignature(
      SECRET,
      { timestamp: undefined, signature: SIGNATURE, rawBody: BODY },
      AT_TIMESTAMP_MS,
    );
    const emptySignature = await verifySlackSignature(
      SECRET,
      { timestamp: String(TIMESTAMP), signature: '', rawBody: BODY },
      AT_TIMESTAMP_MS,
    );
    const notNumber = await verifySlackSignature(
      SECRET,
      { timestamp: '15314e6', signature: SIGNATURE, rawBody: BODY },
      AT_TIMESTAMP_MS,
    );
    const wrongVersion = await verifySlackSignature(
      SECRET,
      { timestamp: String(TIMESTAMP), signature: SIGNATURE.replace('v0=', 'v1='), rawBody: BODY },
      AT_TIMESTAMP_MS,
    );
    const shortHex = await verifySlackSignature(
      SECRET,
      { timestamp: String(TIMESTAMP), signature: SIGNATURE.slice(0, -2), rawBody: BODY },
      AT_TIMESTAMP_MS,
    );

    expect(missing).toEqual({ valid: false, reason: 'missing_headers' });
    expect(emptySignature).toEqual({ valid: false, reason: 'missing_headers' });
    for (const check of [notNumber, wrongVersion, shortHex])
      expect(check).toEqual({ valid: false, reason: 'malformed' });
  });
});

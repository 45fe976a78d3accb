/**
 * Slack request signing, v0: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}` keyed with
 * the app's signing secret (https://api.slack.com/authentication/verifying-requests-from-slack),
 * accepted only within 5 minutes of now, either way.
 *
 * Hand-written on purpose: Bolt does export `isValidSlackRequest`, but @slack/bolt is not a
 * dependency here, pulling it in (with its Express/axios receivers) would roughly double the
 * Lambda bundle for ~30 lines, and its check only refuses timestamps from the past. Web Crypto
 * keeps it runtime-neutral (Node and Lambda alike); `crypto.subtle.verify` compares the MACs in
 * constant time (Node: CRYPTO_memcmp), so no byte-by-byte early exit leaks where they differ.
 */

/** Slack's replay window: requests more than this far from now (either way) are refused. */
export const SLACK_TIMESTAMP_TOLERANCE_SECONDS = 300;

export const SignatureRejection = {
  missingHeaders: 'missing_headers',
  malformed: 'malformed',
  stale: 'stale',
  mismatch: 'mismatch',
} as const;
export type SignatureRejection = (typeof SignatureRejection)[keyof typeof SignatureRejection];

export type SignatureCheck = { readonly valid: true } | { readonly valid: false; readonly reason: SignatureRejection };

export interface SignedRequest {
  /** `X-Slack-Request-Timestamp`: epoch seconds as text. */
  readonly timestamp: string | undefined;
  /** `X-Slack-Signature`: `v0=` + 64 hex digits. */
  readonly signature: string | undefined;
  /** The body exactly as received (before any parsing). */
  readonly rawBody: string;
}

/** Web Crypto's CryptoKey (the global type is missing from this project's lib settings). */
type CryptoKeyLike = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKeyLike>>();

function hmacKey(signingSecret: string): Promise<CryptoKeyLike> {
  let key = keys.get(signingSecret);
  if (key === undefined) {
    key = crypto.subtle.importKey('raw', encoder.encode(signingSecret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]);
    // One key per secret for the life of the process (a Lambda container): secrets are few.
    keys.set(signingSecret, key);
  }
  return key;
}

function hexToBytes(hex: string): Uint8Array | undefined {
  if (!/^[0-9a-f]{64}$/i.test(hex)) return undefined;
  const bytes = new Uint8Array(32);
  for (let index = 0; index < 32; index += 1) bytes[index] = Number.parseInt(hex.slice(index * 2, index * 2 + 2), 16);
  return bytes;
}

/** Checks a request's Slack signature at `nowMs` (epoch ms). Never throws for bad input: it says why it refused. */
export async function verifySlackSignature(
  signingSecret: string,
  request: SignedRequest,
  nowMs: number,
): Promise<SignatureCheck> {
  const { timestamp, signature } = request;
  if (timestamp === undefined || signature === undefined || timestamp === '' || signature === '')
    return { valid: false, reason: SignatureRejection.missingHeaders };
  if (!/^\d{1,12}$/.test(timestamp) || !signature.startsWith('v0='))
    return { valid: false, reason: SignatureRejection.malformed };
  const given = hexToBytes(signature.slice(3));
  if (given === undefined) return { valid: false, reason: SignatureRejection.malformed };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > SLACK_TIMESTAMP_TOLERANCE_SECONDS)
    return { valid: false, reason: SignatureRejection.stale };
  const key = await hmacKey(signingSecret);
  const matches = await crypto.subtle.verify('HMAC', key, given, encoder.encode(`v0:${timestamp}:${request.rawBody}`));
  return matches ? { valid: true } : { valid: false, reason: SignatureRejection.mismatch };
}

/** The `X-Slack-Signature` Slack would send for `rawBody` at `timestampSeconds` (tests, the local curl example). */
export async function signSlackRequest(
  signingSecret: string,
  timestampSeconds: number,
  rawBody: string,
): Promise<string> {
  const key = await hmacKey(signingSecret);
  const mac = new Uint8Array(
    await crypto.subtle.sign('HMAC', key, encoder.encode(`v0:${timestampSeconds}:${rawBody}`)),
  );
  return `v0=${Array.from(mac, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

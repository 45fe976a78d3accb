/**
 * Compares two secrets in time that does not depend on where they differ: both are hashed with
 * SHA-256 (Web Crypto, so it runs on Node and Lambda alike) and the fixed-length digests are
 * compared with an XOR accumulator. Hashing first also hides the expected secret's length.
 */
const encoder = new TextEncoder();

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

/** True when `given` equals `expected`; resolves in time independent of the first differing byte. */
export async function constantTimeEqual(given: string, expected: string): Promise<boolean> {
  const [left, right] = await Promise.all([sha256(given), sha256(expected)]);
  let difference = 0;
  for (let index = 0; index < left.length; index += 1) difference |= (left[index] ?? 0) ^ (right[index] ?? 0);
  return difference === 0;
}

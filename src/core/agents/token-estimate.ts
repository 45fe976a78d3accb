/**
 * Token counts without a tokenizer. Two estimates, for two different jobs:
 * - {@link estimatedTokens} = ceil(characters / 4), the usual rule of thumb for English text with
 *   Claude's tokenizer; used to keep prompts short (the per-prompt ceilings are asserted on it).
 * - {@link inputTokensUpperBound} = UTF-8 bytes + a per-call overhead; a byte-level BPE token is
 *   at least one byte, so this never undercounts. The budget guard reserves on it, so a call's
 *   worst case is really a worst case.
 */

/** Tokens Bedrock adds per call for roles and message framing (generous). */
export const CALL_OVERHEAD_TOKENS = 32;

/** ceil(characters / 4), counting UTF-16 code units as characters. */
export function estimatedTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** UTF-8 length of `text` in bytes (computed here: core has no Buffer). Linear in the text length. */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (const character of text) {
    // A for-of character is one whole code point, never empty.
    const codePoint = character.codePointAt(0) as number;
    bytes += codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** An upper bound of the input tokens of a call whose serialised input is `texts`. */
export function inputTokensUpperBound(...texts: readonly string[]): number {
  return CALL_OVERHEAD_TOKENS + texts.reduce((sum, text) => sum + utf8Bytes(text), 0);
}

/**
 * Rule forbidden-model: the seed's forbidden model never appears — not in the template (values
 * or comments) and not in the source tree (src/, scripts/), except on lines of code that exist
 * to refuse it.
 *
 * Match: the model family's name as a word, case-insensitive, e.g. `claude-3-<name>-20240229`,
 * `anthropic.claude-<name>-4-1`, `Claude <Name>`: any occurrence not preceded or followed by a
 * letter (digits, `-`, `.`, `_` and spaces around it still match).
 *
 * Exemption (precise and testable): a line containing the marker `policy-allow: opus-refusal`
 * (in a `//` or `#` comment) is exempt — and only that line. Use it on refusal code, on the
 * refused model's price entry and on this rule's own pattern; every use is visible in review.
 */
import { RuleId, type SourceViolation, type Violation } from '../violation.ts';

export const FORBIDDEN_MODEL_PATTERN = /(?<![a-z])opus(?![a-z])/i; // policy-allow: opus-refusal
export const EXEMPTION_MARKER = 'policy-allow: opus-refusal'; // policy-allow: opus-refusal

const REASON = 'the seed forbids this model family (never use it); refusal code may carry the exemption marker'; // policy-allow: opus-refusal

/** 1-based line numbers of `text` that mention the forbidden model without the marker. */
export function forbiddenModelLines(text: string): number[] {
  const lines: number[] = [];
  text.split('\n').forEach((line, index) => {
    if (FORBIDDEN_MODEL_PATTERN.test(line) && !line.includes(EXEMPTION_MARKER)) lines.push(index + 1);
  });
  return lines;
}

/** Template check: one violation per offending line, attributed to what owns the line (see ParsedTemplate.lineOwners). */
export function checkForbiddenModelInTemplate(text: string, lineOwners: readonly string[]): Violation[] {
  return forbiddenModelLines(text).map((line) => ({
    rule: RuleId.forbiddenModel,
    logicalId: lineOwners[line - 1] ?? `line ${line}`,
    reason: `line ${line}: ${REASON}`,
  }));
}

/** Source check for one file. */
export function checkForbiddenModelInSource(file: string, text: string): SourceViolation[] {
  return forbiddenModelLines(text).map((line) => ({ rule: RuleId.forbiddenModel, file, line, reason: REASON }));
}

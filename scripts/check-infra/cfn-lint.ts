/**
 * cfn-lint, AWS's CloudFormation linter (a Python tool; it expands the SAM transform and checks
 * every property against the resource schemas), run over the template where it is installed.
 * Debian packages no cfn-lint and PyPI is unreachable from this project's machines, so nothing
 * here installs it: the `node` machine image ships it (pip), and where it is absent check:infra
 * says so in one line and runs its own rules only.
 *
 * Output: `--format parseable`, one finding a line, `path:line:column:endLine:endColumn:RULE:message`.
 * Exit status is a bit mask (2 errors, 4 warnings, 8 informational); 1 means cfn-lint itself
 * failed (usage, crash).
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const CFN_LINT = 'cfn-lint';

/** cfn-lint needs ≈ 10–30 s on this template (most of it the SAM transform); a hang must not stall CI. */
const CFN_LINT_TIMEOUT_MS = 300_000;

export const Severity = { error: 'error', warning: 'warning', informational: 'informational' } as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

export interface CfnLintFinding {
  readonly severity: Severity;
  /** cfn-lint's rule id, e.g. `E3002`. */
  readonly rule: string;
  /** 1-based line in the template. */
  readonly line: number;
  readonly message: string;
}

export type CfnLintOutcome =
  | { readonly status: 'off' }
  | { readonly status: 'absent' }
  | { readonly status: 'ran'; readonly executable: string; readonly findings: readonly CfnLintFinding[] }
  | { readonly status: 'failed'; readonly executable: string; readonly message: string };

/** The first executable file `name` in the directories of `pathVariable` (PATH's syntax); undefined when none. */
export function findExecutable(name: string, pathVariable: string | undefined = process.env.PATH): string | undefined {
  for (const directory of (pathVariable ?? '').split(delimiter)) {
    if (directory === '') continue;
    const candidate = join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

const FINDING = /^(.*):(\d+):(\d+):(\d+):(\d+):([EWI])(\d{4}):(.*)$/;
const SEVERITY_OF: Readonly<Record<string, Severity>> = {
  E: Severity.error,
  W: Severity.warning,
  I: Severity.informational,
};

/** Findings of cfn-lint's parseable output, and the non-empty lines that are not findings. */
export function parseCfnLintOutput(text: string): { findings: CfnLintFinding[]; unparsed: string[] } {
  const findings: CfnLintFinding[] = [];
  const unparsed: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const match = FINDING.exec(line);
    if (match === null) {
      unparsed.push(line);
      continue;
    }
    const [, , lineNumber, , , , letter, digits, message] = match as unknown as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    findings.push({
      severity: SEVERITY_OF[letter] as Severity,
      rule: `${letter}${digits}`,
      line: Number(lineNumber),
      message,
    });
  }
  return { findings, unparsed };
}

/** Runs `executable` over `templatePath`; a cfn-lint failure (exit 1, unreadable output) is an outcome, not a throw. */
export function runCfnLint(executable: string, templatePath: string): Promise<CfnLintOutcome> {
  return new Promise((resolvePromise) => {
    execFile(
      executable,
      ['--format', 'parseable', '--', templatePath],
      { timeout: CFN_LINT_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const exitCode = error === null ? 0 : typeof error.code === 'number' ? error.code : undefined;
        const { findings, unparsed } = parseCfnLintOutput(stdout);
        // Bit 1 is cfn-lint's own failure; no exit code means it did not run (missing, killed on timeout).
        if (exitCode === undefined || (exitCode & 1) === 1 || unparsed.length > 0) {
          const detail =
            [stderr, ...unparsed, error?.message ?? '']
              .join('\n')
              .split('\n')
              .find((line) => line.trim() !== '') ?? `exit status ${String(exitCode)}`;
          resolvePromise({ status: 'failed', executable, message: detail.trim() });
          return;
        }
        resolvePromise({ status: 'ran', executable, findings });
      },
    );
  });
}

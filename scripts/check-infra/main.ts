/**
 * `npm run check:infra [template]`: the infrastructure policy check. Parses the SAM template as
 * CloudFormation does, runs every rule (forbidden resources, on-demand DynamoDB, the forbidden
 * model, Lambda memory/timeout/log retention/JSON log format, IAM wildcards, retained stateful
 * resources, on-failure destinations of asynchronously invoked functions) and scans src/ and
 * scripts/ for the forbidden model; then runs cfn-lint over the template where it is installed
 * (cfn-lint.ts): its errors count as violations, its warnings are printed. Prints one line per
 * finding; exit 1 when there is any violation, 2 when the template cannot be read or parsed.
 *
 * usage: node --import tsx scripts/check-infra/main.ts [template] [--root DIR] [--no-cfn-lint]
 *   template       path relative to the root (default template.yaml); DIR defaults to the working directory.
 *   --no-cfn-lint  run only this repository's rules (cfn-lint takes 10–30 s).
 */
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { VgacError } from '../../src/core/errors.ts';
import { parseTemplate } from './cfn-yaml.ts';
import { checkTemplate } from './check-template.ts';
import { CFN_LINT, findExecutable, runCfnLint, Severity, type CfnLintOutcome } from './cfn-lint.ts';
import { checkForbiddenModelInSource } from './rules/forbidden-model.ts';
import { readSourceFiles } from './source-files.ts';
import { RuleId, type SourceViolation, type Violation } from './violation.ts';

/** Source roots scanned for the forbidden model, relative to the repository root. */
export const SCANNED_ROOTS = ['src', 'scripts'] as const;

export interface InfraReport {
  readonly templateViolations: readonly Violation[];
  readonly sourceViolations: readonly SourceViolation[];
  readonly resourcesChecked: number;
  readonly filesScanned: number;
  readonly cfnLint: CfnLintOutcome;
}

export interface CheckInfraOptions {
  /** `auto` (default): run cfn-lint when it is on PATH; `off`: never. */
  readonly cfnLint?: 'auto' | 'off';
  /** Where to look for cfn-lint (PATH's syntax); default process.env.PATH. */
  readonly path?: string;
}

export async function checkInfra(
  rootDirectory: string,
  templatePath: string,
  options: CheckInfraOptions = {},
): Promise<InfraReport> {
  const text = await readFile(templatePath, 'utf8');
  const template = parseTemplate(text, templatePath);
  const files = await readSourceFiles(rootDirectory, SCANNED_ROOTS);
  const resources = template.document.Resources;
  const executable = options.cfnLint === 'off' ? undefined : findExecutable(CFN_LINT, options.path);
  const cfnLint: CfnLintOutcome =
    options.cfnLint === 'off'
      ? { status: 'off' }
      : executable === undefined
        ? { status: 'absent' }
        : await runCfnLint(executable, templatePath);
  return {
    templateViolations: checkTemplate(template),
    sourceViolations: files.flatMap((file) => checkForbiddenModelInSource(file.path, file.text)),
    resourcesChecked: typeof resources === 'object' && resources !== null ? Object.keys(resources).length : 0,
    filesScanned: files.length,
    cfnLint,
  };
}

const SEVERITY_MARK: Readonly<Record<Severity, string>> = { error: '✗', warning: '!', informational: 'i' };

/** cfn-lint's lines for the report, and how many of them are violations (its errors, or its own failure). */
export function cfnLintLines(outcome: CfnLintOutcome, templateName: string): { lines: string[]; violations: number } {
  switch (outcome.status) {
    case 'off':
      return { lines: [], violations: 0 };
    case 'absent':
      return {
        lines: [
          `check-infra: ${CFN_LINT} not installed: skipped (Debian has no package; \`pip install cfn-lint\` where PyPI is reachable)`,
        ],
        violations: 0,
      };
    case 'failed':
      return { lines: [`✗ [${RuleId.cfnLint}] ${outcome.executable} failed: ${outcome.message}`], violations: 1 };
    case 'ran': {
      const count = (severity: Severity) => outcome.findings.filter((finding) => finding.severity === severity).length;
      const errors = count(Severity.error);
      return {
        lines: [
          ...outcome.findings.map(
            (finding) =>
              `${SEVERITY_MARK[finding.severity]} [${RuleId.cfnLint} ${finding.rule}] ${templateName}:${finding.line}: ${finding.message}`,
          ),
          `check-infra: ${CFN_LINT}: ${errors} error${errors === 1 ? '' : 's'}, ${count(Severity.warning)} warning${count(Severity.warning) === 1 ? '' : 's'}`,
        ],
        violations: errors,
      };
    }
  }
}

async function main(argv: readonly string[]): Promise<number> {
  let report: InfraReport;
  let templatePath = 'template.yaml';
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { root: { type: 'string' }, 'no-cfn-lint': { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
    const rootDirectory = resolve(values.root ?? process.cwd());
    templatePath = resolve(rootDirectory, positionals[0] ?? 'template.yaml');
    report = await checkInfra(rootDirectory, templatePath, {
      cfnLint: values['no-cfn-lint'] === true ? 'off' : 'auto',
    });
  } catch (error) {
    const message =
      error instanceof VgacError || error instanceof TypeError
        ? error.message
        : `cannot read ${templatePath}: ${(error as Error).message}`;
    process.stderr.write(`check-infra: ${message}\n`);
    return 2;
  }
  for (const violation of report.templateViolations) {
    process.stdout.write(`✗ [${violation.rule}] ${violation.logicalId}: ${violation.reason}\n`);
  }
  for (const violation of report.sourceViolations) {
    process.stdout.write(`✗ [${violation.rule}] ${violation.file}:${violation.line}: ${violation.reason}\n`);
  }
  const cfnLint = cfnLintLines(report.cfnLint, relative(process.cwd(), templatePath) || templatePath);
  for (const line of cfnLint.lines) process.stdout.write(`${line}\n`);
  const count = report.templateViolations.length + report.sourceViolations.length + cfnLint.violations;
  process.stdout.write(
    `check-infra: ${count === 0 ? 'OK' : `${count} violation${count > 1 ? 's' : ''}`} — ${report.resourcesChecked} resources in ${templatePath}, ${report.filesScanned} files under ${SCANNED_ROOTS.join('/, ')}/\n`,
  );
  return count === 0 ? 0 : 1;
}

// Run only as a script, not when a test imports the module.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}

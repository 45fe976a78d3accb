/**
 * `npm run check:infra [template]`: the infrastructure policy check. Parses the SAM template as
 * CloudFormation does, runs every rule (forbidden resources, on-demand DynamoDB, the forbidden
 * model, Lambda memory/timeout/log retention, IAM wildcards) and scans src/ and scripts/ for the
 * forbidden model. Prints one line per violation; exit 1 when there is any, 2 when the template
 * cannot be read or parsed.
 *
 * usage: node --import tsx scripts/check-infra/main.ts [template] [--root DIR]
 *   template  path relative to the root (default template.yaml); DIR defaults to the working directory.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { VgacError } from '../../src/core/errors.ts';
import { parseTemplate } from './cfn-yaml.ts';
import { checkTemplate } from './check-template.ts';
import { checkForbiddenModelInSource } from './rules/forbidden-model.ts';
import { readSourceFiles } from './source-files.ts';
import type { SourceViolation, Violation } from './violation.ts';

/** Source roots scanned for the forbidden model, relative to the repository root. */
export const SCANNED_ROOTS = ['src', 'scripts'] as const;

export interface InfraReport {
  readonly templateViolations: readonly Violation[];
  readonly sourceViolations: readonly SourceViolation[];
  readonly resourcesChecked: number;
  readonly filesScanned: number;
}

export async function checkInfra(rootDirectory: string, templatePath: string): Promise<InfraReport> {
  const text = await readFile(templatePath, 'utf8');
  const template = parseTemplate(text, templatePath);
  const files = await readSourceFiles(rootDirectory, SCANNED_ROOTS);
  const resources = template.document.Resources;
  return {
    templateViolations: checkTemplate(template),
    sourceViolations: files.flatMap((file) => checkForbiddenModelInSource(file.path, file.text)),
    resourcesChecked: typeof resources === 'object' && resources !== null ? Object.keys(resources).length : 0,
    filesScanned: files.length,
  };
}

async function main(argv: readonly string[]): Promise<number> {
  let report: InfraReport;
  let templatePath = 'template.yaml';
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: { root: { type: 'string' } }, allowPositionals: true, strict: true });
    const rootDirectory = resolve(values.root ?? process.cwd());
    templatePath = resolve(rootDirectory, positionals[0] ?? 'template.yaml');
    report = await checkInfra(rootDirectory, templatePath);
  } catch (error) {
    const message = error instanceof VgacError || error instanceof TypeError ? error.message : `cannot read ${templatePath}: ${(error as Error).message}`;
    process.stderr.write(`check-infra: ${message}\n`);
    return 2;
  }
  for (const violation of report.templateViolations) {
    process.stdout.write(`✗ [${violation.rule}] ${violation.logicalId}: ${violation.reason}\n`);
  }
  for (const violation of report.sourceViolations) {
    process.stdout.write(`✗ [${violation.rule}] ${violation.file}:${violation.line}: ${violation.reason}\n`);
  }
  const count = report.templateViolations.length + report.sourceViolations.length;
  process.stdout.write(
    `check-infra: ${count === 0 ? 'OK' : `${count} violation${count > 1 ? 's' : ''}`} — ${report.resourcesChecked} resources in ${templatePath}, ${report.filesScanned} files under ${SCANNED_ROOTS.join('/, ')}/\n`,
  );
  return count === 0 ? 0 : 1;
}

// Run only as a script, not when a test imports the module.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}

import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findExecutable } from './cfn-lint.ts';
import { cfnLintLines, checkInfra } from './main.ts';
import { RuleId } from './violation.ts';

const MAIN = join(import.meta.dirname, 'main.ts');
const NAME = 'opus'; // policy-allow: opus-refusal (test fixture)

const GOOD_TEMPLATE = `
Transform: AWS::Serverless-2016-10-31
Globals:
  Function: { Timeout: 30, MemorySize: 256, LoggingConfig: { LogFormat: JSON } }
Resources:
  FnLogs:
    Type: AWS::Logs::LogGroup
    Properties: { RetentionInDays: 14 }
  Fn:
    Type: AWS::Serverless::Function
    Properties: { CodeUri: dist/lambda/fn/, LoggingConfig: { LogGroup: !Ref FnLogs } }
  Table:
    Type: AWS::DynamoDB::Table
    DeletionPolicy: Retain
    UpdateReplacePolicy: Retain
    Properties: { BillingMode: PAY_PER_REQUEST }
`;

/** Clean for this repository's rules; cfn-lint finds one error (E3002, line 10) and one warning (W2001, line 3). */
const CFN_LINT_FIXTURE = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Unused:
    Type: String
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      DisplayName: x
      Bogus: 1
`;

const REPOSITORY = join(import.meta.dirname, '../..');

async function runMain(
  root: string,
  args: readonly string[],
  environment: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    // Run from the repository so `--import tsx` resolves; --root points the check at the fixture.
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', MAIN, '--root', root, ...args],
      { cwd: REPOSITORY, env: environment },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

describe('check-infra main', () => {
  let root = '';

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'vgac-infra-'));
    await mkdir(join(root, 'src/core'), { recursive: true });
    await mkdir(join(root, 'scripts'), { recursive: true });
    await writeFile(
      join(root, 'src/core/clean.ts'),
      "export const model = 'anthropic.claude-3-haiku-20240307-v1:0';\n",
    );
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('checkInfra reports template violations by logical id and source violations by file and line', async () => {
    await writeFile(join(root, 'template.yaml'), `${GOOD_TEMPLATE}  Box: { Type: AWS::EC2::Instance }\n`);
    await writeFile(join(root, 'scripts/bad.ts'), `\n\nconst id = 'claude-${NAME}-4';\n`);

    const report = await checkInfra(root, join(root, 'template.yaml'), { cfnLint: 'off' });

    expect(report.templateViolations.map((violation) => [violation.rule, violation.logicalId])).toEqual([
      [RuleId.forbiddenResource, 'Box'],
    ]);
    expect(report.sourceViolations.map((violation) => [violation.file, violation.line])).toEqual([
      ['scripts/bad.ts', 3],
    ]);
    expect(report.filesScanned).toBe(2);
    expect(report.resourcesChecked).toBe(4);
    expect(report.cfnLint).toEqual({ status: 'off' });
  });

  it('check-infra exits 0 on a clean repository, 1 on a violation, 2 on an unreadable template', async () => {
    await writeFile(join(root, 'template.yaml'), GOOD_TEMPLATE);
    await writeFile(join(root, 'broken.yaml'), 'Resources: [unclosed');
    await writeFile(
      join(root, 'provisioned.yaml'),
      `${GOOD_TEMPLATE}  Old: { Type: AWS::DynamoDB::Table, Properties: { BillingMode: PROVISIONED } }\n`,
    );

    const clean = await runMain(root, ['--no-cfn-lint']);
    const violating = await runMain(root, ['provisioned.yaml', '--no-cfn-lint']);
    const broken = await runMain(root, ['broken.yaml', '--no-cfn-lint']);
    const missing = await runMain(root, ['nope.yaml', '--no-cfn-lint']);

    expect(clean.code).toBe(0);
    expect(clean.stdout).not.toContain('cfn-lint');
    expect(clean.stdout).toMatch(/check-infra: OK — 3 resources/);
    expect(violating.code).toBe(1);
    expect(violating.stdout).toContain(
      '✗ [dynamodb-on-demand] Old: BillingMode is "PROVISIONED"; must be PAY_PER_REQUEST',
    );
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^check-infra: .*broken\.yaml: /);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.yaml/);
  });

  it('check-infra skips cfn-lint with a one-line note when it is not on PATH', async () => {
    await writeFile(join(root, 'template.yaml'), GOOD_TEMPLATE);

    const run = await runMain(root, [], { ...process.env, PATH: root });

    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').filter((line) => line.includes('cfn-lint'))).toEqual([
      'check-infra: cfn-lint not installed: skipped (Debian has no package; `pip install cfn-lint` where PyPI is reachable)',
    ]);
  });

  // The real cfn-lint where the machine has it (the project's machine image ships it); on a
  // machine without it the same run must print the skip note instead and pass.
  it('check-infra runs cfn-lint where installed: its error fails the check, its warning is printed', async () => {
    await writeFile(join(root, 'lintable.yaml'), CFN_LINT_FIXTURE);
    const installed = findExecutable('cfn-lint') !== undefined;

    const run = await runMain(root, ['lintable.yaml']);

    if (installed) {
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(
        /^✗ \[cfn-lint E3002\] .*lintable\.yaml:10: Additional properties are not allowed \('Bogus' was unexpected\)$/m,
      );
      expect(run.stdout).toMatch(/^! \[cfn-lint W2001\] .*lintable\.yaml:3: Parameter Unused not used\.$/m);
      expect(run.stdout).toContain('check-infra: cfn-lint: 1 error, 1 warning\n');
      expect(run.stdout).toContain('check-infra: 1 violation — 1 resources');
    } else {
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('check-infra: cfn-lint not installed: skipped');
    }
  }, 120_000);
});

describe('cfnLintLines', () => {
  it('cfnLintLines counts cfn-lint errors and its own failure as violations, and prints warnings without counting them', () => {
    const ran = cfnLintLines(
      {
        status: 'ran',
        executable: '/usr/bin/cfn-lint',
        findings: [
          { severity: 'error', rule: 'E3030', line: 12, message: "'XML' is not one of ['Text', 'JSON']" },
          { severity: 'warning', rule: 'W2001', line: 3, message: 'Parameter Unused not used.' },
          { severity: 'error', rule: 'E3002', line: 20, message: 'Additional properties are not allowed' },
        ],
      },
      'template.yaml',
    );
    const failed = cfnLintLines(
      { status: 'failed', executable: '/usr/bin/cfn-lint', message: 'Traceback (most recent call last):' },
      'template.yaml',
    );

    expect(ran).toEqual({
      lines: [
        "✗ [cfn-lint E3030] template.yaml:12: 'XML' is not one of ['Text', 'JSON']",
        '! [cfn-lint W2001] template.yaml:3: Parameter Unused not used.',
        '✗ [cfn-lint E3002] template.yaml:20: Additional properties are not allowed',
        'check-infra: cfn-lint: 2 errors, 1 warning',
      ],
      violations: 2,
    });
    expect(failed).toEqual({
      lines: ['✗ [cfn-lint] /usr/bin/cfn-lint failed: Traceback (most recent call last):'],
      violations: 1,
    });
    expect(cfnLintLines({ status: 'off' }, 'template.yaml')).toEqual({ lines: [], violations: 0 });
    expect(cfnLintLines({ status: 'ran', executable: 'cfn-lint', findings: [] }, 'template.yaml').lines).toEqual([
      'check-infra: cfn-lint: 0 errors, 0 warnings',
    ]);
  });
});

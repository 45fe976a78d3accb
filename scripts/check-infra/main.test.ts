import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkInfra } from './main.ts';
import { RuleId } from './violation.ts';

const MAIN = join(import.meta.dirname, 'main.ts');
const NAME = 'opus'; // policy-allow: opus-refusal (test fixture)

const GOOD_TEMPLATE = `
Transform: AWS::Serverless-2016-10-31
Globals:
  Function: { Timeout: 30, MemorySize: 256 }
Resources:
  FnLogs:
    Type: AWS::Logs::LogGroup
    Properties: { RetentionInDays: 14 }
  Fn:
    Type: AWS::Serverless::Function
    Properties: { CodeUri: dist/lambda/fn/, LoggingConfig: { LogGroup: !Ref FnLogs } }
  Table:
    Type: AWS::DynamoDB::Table
    Properties: { BillingMode: PAY_PER_REQUEST }
`;

const REPOSITORY = join(import.meta.dirname, '../..');

async function runMain(root: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    // Run from the repository so `--import tsx` resolves; --root points the check at the fixture.
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', MAIN, '--root', root, ...args], { cwd: REPOSITORY });
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
    await writeFile(join(root, 'src/core/clean.ts'), "export const model = 'anthropic.claude-3-haiku-20240307-v1:0';\n");
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('checkInfra reports template violations by logical id and source violations by file and line', async () => {
    await writeFile(join(root, 'template.yaml'), `${GOOD_TEMPLATE}  Box: { Type: AWS::EC2::Instance }\n`);
    await writeFile(join(root, 'scripts/bad.ts'), `\n\nconst id = 'claude-${NAME}-4';\n`);

    const report = await checkInfra(root, join(root, 'template.yaml'));

    expect(report.templateViolations.map((violation) => [violation.rule, violation.logicalId])).toEqual([[RuleId.forbiddenResource, 'Box']]);
    expect(report.sourceViolations.map((violation) => [violation.file, violation.line])).toEqual([['scripts/bad.ts', 3]]);
    expect(report.filesScanned).toBe(2);
    expect(report.resourcesChecked).toBe(4);
  });

  it('check-infra exits 0 on a clean repository, 1 on a violation, 2 on an unreadable template', async () => {
    await writeFile(join(root, 'template.yaml'), GOOD_TEMPLATE);
    await writeFile(join(root, 'broken.yaml'), 'Resources: [unclosed');
    await writeFile(join(root, 'provisioned.yaml'), `${GOOD_TEMPLATE}  Old: { Type: AWS::DynamoDB::Table, Properties: { BillingMode: PROVISIONED } }\n`);

    const clean = await runMain(root);
    const violating = await runMain(root, 'provisioned.yaml');
    const broken = await runMain(root, 'broken.yaml');
    const missing = await runMain(root, 'nope.yaml');

    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/check-infra: OK — 3 resources/);
    expect(violating.code).toBe(1);
    expect(violating.stdout).toContain('✗ [dynamodb-on-demand] Old: BillingMode is "PROVISIONED"; must be PAY_PER_REQUEST');
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^check-infra: .*broken\.yaml: /);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.yaml/);
  });
});

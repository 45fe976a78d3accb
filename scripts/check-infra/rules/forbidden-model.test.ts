import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../cfn-yaml.ts';
import { RuleId } from '../violation.ts';
import {
  EXEMPTION_MARKER,
  FORBIDDEN_MODEL_PATTERN,
  checkForbiddenModelInSource,
  checkForbiddenModelInTemplate,
  forbiddenModelLines,
} from './forbidden-model.ts';

// The family name is spelled once, on an exempt line, so this test file passes the rule it tests.
const NAME = 'opus'; // policy-allow: opus-refusal
const TITLE = `${NAME.charAt(0).toUpperCase()}${NAME.slice(1)}`;

describe('FORBIDDEN_MODEL_PATTERN', () => {
  it('FORBIDDEN_MODEL_PATTERN matches the model family in every id and spelling', () => {
    const ids = [
      `anthropic.claude-3-${NAME}-20240229-v1:0`,
      `anthropic.claude-${NAME}-4-20250514-v1:0`,
      `us.anthropic.claude-${NAME}-4-1-20250805-v1:0`,
      `Claude ${TITLE} 4.1`,
      `CLAUDE_${NAME.toUpperCase()}_4`,
      `claude-3.5-${NAME}`,
    ];

    expect(ids.filter((id) => !FORBIDDEN_MODEL_PATTERN.test(id))).toEqual([]);
  });

  it('FORBIDDEN_MODEL_PATTERN ignores the letters inside a longer word and allowed models', () => {
    expect(
      [
        'opuscule',
        'Opusculum',
        'anthropic.claude-3-haiku-20240307-v1:0',
        'anthropic.claude-3-5-sonnet-20240620-v1:0',
      ].filter((text) => FORBIDDEN_MODEL_PATTERN.test(text)),
    ).toEqual([]);
  });
});

describe('forbiddenModelLines', () => {
  it('forbiddenModelLines returns 1-based lines that mention the model without the marker', () => {
    const text = [
      'const a = 1;',
      `const model = 'claude-${NAME}-4';`,
      `if (id.includes('${NAME}')) refuse(); // ${EXEMPTION_MARKER}`,
      `# ${TITLE} in a comment`,
    ].join('\n');

    expect(forbiddenModelLines(text)).toEqual([2, 4]);
  });

  it('forbiddenModelLines exempts only the marked line, not its neighbours', () => {
    const text = [`// ${EXEMPTION_MARKER}`, `const model = '${NAME}';`].join('\n');

    expect(forbiddenModelLines(text)).toEqual([2]);
  });
});

describe('checkForbiddenModelInTemplate', () => {
  it('checkForbiddenModelInTemplate attributes a hit to the resource or parameter that holds it', () => {
    const text = [
      'Parameters:',
      '  ModelId:',
      '    Type: String',
      `    Default: anthropic.claude-3-${NAME}-20240229-v1:0`,
      'Resources:',
      '  Agent:',
      '    Type: AWS::Serverless::Function',
      '    Properties:',
      '      Environment:',
      `        Variables: { MODEL: claude-${NAME}-4 }`,
    ].join('\n');
    const template = parseTemplate(text);

    const violations = checkForbiddenModelInTemplate(template.text, template.lineOwners);

    expect(violations.map((violation) => [violation.rule, violation.logicalId])).toEqual([
      [RuleId.forbiddenModel, 'Parameters.ModelId'],
      [RuleId.forbiddenModel, 'Agent'],
    ]);
    expect(violations[0]?.reason).toMatch(/^line 4: /);
  });

  it('checkForbiddenModelInTemplate sees comments and honours the marker in a YAML comment', () => {
    const text = [
      'Resources:',
      `  # never ${TITLE}`,
      '  Fn:',
      '    Type: AWS::Serverless::Function',
      `    # refuses ${TITLE} # ${EXEMPTION_MARKER}`,
    ].join('\n');
    const template = parseTemplate(text);

    const violations = checkForbiddenModelInTemplate(template.text, template.lineOwners);

    expect(violations.map((violation) => violation.logicalId)).toEqual(['Resources']);
  });
});

describe('checkForbiddenModelInSource', () => {
  it('checkForbiddenModelInSource reports file and line', () => {
    const violations = checkForbiddenModelInSource('src/x.ts', `\nconst id = 'claude-${NAME}-4';\n`);

    expect(violations).toEqual([
      { rule: RuleId.forbiddenModel, file: 'src/x.ts', line: 2, reason: expect.any(String) as string },
    ]);
  });

  it('checkForbiddenModelInSource passes clean text', () => {
    expect(checkForbiddenModelInSource('src/y.ts', "const id = 'anthropic.claude-3-haiku-20240307-v1:0';")).toEqual([]);
  });
});

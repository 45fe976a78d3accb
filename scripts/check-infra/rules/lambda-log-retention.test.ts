import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../cfn-yaml.ts';
import { RuleId } from '../violation.ts';
import { checkLambdaLogRetention } from './lambda-log-retention.ts';

const check = (text: string) => checkLambdaLogRetention(parseTemplate(text).document);

describe('checkLambdaLogRetention', () => {
  it('checkLambdaLogRetention reports a function with no declared log group', () => {
    const violations = check('Resources:\n  Fn: { Type: AWS::Serverless::Function }');

    expect(violations).toEqual([
      {
        rule: RuleId.lambdaLogRetention,
        logicalId: 'Fn',
        reason: 'no AWS::Logs::LogGroup for this function (LoggingConfig.LogGroup or /aws/lambda/${Function})',
      },
    ]);
  });

  it('checkLambdaLogRetention accepts LoggingConfig.LogGroup naming a group with RetentionInDays', () => {
    const text = `
Resources:
  Logs:
    Type: AWS::Logs::LogGroup
    Properties: { LogGroupName: /custom/fn, RetentionInDays: 14 }
  ByRef:
    Type: AWS::Serverless::Function
    Properties: { LoggingConfig: { LogGroup: !Ref Logs } }
  ByName:
    Type: AWS::Lambda::Function
    Properties: { LoggingConfig: { LogGroup: /custom/fn } }
`;

    expect(check(text)).toEqual([]);
  });

  it('checkLambdaLogRetention accepts the /aws/lambda/<function> naming in !Sub and !Join forms', () => {
    const text = `
Resources:
  SubLogs:
    Type: AWS::Logs::LogGroup
    Properties: { LogGroupName: !Sub '/aws/lambda/\${SubFn}', RetentionInDays: 7 }
  SubListLogs:
    Type: AWS::Logs::LogGroup
    Properties: { LogGroupName: !Sub ['/aws/lambda/\${SubListFn}', {}], RetentionInDays: 7 }
  JoinLogs:
    Type: AWS::Logs::LogGroup
    Properties: { LogGroupName: !Join ['', ['/aws/lambda/', !Ref JoinFn]], RetentionInDays: !Ref Days }
  SubFn: { Type: AWS::Serverless::Function }
  SubListFn: { Type: AWS::Serverless::Function }
  JoinFn: { Type: AWS::Serverless::Function }
`;

    expect(check(text)).toEqual([]);
  });

  it('checkLambdaLogRetention reports a linked group without RetentionInDays and a LoggingConfig naming no declared group', () => {
    const text = `
Resources:
  Forever:
    Type: AWS::Logs::LogGroup
    Properties: { LogGroupName: !Sub '/aws/lambda/\${Fn}' }
  Fn: { Type: AWS::Serverless::Function }
  Elsewhere:
    Type: AWS::Serverless::Function
    Properties: { LoggingConfig: { LogGroup: /not/declared } }
  Dangling:
    Type: AWS::Serverless::Function
    Properties: { LoggingConfig: { LogGroup: !Ref Missing } }
`;

    const violations = check(text);

    expect(violations.map((violation) => [violation.logicalId, violation.reason])).toEqual([
      ['Fn', 'log group Forever has no RetentionInDays'],
      ['Elsewhere', 'LoggingConfig.LogGroup does not name an AWS::Logs::LogGroup declared in this template'],
      ['Dangling', 'LoggingConfig.LogGroup does not name an AWS::Logs::LogGroup declared in this template'],
    ]);
  });

  it('checkLambdaLogRetention does not link a group named after another function or with a different pattern', () => {
    const text = `
Resources:
  Other:
    Type: AWS::Logs::LogGroup
    Properties: { LogGroupName: !Sub '/aws/lambda/\${OtherFn}-x', RetentionInDays: 7 }
  Joined:
    Type: AWS::Logs::LogGroup
    Properties: { LogGroupName: !Join ['-', ['/aws/lambda/', !Ref Fn]], RetentionInDays: 7 }
  Fn: { Type: AWS::Serverless::Function }
`;

    expect(check(text).map((violation) => violation.logicalId)).toEqual(['Fn']);
  });
});

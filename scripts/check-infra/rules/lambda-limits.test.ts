import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../cfn-yaml.ts';
import { RuleId } from '../violation.ts';
import { checkLambdaMemory, checkLambdaTimeout } from './lambda-limits.ts';

const document = (text: string) => parseTemplate(text).document;

describe('checkLambdaMemory', () => {
  it('checkLambdaMemory reports MemorySize above 256 MB without a recorded reason, from Globals too', () => {
    const text = `
Globals:
  Function: { MemorySize: 512 }
Resources:
  FromGlobals: { Type: AWS::Serverless::Function }
  Own: { Type: AWS::Serverless::Function, Properties: { MemorySize: 1024 } }
  Plain: { Type: AWS::Lambda::Function, Properties: { MemorySize: '2048' } }
`;

    const violations = checkLambdaMemory(document(text));

    expect(violations).toEqual([
      {
        rule: RuleId.lambdaMemory,
        logicalId: 'FromGlobals',
        reason: 'MemorySize 512 MB exceeds 256 MB without Metadata.MemoryReason',
      },
      {
        rule: RuleId.lambdaMemory,
        logicalId: 'Own',
        reason: 'MemorySize 1024 MB exceeds 256 MB without Metadata.MemoryReason',
      },
      {
        rule: RuleId.lambdaMemory,
        logicalId: 'Plain',
        reason: 'MemorySize 2048 MB exceeds 256 MB without Metadata.MemoryReason',
      },
    ]);
  });

  it('checkLambdaMemory accepts 256 MB or less, an unset size, and a larger size with Metadata.MemoryReason', () => {
    const text = `
Resources:
  Small: { Type: AWS::Serverless::Function, Properties: { MemorySize: 256 } }
  Default: { Type: AWS::Lambda::Function }
  Justified:
    Type: AWS::Serverless::Function
    Metadata: { MemoryReason: 'isotonic refit over 1M outcomes needs the heap' }
    Properties: { MemorySize: 1024 }
`;

    expect(checkLambdaMemory(document(text))).toEqual([]);
  });

  it('checkLambdaMemory needs a reason for a size it cannot read, and refuses an empty reason', () => {
    const text = `
Parameters:
  Memory: { Type: Number }
Resources:
  FromParameter: { Type: AWS::Serverless::Function, Properties: { MemorySize: !Ref Memory } }
  EmptyReason:
    Type: AWS::Serverless::Function
    Metadata: { MemoryReason: '  ' }
    Properties: { MemorySize: 512 }
`;

    expect(checkLambdaMemory(document(text)).map((violation) => violation.logicalId)).toEqual([
      'FromParameter',
      'EmptyReason',
    ]);
  });
});

describe('checkLambdaTimeout', () => {
  it('checkLambdaTimeout reports functions with no Timeout of their own or in Globals', () => {
    const text = `
Resources:
  Sam: { Type: AWS::Serverless::Function }
  Plain: { Type: AWS::Lambda::Function }
`;

    expect(checkLambdaTimeout(document(text))).toEqual([
      { rule: RuleId.lambdaTimeout, logicalId: 'Sam', reason: 'no Timeout on the function or in Globals.Function' },
      { rule: RuleId.lambdaTimeout, logicalId: 'Plain', reason: 'no Timeout on the function or in Globals.Function' },
    ]);
  });

  it('checkLambdaTimeout accepts a Globals Timeout for SAM functions but not for plain ones', () => {
    const text = `
Globals:
  Function: { Timeout: 30 }
Resources:
  Sam: { Type: AWS::Serverless::Function }
  Own: { Type: AWS::Lambda::Function, Properties: { Timeout: 10 } }
  Plain: { Type: AWS::Lambda::Function }
`;

    expect(checkLambdaTimeout(document(text)).map((violation) => violation.logicalId)).toEqual(['Plain']);
  });
});

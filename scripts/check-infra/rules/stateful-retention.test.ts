import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../cfn-yaml.ts';
import { RuleId } from '../violation.ts';
import { checkStatefulRetention } from './stateful-retention.ts';

const check = (text: string) => checkStatefulRetention(parseTemplate(text).document);

describe('checkStatefulRetention', () => {
  it('checkStatefulRetention accepts tables and buckets retained on delete and on replacement', () => {
    const text = `
Resources:
  Table: { Type: AWS::DynamoDB::Table, DeletionPolicy: Retain, UpdateReplacePolicy: Retain }
  Bucket: { Type: AWS::S3::Bucket, DeletionPolicy: Retain, UpdateReplacePolicy: Retain }
  Topic: { Type: AWS::SNS::Topic }
`;

    expect(check(text)).toEqual([]);
  });

  it('checkStatefulRetention reports each missing or non-Retain policy of every stateful type', () => {
    const text = `
Resources:
  Table: { Type: AWS::DynamoDB::Table, DeletionPolicy: Retain }
  Bucket: { Type: AWS::S3::Bucket, DeletionPolicy: Delete, UpdateReplacePolicy: Retain }
  Simple: { Type: AWS::Serverless::SimpleTable, DeletionPolicy: Retain, UpdateReplacePolicy: Snapshot }
  Global: { Type: AWS::DynamoDB::GlobalTable }
`;

    const violations = check(text);

    expect(violations.map((violation) => [violation.logicalId, violation.reason])).toEqual([
      [
        'Table',
        'UpdateReplacePolicy is none (CloudFormation deletes it); a AWS::DynamoDB::Table must have UpdateReplacePolicy: Retain',
      ],
      ['Bucket', 'DeletionPolicy is "Delete"; a AWS::S3::Bucket must have DeletionPolicy: Retain'],
      [
        'Simple',
        'UpdateReplacePolicy is "Snapshot"; a AWS::Serverless::SimpleTable must have UpdateReplacePolicy: Retain',
      ],
      [
        'Global',
        'DeletionPolicy is none (CloudFormation deletes it); a AWS::DynamoDB::GlobalTable must have DeletionPolicy: Retain',
      ],
      [
        'Global',
        'UpdateReplacePolicy is none (CloudFormation deletes it); a AWS::DynamoDB::GlobalTable must have UpdateReplacePolicy: Retain',
      ],
    ]);
    expect(new Set(violations.map((violation) => violation.rule))).toEqual(new Set([RuleId.statefulRetention]));
  });
});

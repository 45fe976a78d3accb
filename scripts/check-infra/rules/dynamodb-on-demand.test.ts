import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../cfn-yaml.ts';
import { RuleId } from '../violation.ts';
import { checkDynamoDbOnDemand } from './dynamodb-on-demand.ts';

const check = (text: string) => checkDynamoDbOnDemand(parseTemplate(text).document);

describe('checkDynamoDbOnDemand', () => {
  it('checkDynamoDbOnDemand reports a table without BillingMode (CloudFormation defaults to PROVISIONED)', () => {
    const violations = check('Resources:\n  T: { Type: AWS::DynamoDB::Table, Properties: {} }');

    expect(violations).toEqual([
      {
        rule: RuleId.dynamodbOnDemand,
        logicalId: 'T',
        reason: 'BillingMode is missing (defaults to PROVISIONED); must be PAY_PER_REQUEST',
      },
    ]);
  });

  it('checkDynamoDbOnDemand reports PROVISIONED mode and provisioned throughput on the table and its indexes', () => {
    const text = `
Resources:
  T:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PROVISIONED
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 }
      GlobalSecondaryIndexes:
        - IndexName: ByCluster
          ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 }
`;

    const reasons = check(text).map((violation) => violation.reason);

    expect(reasons).toEqual([
      'BillingMode is "PROVISIONED"; must be PAY_PER_REQUEST',
      'ProvisionedThroughput is set; provisioned capacity is forbidden by the seed',
      'index ByCluster sets ProvisionedThroughput; provisioned capacity is forbidden by the seed',
    ]);
  });

  it('checkDynamoDbOnDemand reports provisioned global tables and SAM simple tables', () => {
    const text = `
Resources:
  G:
    Type: AWS::DynamoDB::GlobalTable
    Properties:
      BillingMode: PROVISIONED
      WriteProvisionedThroughputSettings: { WriteCapacityAutoScalingSettings: { MinCapacity: 1, MaxCapacity: 2, TargetTrackingScalingPolicyConfiguration: { TargetValue: 70 } } }
      Replicas: [{ Region: us-east-1, ReadProvisionedThroughputSettings: { ReadCapacityUnits: 5 } }]
  S:
    Type: AWS::Serverless::SimpleTable
    Properties: { ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } }
`;

    const violations = check(text);

    expect(violations.map((violation) => violation.logicalId)).toEqual(['G', 'G', 'G', 'S']);
  });

  it('checkDynamoDbOnDemand passes on-demand tables and a plain SAM simple table', () => {
    const text = `
Resources:
  T:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      GlobalSecondaryIndexes: [{ IndexName: I, Projection: { ProjectionType: ALL } }]
  S: { Type: AWS::Serverless::SimpleTable }
`;

    expect(check(text)).toEqual([]);
  });
});

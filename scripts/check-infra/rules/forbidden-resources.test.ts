import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../cfn-yaml.ts';
import { RuleId } from '../violation.ts';
import { checkForbiddenResources } from './forbidden-resources.ts';

const check = (text: string) => checkForbiddenResources(parseTemplate(text).document);

describe('checkForbiddenResources', () => {
  it('checkForbiddenResources reports each seed-forbidden type by logical id', () => {
    const text = `
Resources:
  Box: { Type: AWS::EC2::Instance, Properties: { ImageId: ami-1 } }
  Nat: { Type: AWS::EC2::NatGateway }
  Db: { Type: AWS::RDS::DBInstance }
  Aurora: { Type: AWS::RDS::DBCluster }
  Ecs: { Type: AWS::ECS::Cluster }
  Eks: { Type: AWS::EKS::Cluster }
  Asg: { Type: AWS::AutoScaling::AutoScalingGroup }
  Alb: { Type: AWS::ElasticLoadBalancingV2::LoadBalancer }
`;

    const violations = check(text);

    expect(violations.map((violation) => violation.logicalId)).toEqual([
      'Box',
      'Nat',
      'Db',
      'Aurora',
      'Ecs',
      'Eks',
      'Asg',
      'Alb',
    ]);
    expect(violations.every((violation) => violation.rule === RuleId.forbiddenResource)).toBe(true);
    expect(violations[0]?.reason).toMatch(/^AWS::EC2::Instance: /);
  });

  it('checkForbiddenResources allows a SageMaker endpoint only on a serverless config', () => {
    const text = `
Resources:
  ServerlessConfig:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      ProductionVariants: [{ ModelName: m, VariantName: v, ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 1 } }]
  ServerlessEndpoint:
    Type: AWS::SageMaker::Endpoint
    Properties: { EndpointConfigName: !GetAtt ServerlessConfig.EndpointConfigName }
  ServerlessEndpointByRef:
    Type: AWS::SageMaker::Endpoint
    Properties: { EndpointConfigName: !Ref ServerlessConfig }
  RealTimeConfig:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      ProductionVariants: [{ ModelName: m, VariantName: v, InstanceType: ml.m5.large, InitialInstanceCount: 1 }]
  RealTimeEndpoint:
    Type: AWS::SageMaker::Endpoint
    Properties: { EndpointConfigName: !Ref RealTimeConfig }
`;

    const violations = check(text);

    // GetAtt cannot be followed to the config: refused as unverifiable (the Ref form is the supported one).
    expect(violations.map((violation) => violation.logicalId)).toEqual([
      'ServerlessEndpoint',
      'RealTimeConfig',
      'RealTimeEndpoint',
    ]);
  });

  it('checkForbiddenResources reports Lambda provisioned concurrency', () => {
    const text = `
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: { AutoPublishAlias: live, ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 1 } }
  Alias:
    Type: AWS::Lambda::Alias
    Properties: { ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 1 } }
`;

    expect(check(text).map((violation) => violation.logicalId)).toEqual(['Fn', 'Alias']);
  });

  it('checkForbiddenResources passes a serverless template', () => {
    const text = `
Resources:
  Fn: { Type: AWS::Serverless::Function, Properties: { Timeout: 3 } }
  Table: { Type: AWS::DynamoDB::Table, Properties: { BillingMode: PAY_PER_REQUEST } }
  Bucket: { Type: AWS::S3::Bucket }
  Api: { Type: AWS::Serverless::HttpApi }
`;

    expect(check(text)).toEqual([]);
  });

  it('checkForbiddenResources tolerates a template without resources', () => {
    expect(check('Description: empty')).toEqual([]);
  });
});

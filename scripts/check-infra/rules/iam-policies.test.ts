import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../cfn-yaml.ts';
import { RuleId } from '../violation.ts';
import { checkIamPolicies } from './iam-policies.ts';

const check = (text: string) => checkIamPolicies(parseTemplate(text).document);

describe('checkIamPolicies', () => {
  it("checkIamPolicies reports `*` and `service:*` actions in a SAM function's inline statements", () => {
    const text = `
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Policies:
        - Statement:
            - Effect: Allow
              Action: ['dynamodb:*', 'dynamodb:GetItem']
              Resource: !GetAtt Table.Arn
            - Effect: Allow
              Action: '*'
              Resource: !GetAtt Table.Arn
`;

    const violations = check(text);

    expect(violations).toEqual([
      {
        rule: RuleId.iamWildcardAction,
        logicalId: 'Fn',
        reason: "Properties.Policies[0]: wildcard action 'dynamodb:*'",
      },
      { rule: RuleId.iamWildcardAction, logicalId: 'Fn', reason: "Properties.Policies[0]: wildcard action '*'" },
    ]);
  });

  it('checkIamPolicies reports partial wildcards, NotAction, Resource * and NotResource in roles and managed policies', () => {
    const text = `
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: { Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }] }
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - { Effect: Allow, Action: s3:Get*, Resource: arn:aws:s3:::b/* }
              - { Effect: Allow, NotAction: iam:*, Resource: arn:aws:s3:::b }
  Managed:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - { Effect: Allow, Action: sns:Publish, Resource: '*' }
          - { Effect: Allow, Action: sns:Publish, NotResource: arn:aws:sns:us-east-1:1:t }
`;

    const violations = check(text);

    expect(violations.map((violation) => [violation.logicalId, violation.rule])).toEqual([
      ['Role', RuleId.iamWildcardAction],
      ['Role', RuleId.iamWildcardAction],
      ['Managed', RuleId.iamWildcardResource],
      ['Managed', RuleId.iamWildcardResource],
    ]);
  });

  it("checkIamPolicies checks both branches of a role's conditional inline policy (Fn::If), AWS::NoValue granting nothing", () => {
    const text = `
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: { Statement: [{ Effect: Allow, Principal: { Service: bedrock-agentcore.amazonaws.com }, Action: sts:AssumeRole }] }
      Policies:
        - !If
          - HasPlatform
          - PolicyName: key
            PolicyDocument: { Statement: [{ Effect: Allow, Action: 'ssm:*', Resource: arn:aws:ssm:us-east-1:1:parameter/k }] }
          - !Ref AWS::NoValue
        - !If [Other, { PolicyName: a, PolicyDocument: { Statement: [{ Effect: Allow, Action: sns:Publish, Resource: '*' }] } }, { PolicyName: b, PolicyDocument: { Statement: [] } }]
        - !If [Broken, only-two]
`;

    const violations = check(text);

    expect(violations.map((violation) => [violation.rule, violation.reason])).toEqual([
      [RuleId.iamWildcardAction, "Properties.Policies[0].Fn::If(then): wildcard action 'ssm:*'"],
      [RuleId.iamWildcardResource, "Properties.Policies[1].Fn::If(then): Resource '*'"],
      [RuleId.iamUnverifiablePolicy, 'Properties.Policies[2]: Fn::If is not [condition, policy, policy]'],
    ]);
  });

  it('checkIamPolicies lets Deny statements use wildcards', () => {
    const text = `
Resources:
  BucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: b
      PolicyDocument:
        Statement:
          - { Effect: Deny, Principal: '*', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }
`;

    expect(check(text)).toEqual([]);
  });

  it('checkIamPolicies reports managed policies and unknown SAM policy templates as unverifiable', () => {
    const text = `
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Policies:
        - AmazonDynamoDBFullAccess
        - MadeUpPolicy: { TableName: t }
        - 42
  Role:
    Type: AWS::IAM::Role
    Properties:
      ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess, !Ref SomePolicy]
`;

    const violations = check(text);

    expect(violations.every((violation) => violation.rule === RuleId.iamUnverifiablePolicy)).toBe(true);
    expect(violations.map((violation) => violation.reason)).toEqual([
      "Properties.Policies[0]: managed policy 'AmazonDynamoDBFullAccess' cannot be checked; use inline statements",
      "Properties.Policies[1]: SAM policy template 'MadeUpPolicy' is not in the vetted list; its expansion cannot be checked",
      'Properties.Policies[2]: not a policy',
      "Properties.ManagedPolicyArns: managed policy 'arn:aws:iam::aws:policy/AdministratorAccess' cannot be checked; use inline statements",
      'Properties.ManagedPolicyArns: managed policy (intrinsic) cannot be checked; use inline statements',
    ]);
  });

  it('checkIamPolicies expands vetted SAM templates: SNSPublishMessagePolicy passes, wildcard ones are reported', () => {
    const text = `
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Policies:
        - SNSPublishMessagePolicy: { TopicName: t }
        - SSMParameterReadPolicy: { ParameterName: p }
        - SQSSendMessagePolicy: { QueueName: q }
`;

    const violations = check(text);

    expect(violations.map((violation) => [violation.rule, violation.reason])).toEqual([
      [
        RuleId.iamWildcardResource,
        "Properties.Policies[1]: SAM template SSMParameterReadPolicy grants on Resource '*'",
      ],
      [
        RuleId.iamWildcardAction,
        "Properties.Policies[2]: SAM template SQSSendMessagePolicy grants wildcard action 'sqs:SendMessage*'",
      ],
    ]);
  });

  it('checkIamPolicies checks state machines, topic policies and Lambda permissions', () => {
    const text = `
Resources:
  Machine:
    Type: AWS::Serverless::StateMachine
    Properties:
      Policies:
        - Statement: [{ Effect: Allow, Action: 'lambda:*', Resource: !GetAtt Fn.Arn }]
  TopicPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref Topic]
      PolicyDocument: { Statement: [{ Effect: Allow, Principal: { Service: budgets.amazonaws.com }, Action: 'sns:*', Resource: !Ref Topic }] }
  Permission:
    Type: AWS::Lambda::Permission
    Properties: { Action: 'lambda:*', FunctionName: f, Principal: events.amazonaws.com }
  IntrinsicPermission:
    Type: AWS::Lambda::Permission
    Properties: { Action: !Ref SomeAction, FunctionName: f, Principal: events.amazonaws.com }
`;

    expect(check(text).map((violation) => [violation.logicalId, violation.rule])).toEqual([
      ['Machine', RuleId.iamWildcardAction],
      ['TopicPolicy', RuleId.iamWildcardAction],
      ['Permission', RuleId.iamWildcardAction],
      ['IntrinsicPermission', RuleId.iamUnverifiablePolicy],
    ]);
  });

  it('checkIamPolicies reports documents and statements it cannot read', () => {
    const text = `
Resources:
  Policy:
    Type: AWS::IAM::Policy
    Properties: { PolicyDocument: !Ref Doc }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Policies:
        - Statement: [justAString, { Effect: Allow, Action: [!Ref A], Resource: arn:aws:s3:::b }]
`;

    expect(check(text).map((violation) => violation.reason)).toEqual([
      'Properties.PolicyDocument: the policy document is not a literal mapping with Statement',
      'Properties.Policies[0]: a statement is not a mapping',
      'Properties.Policies[0]: an action is not a literal string',
    ]);
  });

  it('checkIamPolicies checks both branches of a conditional (Fn::If) policy and lets AWS::NoValue grant nothing', () => {
    const text = `
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Policies:
        - !If
          - Enabled
          - Statement: [{ Effect: Allow, Action: [ssm:GetParameter], Resource: !Sub 'arn:aws:ssm:us-east-1:1:parameter\${Name}' }]
          - !Ref AWS::NoValue
        - !If
          - Enabled
          - Statement: [{ Effect: Allow, Action: ['ssm:*'], Resource: arn:aws:ssm:us-east-1:1:parameter/a }]
          - Statement: [{ Effect: Allow, Action: [ssm:GetParameter], Resource: '*' }]
        - !If
          - Enabled
          - SSMParameterReadPolicy: { ParameterName: a }
        - !If [Enabled, ManagedName, !Ref AWS::NoValue]
`;

    expect(check(text).map((violation) => [violation.rule, violation.reason])).toEqual([
      [RuleId.iamWildcardAction, "Properties.Policies[1].Fn::If(then): wildcard action 'ssm:*'"],
      [RuleId.iamWildcardResource, "Properties.Policies[1].Fn::If(else): Resource '*'"],
      [RuleId.iamUnverifiablePolicy, 'Properties.Policies[2]: Fn::If is not [condition, policy, policy]'],
      [
        RuleId.iamUnverifiablePolicy,
        "Properties.Policies[3].Fn::If(then): managed policy 'ManagedName' cannot be checked; use inline statements",
      ],
    ]);
  });

  it('checkIamPolicies passes least-privilege statements on specific resources', () => {
    const text = `
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Policies:
        - Statement:
            - Effect: Allow
              Action: [dynamodb:GetItem, dynamodb:Query]
              Resource: [!GetAtt Table.Arn, !Sub '\${Table.Arn}/index/ClusterIndex']
            - Effect: Allow
              Action: s3:GetObject
              Resource: !Sub '\${Bucket.Arn}/*'
  Plain: { Type: AWS::Serverless::Function }
`;

    expect(check(text)).toEqual([]);
  });

  it('checkIamPolicies reports a Bedrock model resource with a wildcard, literal or in a Fn::Sub template, and accepts exact ARNs', () => {
    const text = `
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Policies:
        - Statement:
            - Effect: Allow
              Action: [bedrock:InvokeModel]
              Resource:
                - arn:aws:bedrock:*::foundation-model/anthropic.claude-haiku-5-5
                - !Sub 'arn:\${AWS::Partition}:bedrock:us-east-1::foundation-model/anthropic.*'
                - !Sub ['arn:\${AWS::Partition}:bedrock:us-east-2::foundation-model/\${M}*', { M: x }]
                - !Sub 'arn:\${AWS::Partition}:bedrock:\${AWS::Region}:\${AWS::AccountId}:inference-profile/\${ModelId}'
                - !Sub ['arn:\${AWS::Partition}:bedrock:us-west-2::foundation-model/\${M}', { M: !Select [1, !Split ['us.', !Ref ModelId]] }]
            - Effect: Allow
              Action: [s3:GetObject]
              Resource: arn:aws:s3:::bucket/*
`;

    const violations = check(text);

    expect(violations.map((violation) => [violation.rule, violation.reason])).toEqual([
      [
        RuleId.iamWildcardResource,
        "Properties.Policies[0]: Bedrock resource 'arn:aws:bedrock:*::foundation-model/anthropic.claude-haiku-5-5' has a wildcard; name the exact inference profile or foundation model",
      ],
      [
        RuleId.iamWildcardResource,
        "Properties.Policies[0]: Bedrock resource 'arn:${AWS::Partition}:bedrock:us-east-1::foundation-model/anthropic.*' has a wildcard; name the exact inference profile or foundation model",
      ],
      [
        RuleId.iamWildcardResource,
        "Properties.Policies[0]: Bedrock resource 'arn:${AWS::Partition}:bedrock:us-east-2::foundation-model/${M}*' has a wildcard; name the exact inference profile or foundation model",
      ],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../cfn-yaml.ts';
import { functionsOf } from '../template-model.ts';
import { RuleId } from '../violation.ts';
import { checkLambdaTopicEnvironment, publishableTopics } from './lambda-topic-environment.ts';

const check = (text: string) => checkLambdaTopicEnvironment(parseTemplate(text).document);

const TOPICS = `
  Tasks: { Type: AWS::SNS::Topic }
  Other: { Type: AWS::SNS::Topic }
  Table: { Type: AWS::DynamoDB::Table }
`;

describe('checkLambdaTopicEnvironment', () => {
  it('checkLambdaTopicEnvironment accepts a topic variable with SNSPublishMessagePolicy on that topic', () => {
    const text = `
Resources:${TOPICS}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Environment: { Variables: { VGAC_SLACK_TASK_TOPIC_ARN: !Ref Tasks } }
      Policies:
        - SNSPublishMessagePolicy: { TopicName: !GetAtt Tasks.TopicName }
`;

    expect(check(text)).toEqual([]);
  });

  it('checkLambdaTopicEnvironment accepts an inline sns:Publish statement on !Ref of the topic', () => {
    const text = `
Resources:${TOPICS}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Environment: { Variables: { VGAC_RECOMPUTE_TOPIC_ARN: !Ref Tasks } }
      Policies:
        - Statement:
            - { Effect: Allow, Action: [sns:Publish], Resource: !Ref Tasks }
`;

    expect(check(text)).toEqual([]);
  });

  it('checkLambdaTopicEnvironment reports a function that names a topic it may not publish to (publish granted on another topic)', () => {
    const text = `
Resources:${TOPICS}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Environment: { Variables: { VGAC_SLACK_TASK_TOPIC_ARN: !Ref Tasks } }
      Policies:
        - SNSPublishMessagePolicy: { TopicName: !GetAtt Other.TopicName }
        - Statement:
            - { Effect: Deny, Action: sns:Publish, Resource: !Ref Tasks }
`;

    expect(check(text)).toEqual([
      {
        rule: RuleId.lambdaTopicEnvironment,
        logicalId: 'Fn',
        reason:
          'VGAC_SLACK_TASK_TOPIC_ARN names Tasks, but no policy lets the function publish to it (SNSPublishMessagePolicy TopicName: !GetAtt Tasks.TopicName)',
      },
    ]);
  });

  it('checkLambdaTopicEnvironment reports topic variables that are literals, undeclared names or other resources', () => {
    const text = `
Globals:
  Function:
    Environment: { Variables: { VGAC_ALERT_TOPIC_ARN: !Ref Missing, VGAC_TABLE: !Ref Table } }
Resources:${TOPICS}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Environment:
        Variables:
          VGAC_A_TOPIC_ARN: arn:aws:sns:us-east-1:123456789012:elsewhere
          VGAC_B_TOPIC_ARN: !Ref Table
`;

    expect(check(text)).toEqual([
      {
        rule: RuleId.lambdaTopicEnvironment,
        logicalId: 'Globals.Function',
        reason: 'VGAC_ALERT_TOPIC_ARN is not !Ref to an AWS::SNS::Topic of this template',
      },
      {
        rule: RuleId.lambdaTopicEnvironment,
        logicalId: 'Fn',
        reason: 'VGAC_A_TOPIC_ARN is not !Ref to an AWS::SNS::Topic of this template',
      },
      {
        rule: RuleId.lambdaTopicEnvironment,
        logicalId: 'Fn',
        reason: 'VGAC_B_TOPIC_ARN is not !Ref to an AWS::SNS::Topic of this template',
      },
    ]);
  });

  it('checkLambdaTopicEnvironment asks publish rights only of functions that name the topic themselves, not of every function a Globals variable reaches', () => {
    const text = `
Globals:
  Function:
    Environment: { Variables: { VGAC_ALERT_TOPIC_ARN: !Ref Tasks } }
Resources:${TOPICS}
  Quiet: { Type: AWS::Serverless::Function }
`;

    expect(check(text)).toEqual([]);
  });

  it('checkLambdaTopicEnvironment breaks a Slack function subscribed to its task topic and naming it, without the rights to publish its own tasks', () => {
    const text = `
Resources:
  SlackTaskTopic: { Type: AWS::SNS::Topic, Properties: { KmsMasterKeyId: alias/aws/sns } }
  SlackFunction:
    Type: AWS::Serverless::Function
    Properties:
      Environment: { Variables: { VGAC_SLACK_TASK_TOPIC_ARN: !Ref SlackTaskTopic } }
      Events:
        Tasks: { Type: SNS, Properties: { Topic: !Ref SlackTaskTopic } }
      Policies:
        - Statement:
            - { Effect: Allow, Action: [dynamodb:GetItem], Resource: '*' }
`;

    expect(check(text).map((violation) => `${violation.logicalId}: ${violation.reason.split(',')[0] ?? ''}`)).toEqual([
      'SlackFunction: VGAC_SLACK_TASK_TOPIC_ARN names SlackTaskTopic',
    ]);
  });
});

describe('publishableTopics', () => {
  it('publishableTopics collects SAM SNSPublishMessagePolicy topics and inline Allow sns:Publish targets, ignoring other actions and Deny', () => {
    const text = `
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Policies:
        - SNSPublishMessagePolicy: { TopicName: !GetAtt A.TopicName }
        - SNSPublishMessagePolicy: { TopicName: literal-name }
        - Statement:
            - { Effect: Allow, Action: [sns:Publish, sns:Subscribe], Resource: [!Ref B, !Ref C] }
            - { Effect: Allow, Action: sns:Subscribe, Resource: !Ref D }
            - { Effect: Deny, Action: sns:Publish, Resource: !Ref E }
`;
    const [fn] = functionsOf(parseTemplate(text).document);

    const topics = fn === undefined ? new Set<string>() : publishableTopics(fn);

    expect([...topics].sort()).toEqual(['A', 'B', 'C']);
  });
});

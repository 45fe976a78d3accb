import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../cfn-yaml.ts';
import { RuleId } from '../violation.ts';
import { asyncInvocations, checkAsyncOnFailure } from './async-on-failure.ts';

const check = (text: string) => checkAsyncOnFailure(parseTemplate(text).document);
const reasons = (text: string) => check(text).map((violation) => [violation.logicalId, violation.reason]);

const ON_FAILURE =
  '{ MaximumRetryAttempts: 1, DestinationConfig: { OnFailure: { Type: SNS, Destination: !Ref Failures } } }';

describe('asyncInvocations', () => {
  it('asyncInvocations finds SAM async events, rules, schedules, subscriptions, bucket notifications, permissions and InvocationType Event, but not APIs or queues', () => {
    const text = `
Resources:
  Topic: { Type: AWS::SNS::Topic }
  BySns:
    Type: AWS::Serverless::Function
    Properties: { Events: { Tasks: { Type: SNS, Properties: { Topic: !Ref Topic } } } }
  BySchedule:
    Type: AWS::Serverless::Function
    Properties: { Events: { Tick: { Type: Schedule, Properties: { Schedule: rate(1 minute) } } } }
  ByApi:
    Type: AWS::Serverless::Function
    Properties: { Events: { Api: { Type: HttpApi }, Queue: { Type: SQS } } }
  ByRule: { Type: AWS::Serverless::Function }
  Rule:
    Type: AWS::Events::Rule
    Properties: { Targets: [{ Id: t, Arn: !GetAtt ByRule.Arn }] }
  ByScheduler: { Type: AWS::Lambda::Function }
  Schedule:
    Type: AWS::Scheduler::Schedule
    Properties: { Target: { Arn: !GetAtt ByScheduler.Arn } }
  BySubscription: { Type: AWS::Serverless::Function }
  Subscription:
    Type: AWS::SNS::Subscription
    Properties: { Protocol: lambda, TopicArn: !Ref Topic, Endpoint: !GetAtt BySubscription.Arn }
  EmailSubscription:
    Type: AWS::SNS::Subscription
    Properties: { Protocol: email, TopicArn: !Ref Topic, Endpoint: !GetAtt ByApi.Arn }
  ByBucket: { Type: AWS::Serverless::Function }
  Bucket:
    Type: AWS::S3::Bucket
    Properties: { NotificationConfiguration: { LambdaConfigurations: [{ Event: 's3:ObjectCreated:*', Function: !GetAtt ByBucket.Arn }] } }
  ByPermission: { Type: AWS::Serverless::Function }
  Permission:
    Type: AWS::Lambda::Permission
    Properties: { Action: lambda:InvokeFunction, FunctionName: !Ref ByPermission, Principal: !Sub 'logs.\${AWS::Region}.amazonaws.com' }
  ApiPermission:
    Type: AWS::Lambda::Permission
    Properties: { Action: lambda:InvokeFunction, FunctionName: !Ref ByApi, Principal: apigateway.amazonaws.com }
  ByStateMachine: { Type: AWS::Serverless::Function }
  SyncStep: { Type: AWS::Serverless::Function }
  Machine:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionSubstitutions: { Target: !GetAtt ByStateMachine.Arn, Sync: !GetAtt SyncStep.Arn }
      Definition:
        States:
          Fire: { Type: Task, Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: '\${Target}', InvocationType: Event } }
          Wait: { Type: Task, Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: '\${Sync}', InvocationType: RequestResponse } }
`;

    const found = asyncInvocations(parseTemplate(text).document).map(
      (invocation) =>
        `${invocation.functionId} ← ${invocation.via}${invocation.trigger === undefined ? '' : ` [${invocation.trigger}]`}`,
    );

    expect(found.sort()).toEqual([
      'ByBucket ← S3 notifications of Bucket [Bucket]',
      'ByPermission ← AWS::Lambda::Permission Permission (logs.region.amazonaws.com)',
      'ByRule ← AWS::Events::Rule Rule [Rule]',
      'BySchedule ← Schedule event Tick',
      'ByScheduler ← AWS::Scheduler::Schedule Schedule [Schedule]',
      'BySns ← SNS event Tasks [Topic]',
      'ByStateMachine ← InvocationType Event in Machine',
      'BySubscription ← AWS::SNS::Subscription Subscription [Topic]',
    ]);
  });
});

describe('asyncInvocations of custom resources', () => {
  it("asyncInvocations counts a custom resource's function (by ARN, SAM alias or version) as invoked asynchronously by CloudFormation, not a topic token", () => {
    const text = `
Resources:
  Topic: { Type: AWS::SNS::Topic }
  ByArn: { Type: AWS::Lambda::Function }
  ByAlias: { Type: AWS::Serverless::Function, Properties: { AutoPublishAlias: live } }
  ByVersion: { Type: AWS::Serverless::Function, Properties: { AutoPublishAlias: live } }
  NotCustom: { Type: AWS::Serverless::Function }
  First: { Type: AWS::CloudFormation::CustomResource, Properties: { ServiceToken: !GetAtt ByArn.Arn } }
  Second: { Type: Custom::Code, Properties: { ServiceToken: !Ref ByAlias.Alias, Version: !Ref ByVersion.Version } }
  Third: { Type: Custom::Code, Properties: { ServiceToken: !Ref ByVersion.Version } }
  ToTopic: { Type: Custom::Notice, Properties: { ServiceToken: !Ref Topic } }
  Other: { Type: AWS::SSM::Parameter, Properties: { ServiceToken: !GetAtt NotCustom.Arn } }
`;

    const found = asyncInvocations(parseTemplate(text).document).map(
      (invocation) => `${invocation.functionId} ← ${invocation.via}`,
    );

    expect(found.sort()).toEqual([
      'ByAlias ← custom resource Second (CloudFormation)',
      'ByArn ← custom resource First (CloudFormation)',
      'ByVersion ← custom resource Third (CloudFormation)',
    ]);
  });

  it("checkAsyncOnFailure reports a custom resource's function without an on-failure destination and accepts one with it", () => {
    const text = `
Resources:
  Failures: { Type: AWS::SNS::Topic }
  Bare: { Type: AWS::Serverless::Function, Properties: { AutoPublishAlias: live } }
  Guarded: { Type: AWS::Serverless::Function, Properties: { AutoPublishAlias: live, EventInvokeConfig: ${ON_FAILURE} } }
  BareCode: { Type: Custom::Code, Properties: { ServiceToken: !Ref Bare.Alias } }
  GuardedCode: { Type: Custom::Code, Properties: { ServiceToken: !Ref Guarded.Alias } }
`;

    expect(reasons(text)).toEqual([
      [
        'Bare',
        'invoked asynchronously (custom resource BareCode (CloudFormation)) but has no EventInvokeConfig with DestinationConfig.OnFailure: Lambda drops the event after its retries',
      ],
    ]);
  });
});

describe('checkAsyncOnFailure', () => {
  it('checkAsyncOnFailure reports an async-invoked function without EventInvokeConfig, and ignores synchronous ones', () => {
    const text = `
Resources:
  Topic: { Type: AWS::SNS::Topic }
  Worker:
    Type: AWS::Serverless::Function
    Properties: { Events: { Tasks: { Type: SNS, Properties: { Topic: !Ref Topic } } } }
  Api:
    Type: AWS::Serverless::Function
    Properties: { Events: { Api: { Type: HttpApi } } }
`;

    expect(check(text)).toEqual([
      {
        rule: RuleId.asyncOnFailure,
        logicalId: 'Worker',
        reason:
          'invoked asynchronously (SNS event Tasks) but has no EventInvokeConfig with DestinationConfig.OnFailure: Lambda drops the event after its retries',
      },
    ]);
  });

  it('checkAsyncOnFailure accepts a SAM EventInvokeConfig, one inherited from Globals, or an AWS::Lambda::EventInvokeConfig resource', () => {
    const text = `
Globals:
  Function:
    EventInvokeConfig: ${ON_FAILURE}
Resources:
  Failures: { Type: AWS::SNS::Topic }
  Rule:
    Type: AWS::Events::Rule
    Properties: { Targets: [{ Id: a, Arn: !GetAtt Own.Arn }, { Id: b, Arn: !GetAtt Inherited.Arn }, { Id: c, Arn: !GetAtt Plain.Arn }] }
  Own:
    Type: AWS::Serverless::Function
    Properties: { EventInvokeConfig: { MaximumRetryAttempts: 0 } }
  Inherited: { Type: AWS::Serverless::Function }
  Plain: { Type: AWS::Lambda::Function }
  PlainConfig:
    Type: AWS::Lambda::EventInvokeConfig
    Properties: { FunctionName: !Ref Plain, Qualifier: $LATEST, MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: !Ref Failures } } }
`;

    expect(check(text)).toEqual([]);
  });

  it('checkAsyncOnFailure reports a missing retry count, a missing or undeclared destination, a bad Type, and a destination that triggers the function', () => {
    const text = `
Resources:
  Alerts: { Type: AWS::SNS::Topic }
  NoRetries:
    Type: AWS::Serverless::Function
    Properties:
      Events: { Tick: { Type: Schedule } }
      EventInvokeConfig: { DestinationConfig: { OnFailure: { Type: SNS, Destination: !Ref Alerts } } }
  NoDestination:
    Type: AWS::Serverless::Function
    Properties:
      Events: { Tick: { Type: Schedule } }
      EventInvokeConfig: { MaximumRetryAttempts: 2 }
  Undeclared:
    Type: AWS::Serverless::Function
    Properties:
      Events: { Tick: { Type: Schedule } }
      EventInvokeConfig: { MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Type: Topic, Destination: !Ref Missing } } }
  Loop:
    Type: AWS::Serverless::Function
    Properties:
      Events: { Alerts: { Type: SNS, Properties: { Topic: !Ref Alerts } } }
      EventInvokeConfig: { MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Type: SNS, Destination: !Ref Alerts } } }
`;

    expect(reasons(text)).toEqual([
      [
        'NoRetries',
        "invoked asynchronously (Schedule event Tick): EventInvokeConfig has no MaximumRetryAttempts (Lambda's default of 2 retries would apply unstated)",
      ],
      [
        'NoDestination',
        'invoked asynchronously (Schedule event Tick): EventInvokeConfig has no DestinationConfig.OnFailure.Destination: Lambda drops the event after its retries',
      ],
      [
        'Undeclared',
        'invoked asynchronously (Schedule event Tick): EventInvokeConfig.DestinationConfig.OnFailure.Type must be one of SNS, SQS, Lambda, EventBridge, S3Bucket',
      ],
      [
        'Undeclared',
        'invoked asynchronously (Schedule event Tick): EventInvokeConfig OnFailure destination Missing is not a resource of this template',
      ],
      [
        'Loop',
        'invoked asynchronously (SNS event Alerts): EventInvokeConfig OnFailure destination Alerts also invokes this function: a failure would invoke it again',
      ],
    ]);
  });

  it('checkAsyncOnFailure names every way a function is invoked, once each', () => {
    const text = `
Resources:
  Collector: { Type: AWS::Serverless::Function }
  Schedule:
    Type: AWS::Events::Rule
    Properties: { Targets: [{ Id: c, Arn: !GetAtt Collector.Arn }] }
  SchedulePermission:
    Type: AWS::Lambda::Permission
    Properties: { FunctionName: !Ref Collector, Principal: events.amazonaws.com, SourceArn: !GetAtt Schedule.Arn }
`;

    expect(reasons(text)).toEqual([
      [
        'Collector',
        'invoked asynchronously (AWS::Events::Rule Schedule; AWS::Lambda::Permission SchedulePermission (events.amazonaws.com)) but has no EventInvokeConfig with DestinationConfig.OnFailure: Lambda drops the event after its retries',
      ],
    ]);
  });
});

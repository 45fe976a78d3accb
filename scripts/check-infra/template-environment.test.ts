import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.ts';
import { parseTemplate } from './cfn-yaml.ts';
import { functionEnvironment, resolveWithFakes } from './template-environment.ts';

const TEMPLATE = parseTemplate(`
Parameters:
  Name: { Type: String, Default: /vgac/key }
  Count: { Type: Number, Default: 14 }
  NoDefault: { Type: String }
Globals:
  Function:
    Environment:
      Variables: { SHARED: one, OVERRIDDEN: global, TABLE: !Ref Table }
Resources:
  Table: { Type: AWS::DynamoDB::Table }
  Bucket: { Type: AWS::S3::Bucket }
  Topic: { Type: AWS::SNS::Topic }
  Machine: { Type: AWS::Serverless::StateMachine }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Environment:
        Variables: { OVERRIDDEN: own, TOPIC: !Ref Topic }
  Bare: { Type: AWS::Serverless::Function }
`).document;

describe('functionEnvironment', () => {
  it("functionEnvironment merges the Globals Variables with the function's own key by key, the function winning", () => {
    const environment = functionEnvironment(TEMPLATE, 'Fn');

    expect(environment.merged).toEqual({
      SHARED: 'one',
      OVERRIDDEN: 'own',
      TABLE: { Ref: 'Table' },
      TOPIC: { Ref: 'Topic' },
    });
    expect(environment.own).toEqual({ OVERRIDDEN: 'own', TOPIC: { Ref: 'Topic' } });
    expect(functionEnvironment(TEMPLATE, 'Bare').merged).toEqual({
      SHARED: 'one',
      OVERRIDDEN: 'global',
      TABLE: { Ref: 'Table' },
    });
  });

  it('functionEnvironment refuses a function the template does not declare', () => {
    expect(() => functionEnvironment(TEMPLATE, 'Table')).toThrow(InvalidInputError);
  });
});

describe('resolveWithFakes', () => {
  it('resolveWithFakes gives parameters their Default and resources fakes of their kind in the given region and account', () => {
    const stack = { region: 'eu-west-1', accountId: '210987654321', stackName: 'demo' };

    const resolved = resolveWithFakes(
      TEMPLATE,
      {
        LITERAL: 'text',
        NUMBER: 3,
        NAME: { Ref: 'Name' },
        COUNT: { Ref: 'Count' },
        REGION: { Ref: 'AWS::Region' },
        TOPIC: { Ref: 'Topic' },
        TABLE: { Ref: 'Table' },
        BUCKET: { Ref: 'Bucket' },
        MACHINE: { Ref: 'Machine' },
        FUNCTION: { Ref: 'Fn' },
      },
      stack,
    );

    expect(resolved).toEqual({
      LITERAL: 'text',
      NUMBER: '3',
      NAME: '/vgac/key',
      COUNT: '14',
      REGION: 'eu-west-1',
      TOPIC: 'arn:aws:sns:eu-west-1:210987654321:demo-Topic-FAKE0123',
      TABLE: 'demo-Table-FAKE0123',
      BUCKET: 'demo-bucket-fake0123',
      MACHINE: 'arn:aws:states:eu-west-1:210987654321:stateMachine:demo-Machine-FAKE0123',
      FUNCTION: 'demo-Fn-FAKE0123',
    });
  });

  it('resolveWithFakes uses a given parameter value instead of the Default, and can give one to a parameter without Default', () => {
    const resolved = resolveWithFakes(
      TEMPLATE,
      { NAME: { Ref: 'Name' }, COUNT: { Ref: 'Count' }, NONE: { Ref: 'NoDefault' } },
      undefined,
      { Name: '/other/key', NoDefault: 'given' },
    );

    expect(resolved).toEqual({ NAME: '/other/key', COUNT: '14', NONE: 'given' });
  });

  it('resolveWithFakes names the variable it cannot fake: a parameter without Default, an unknown name, another intrinsic', () => {
    for (const [name, value] of [
      ['A', { Ref: 'NoDefault' }],
      ['B', { Ref: 'Nowhere' }],
      ['C', { 'Fn::GetAtt': ['Topic', 'TopicName'] }],
    ] as const) {
      expect(() => resolveWithFakes(TEMPLATE, { [name]: value })).toThrow(new RegExp(`^cannot fake ${name}:`));
    }
  });
});

import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../cfn-yaml.ts';
import { RuleId } from '../violation.ts';
import { checkLambdaLogFormat } from './lambda-log-format.ts';

const check = (text: string) => checkLambdaLogFormat(parseTemplate(text).document);
const reasons = (text: string) => check(text).map((violation) => [violation.logicalId, violation.reason]);

/** The repository template's shape: one parameter feeds both levels, through a mapping for Lambda's spelling. */
const ONE_PARAMETER = `
Parameters:
  LogLevel: { Type: String, Default: info, AllowedValues: [debug, info] }
Mappings:
  Levels:
    debug: { Application: DEBUG }
    info: { Application: INFO }
Globals:
  Function:
    LoggingConfig: { LogFormat: JSON, ApplicationLogLevel: !FindInMap [Levels, !Ref LogLevel, Application] }
    Environment: { Variables: { VGAC_LOG_LEVEL: !Ref LogLevel } }
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: { LoggingConfig: { LogGroup: !Ref Logs } }
`;

describe('checkLambdaLogFormat', () => {
  it('checkLambdaLogFormat accepts JSON logs whose two levels come from one parameter, for each of its values', () => {
    expect(check(ONE_PARAMETER)).toEqual([]);
  });

  it("checkLambdaLogFormat accepts JSON with neither level set: Lambda's INFO and the logger's default info agree", () => {
    expect(
      check(
        'Resources:\n  Fn: { Type: AWS::Serverless::Function, Properties: { LoggingConfig: { LogFormat: JSON } } }',
      ),
    ).toEqual([]);
  });

  it('checkLambdaLogFormat reports a function without JSON format, from Globals or its own', () => {
    const text = `
Resources:
  Unset: { Type: AWS::Serverless::Function }
  Text:
    Type: AWS::Lambda::Function
    Properties: { LoggingConfig: { LogFormat: Text } }
`;

    expect(check(text)).toEqual([
      {
        rule: RuleId.lambdaLogFormat,
        logicalId: 'Unset',
        reason: 'LoggingConfig.LogFormat is unset (Text); must be JSON (in Globals.Function or on the function)',
      },
      {
        rule: RuleId.lambdaLogFormat,
        logicalId: 'Text',
        reason: 'LoggingConfig.LogFormat is "Text"; must be JSON (in Globals.Function or on the function)',
      },
    ]);
  });

  it('checkLambdaLogFormat reports levels that disagree for some parameter value, and a level above INFO', () => {
    const text = `
Parameters:
  LogLevel: { Type: String, AllowedValues: [debug, info] }
Resources:
  FixedApplication:
    Type: AWS::Serverless::Function
    Properties:
      LoggingConfig: { LogFormat: JSON, ApplicationLogLevel: INFO }
      Environment: { Variables: { VGAC_LOG_LEVEL: !Ref LogLevel } }
  LoggerUnset:
    Type: AWS::Serverless::Function
    Properties: { LoggingConfig: { LogFormat: JSON, ApplicationLogLevel: DEBUG } }
  Warn:
    Type: AWS::Serverless::Function
    Properties:
      LoggingConfig: { LogFormat: JSON, ApplicationLogLevel: WARN }
      Environment: { Variables: { VGAC_LOG_LEVEL: warn } }
`;

    expect(reasons(text)).toEqual([
      [
        'FixedApplication',
        "ApplicationLogLevel is INFO but VGAC_LOG_LEVEL is debug with LogLevel=debug: Powertools follows Lambda's level and warns; set both from one parameter",
      ],
      [
        'LoggerUnset',
        "ApplicationLogLevel is DEBUG but VGAC_LOG_LEVEL is info: Powertools follows Lambda's level and warns; set both from one parameter",
      ],
      [
        'Warn',
        'ApplicationLogLevel is WARN: Lambda would drop the embedded-metric lines (no level key counts as INFO); use INFO or DEBUG',
      ],
    ]);
  });

  it('checkLambdaLogFormat reports a mapping that lets a parameter value reach ERROR', () => {
    const text = ONE_PARAMETER.replace('AllowedValues: [debug, info]', 'AllowedValues: [debug, info, error]').replace(
      'info: { Application: INFO }',
      'info: { Application: INFO }\n    error: { Application: ERROR }',
    );

    expect(reasons(text)).toEqual([
      [
        'Fn',
        'ApplicationLogLevel is ERROR with LogLevel=error: Lambda would drop the embedded-metric lines (no level key counts as INFO); use INFO or DEBUG',
      ],
    ]);
  });

  it('checkLambdaLogFormat reports levels it cannot verify: a parameter without AllowedValues, a missing mapping cell, another intrinsic', () => {
    const unverifiable =
      'cannot verify the log levels: ApplicationLogLevel and VGAC_LOG_LEVEL must be literals, parameters with AllowedValues, or FindInMap over them';
    const text = `
Parameters:
  Free: { Type: String, Default: info }
  LogLevel: { Type: String, AllowedValues: [debug, info] }
Mappings:
  Levels:
    info: { Application: INFO }
Resources:
  OpenParameter:
    Type: AWS::Serverless::Function
    Properties: { LoggingConfig: { LogFormat: JSON }, Environment: { Variables: { VGAC_LOG_LEVEL: !Ref Free } } }
  MissingCell:
    Type: AWS::Serverless::Function
    Properties:
      LoggingConfig: { LogFormat: JSON, ApplicationLogLevel: !FindInMap [Levels, !Ref LogLevel, Application] }
      Environment: { Variables: { VGAC_LOG_LEVEL: !Ref LogLevel } }
  Computed:
    Type: AWS::Serverless::Function
    Properties: { LoggingConfig: { LogFormat: JSON, ApplicationLogLevel: !Select [0, [INFO]] } }
`;

    expect(reasons(text)).toEqual([
      ['OpenParameter', unverifiable],
      ['MissingCell', unverifiable],
      ['Computed', unverifiable],
    ]);
  });
});

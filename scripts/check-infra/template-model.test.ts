import { describe, expect, it } from 'vitest';
import { parseTemplate } from './cfn-yaml.ts';
import { functionsOf, isIntrinsic, mergeGlobal, referencedIds } from './template-model.ts';

describe('template model', () => {
  it('isIntrinsic is true for one-key Ref, Condition and Fn:: maps only', () => {
    expect([{ Ref: 'A' }, { Condition: 'C' }, { 'Fn::Sub': 'x' }].map(isIntrinsic)).toEqual([true, true, true]);
    expect([{ Ref: 'A', Other: 1 }, { Foo: 1 }, 'Ref', ['Ref'], null].map(isIntrinsic)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  // The cases of samtranslator's GlobalProperties docstring (plugins/globals/globals.py), worked by hand.
  it('mergeGlobal merges maps recursively, concatenates lists, and otherwise takes the local value', () => {
    const merged = mergeGlobal(
      {
        LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO' },
        Layers: ['a'],
        Timeout: 30,
        Deep: { Inner: { X: 1, Y: 2 } },
      },
      { LoggingConfig: { LogGroup: { Ref: 'Logs' } }, Layers: ['b'], Timeout: 120, Deep: { Inner: { Y: 3 } } },
    );

    expect(merged).toEqual({
      LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', LogGroup: { Ref: 'Logs' } },
      Layers: ['a', 'b'],
      Timeout: 120,
      Deep: { Inner: { X: 1, Y: 3 } },
    });
  });

  it('mergeGlobal treats an intrinsic as a scalar: the local value wins whole, whichever side is intrinsic', () => {
    expect(mergeGlobal({ Ref: 'Global' }, { Key: 1 })).toEqual({ Key: 1 });
    expect(mergeGlobal({ Key: 1 }, { 'Fn::If': ['C', { A: 1 }, { B: 2 }] })).toEqual({
      'Fn::If': ['C', { A: 1 }, { B: 2 }],
    });
    expect(mergeGlobal(['a'], 'b')).toBe('b');
  });

  it('functionsOf applies Globals.Function to SAM functions only, leaving the parsed properties unchanged', () => {
    const { document } = parseTemplate(`
Globals:
  Function:
    LoggingConfig: { LogFormat: JSON }
Resources:
  Sam:
    Type: AWS::Serverless::Function
    Properties: { LoggingConfig: { LogGroup: !Ref Logs } }
  Plain:
    Type: AWS::Lambda::Function
    Properties: { Handler: index.handler }
`);

    const [sam, plain] = functionsOf(document);

    expect(sam?.effective.LoggingConfig).toEqual({ LogFormat: 'JSON', LogGroup: { Ref: 'Logs' } });
    expect(sam?.properties.LoggingConfig).toEqual({ LogGroup: { Ref: 'Logs' } });
    expect(plain?.effective).toEqual({ Handler: 'index.handler' });
  });

  it('referencedIds finds Ref, GetAtt and Sub names (not pseudo parameters or Sub variables) and follows ${Name} placeholders through substitutions', () => {
    const value = [
      { Ref: 'A' },
      { 'Fn::GetAtt': ['B', 'Arn'] },
      { 'Fn::Sub': ['${C.Arn}/${AWS::Region}/${local}', { local: { Ref: 'D' } }] },
      '${Fn}',
    ];

    expect([...referencedIds(value, { Fn: { 'Fn::GetAtt': ['E', 'Arn'] } })].sort()).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect([...referencedIds('${Fn}')]).toEqual([]);
  });
});

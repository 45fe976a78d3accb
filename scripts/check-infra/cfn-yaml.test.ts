import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.ts';
import { parseTemplate } from './cfn-yaml.ts';

describe('parseTemplate', () => {
  it('parseTemplate turns every intrinsic short form into its long form', () => {
    const text = [
      'a: !Ref Bucket',
      'b: !GetAtt Table.StreamArn',
      'c: !GetAtt [Table, Arn]',
      "d: !Sub 'arn:${AWS::Partition}:s3:::${Bucket}/*'",
      "e: !Sub ['${x}-y', { x: !Ref Name }]",
      "f: !Join ['', [a, !Ref B]]",
      'g: !If [IsProd, 1, !Ref AWS::NoValue]',
      'h: !Equals [!Ref Env, prod]',
      'i: !Not [!Condition IsProd]',
      'j: !And [!Condition A, !Condition B]',
      'k: !Or [!Condition A, !Condition B]',
      'l: !Select [0, !GetAZs ""]',
      "m: !Split [',', 'a,b']",
      'n: !FindInMap [Map, !Ref AWS::Region, Key]',
      'o: !ImportValue SharedTopic',
      'p: !Base64 hello',
      'q: !Cidr [10.0.0.0/16, 4, 8]',
      'r: !Sub { x: 1 }',
    ].join('\n');

    const { document } = parseTemplate(text);

    expect(document).toEqual({
      a: { Ref: 'Bucket' },
      b: { 'Fn::GetAtt': ['Table', 'StreamArn'] },
      c: { 'Fn::GetAtt': ['Table', 'Arn'] },
      d: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Bucket}/*' },
      e: { 'Fn::Sub': ['${x}-y', { x: { Ref: 'Name' } }] },
      f: { 'Fn::Join': ['', ['a', { Ref: 'B' }]] },
      g: { 'Fn::If': ['IsProd', 1, { Ref: 'AWS::NoValue' }] },
      h: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] },
      i: { 'Fn::Not': [{ Condition: 'IsProd' }] },
      j: { 'Fn::And': [{ Condition: 'A' }, { Condition: 'B' }] },
      k: { 'Fn::Or': [{ Condition: 'A' }, { Condition: 'B' }] },
      l: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] },
      m: { 'Fn::Split': [',', 'a,b'] },
      n: { 'Fn::FindInMap': ['Map', { Ref: 'AWS::Region' }, 'Key'] },
      o: { 'Fn::ImportValue': 'SharedTopic' },
      p: { 'Fn::Base64': 'hello' },
      q: { 'Fn::Cidr': ['10.0.0.0/16', 4, 8] },
      r: { 'Fn::Sub': { x: 1 } },
    });
  });

  it('parseTemplate splits !GetAtt on the first dot only', () => {
    const { document } = parseTemplate('a: !GetAtt Stack.Outputs.TopicArn');

    expect(document.a).toEqual({ 'Fn::GetAtt': ['Stack', 'Outputs.TopicArn'] });
  });

  it('parseTemplate reads scalars as YAML 1.1 does (PyYAML reference)', () => {
    // Reference: /usr/bin/python3 -c 'import yaml; print(yaml.safe_load("a: 010\nb: 1:20\nc: yes\nd: y\ne: on\nf: 0x1F\nh: Off\ni: n\nj: 1_000\nk: 0b101\n"))'
    // → {'a': 8, 'b': 80, 'c': True, 'd': 'y', 'e': True, 'f': 31, 'h': False, 'i': 'n', 'j': 1000, 'k': 5}
    const { document } = parseTemplate(
      'a: 010\nb: 1:20\nc: yes\nd: y\ne: on\nf: 0x1F\nh: Off\ni: n\nj: 1_000\nk: 0b101\n',
    );

    expect(document).toEqual({ a: 8, b: 80, c: true, d: 'y', e: true, f: 31, h: false, i: 'n', j: 1000, k: 5 });
  });

  it('parseTemplate keeps an unquoted date a string (CloudFormation has no timestamp tag)', () => {
    const { document } = parseTemplate('AWSTemplateFormatVersion: 2010-09-09');

    expect(document.AWSTemplateFormatVersion).toBe('2010-09-09');
  });

  it('parseTemplate refuses aliases, merge keys, unsupported tags, duplicate keys and unknown tags', () => {
    expect(() => parseTemplate('a: &x 1\nb: *x')).toThrow(/alias \*x/);
    expect(() => parseTemplate('base: { x: 1 }\nc:\n  <<: { y: 2 }\n')).toThrow(/merge key <</);
    expect(() => parseTemplate('a: !!binary aGVsbG8=')).toThrow(/binary/);
    expect(() => parseTemplate('a: 1\na: 2')).toThrow(/unique/i);
    expect(() => parseTemplate('a: !Frobnicate x')).toThrow(/Frobnicate/);
  });

  it('parseTemplate names the source in its error and refuses a non-mapping document', () => {
    expect(() => parseTemplate('a: [1, 2', 'my.yaml')).toThrow(InvalidInputError);
    expect(() => parseTemplate('a: [1, 2', 'my.yaml')).toThrow(/^my\.yaml: /);
    expect(() => parseTemplate('- 1\n- 2', 'list.yaml')).toThrow('list.yaml: a template must be a mapping');
    expect(() => parseTemplate('a: !GetAtt NoDot')).toThrow(/Resource\.Attribute/);
  });

  it('parseTemplate maps each line to the resource or section that owns it', () => {
    const text = [
      'Parameters:', //                 1
      '  ModelId:', //                  2
      '    Type: String', //            3
      'Resources:', //                  4
      '  # about the table', //         5
      '  Table:', //                    6
      '    Type: AWS::DynamoDB::Table', // 7
      '  Fn:', //                       8
      '    Type: AWS::Serverless::Function', // 9
      '    Properties:', //             10
      '      Timeout: 3', //            11
      'Outputs:', //                    12
      '  Url:', //                      13
      '    Value: x', //                14
    ].join('\n');

    const { lineOwners } = parseTemplate(text);

    expect(lineOwners).toEqual([
      'Parameters',
      'Parameters.ModelId',
      'Parameters.ModelId',
      'Resources',
      'Resources',
      'Table',
      'Table',
      'Fn',
      'Fn',
      'Fn',
      'Fn',
      'Outputs',
      'Outputs.Url',
      'Outputs.Url',
    ]);
  });
});

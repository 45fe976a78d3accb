/**
 * Parses a CloudFormation/SAM YAML template the way CloudFormation does:
 * - YAML 1.1 ("CloudFormation supports the YAML Version 1.1 specification with a few
 *   exceptions"): octal `010`, sexagesimal `1:20`, `yes`/`on` booleans… Booleans follow PyYAML,
 *   the loader of AWS's own tooling (cfn-lint, `aws cloudformation package`): yes/no/on/off/
 *   true/false in three cases, while `y`/`n` stay strings (one known difference from PyYAML: a
 *   float with an unsigned exponent such as `1.5e3` is a number here, a string there);
 * - the documented exceptions are errors: the binary, omap, pairs, set and timestamp tags,
 *   aliases and hash merges (`<<`); so an unquoted `2010-09-09` stays a string;
 * - the intrinsic short forms become their long forms: `!Ref X` → `{Ref: X}`,
 *   `!GetAtt A.B.C` → `{'Fn::GetAtt': ['A', 'B.C']}`, `!Condition C` → `{Condition: C}`,
 *   `!Sub …`/`!Join …`/… → `{'Fn::Sub': …}` for scalar, sequence or mapping operands;
 * - duplicate keys and unknown tags are errors, not warnings.
 * Reference: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html
 */
import {
  Pair,
  Scalar,
  YAMLMap,
  isMap,
  isPair,
  isScalar,
  parseDocument,
  visit,
  type CollectionTag,
  type ScalarTag,
  type Tags,
} from 'yaml';
import { InvalidInputError } from '../../src/core/errors.ts';

/** Intrinsics written `!Name` that become `{ 'Fn::Name': operand }`. */
const FN_SHORT_FORMS = [
  'And',
  'Base64',
  'Cidr',
  'Equals',
  'FindInMap',
  'GetAZs',
  'If',
  'ImportValue',
  'Join',
  'Not',
  'Or',
  'Select',
  'Split',
  'Sub',
  'Length',
  'ToJsonString',
] as const;

const UNSUPPORTED_TAGS = new Set(
  ['binary', 'omap', 'pairs', 'set', 'timestamp', 'merge', 'bool'].map((name) => `tag:yaml.org,2002:${name}`),
);

const PYYAML_BOOLEANS: ScalarTag[] = [
  {
    tag: 'tag:yaml.org,2002:bool',
    identify: (value) => value === true,
    default: true,
    test: /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/,
    resolve: () => true,
  },
  {
    tag: 'tag:yaml.org,2002:bool',
    identify: (value) => value === false,
    default: true,
    test: /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/,
    resolve: () => false,
  },
];

function wrap(key: string, node: unknown): YAMLMap {
  const map = new YAMLMap();
  map.items.push(new Pair(new Scalar(key), node));
  return map;
}

function intrinsicTags(): (ScalarTag | CollectionTag)[] {
  const tags: (ScalarTag | CollectionTag)[] = [
    { tag: '!Ref', resolve: (value) => ({ Ref: value }) },
    { tag: '!Condition', resolve: (value) => ({ Condition: value }) },
    {
      tag: '!GetAtt',
      resolve: (value, onError) => {
        const dot = value.indexOf('.');
        if (dot <= 0 || dot === value.length - 1) onError(`!GetAtt needs Resource.Attribute, got '${value}'`);
        return { 'Fn::GetAtt': [value.slice(0, dot), value.slice(dot + 1)] };
      },
    },
    { tag: '!GetAtt', collection: 'seq', resolve: (seq) => wrap('Fn::GetAtt', seq) },
  ];
  for (const name of FN_SHORT_FORMS) {
    tags.push(
      { tag: `!${name}`, resolve: (value) => ({ [`Fn::${name}`]: value }) },
      { tag: `!${name}`, collection: 'seq', resolve: (seq) => wrap(`Fn::${name}`, seq) },
      { tag: `!${name}`, collection: 'map', resolve: (map) => wrap(`Fn::${name}`, map) },
    );
  }
  return tags;
}

export interface ParsedTemplate {
  /** The template as plain JSON-like data (long-form intrinsics). */
  readonly document: Record<string, unknown>;
  /** The raw text, for checks that must also see comments. */
  readonly text: string;
  /**
   * For each 0-based line, what it belongs to: a resource's logical id, `Parameters.Name`,
   * `Outputs.Name`, `Conditions.Name`, `Mappings.Name`, a top-level section name, or `line N`.
   */
  readonly lineOwners: readonly string[];
}

/** Parses template text; throws InvalidInputError naming the source and the first problems. */
export function parseTemplate(text: string, source = 'template.yaml'): ParsedTemplate {
  const document = parseDocument(text, {
    version: '1.1',
    merge: false,
    uniqueKeys: true,
    prettyErrors: false,
    customTags: (defaults: Tags) => [
      ...defaults.filter((tag) => typeof tag !== 'object' || !UNSUPPORTED_TAGS.has(tag.tag)),
      ...PYYAML_BOOLEANS,
      ...intrinsicTags(),
    ],
  });
  const problems = [...document.errors, ...document.warnings].map(
    (problem) => `${problem.message.split('\n')[0] ?? problem.code}`,
  );
  visit(document, {
    Alias(_key, node) {
      problems.push(`alias *${node.source} (CloudFormation does not support YAML aliases)`);
    },
    Pair(_key, pair) {
      if (isScalar(pair.key) && pair.key.value === '<<')
        problems.push('merge key << (CloudFormation does not support hash merges)');
    },
  });
  if (problems.length > 0) throw new InvalidInputError(`${source}: ${problems.slice(0, 3).join('; ')}`);
  const value: unknown = document.toJS({ maxAliasCount: 0 });
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InvalidInputError(`${source}: a template must be a mapping`);
  return { document: value as Record<string, unknown>, text, lineOwners: lineOwners(text, document.contents) };
}

const NAMED_SECTIONS = new Set(['Parameters', 'Outputs', 'Conditions', 'Mappings', 'Rules']);

function lineOwners(text: string, contents: unknown): string[] {
  const lineStarts = [0];
  for (let index = 0; index < text.length; index += 1) if (text[index] === '\n') lineStarts.push(index + 1);
  const lineOf = (offset: number): number => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((lineStarts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  };
  const owners = lineStarts.map((_start, line) => `line ${line + 1}`);
  const claim = (pair: Pair, owner: string): void => {
    const key = pair.key as Scalar | null;
    const value = pair.value as { range?: [number, number, number] } | null;
    const start = key?.range?.[0];
    const end = value?.range?.[1] ?? key?.range?.[1];
    if (start === undefined || end === undefined) return;
    for (let line = lineOf(start); line <= lineOf(Math.max(start, end - 1)); line += 1) owners[line] = owner;
  };
  if (!isMap(contents)) return owners;
  for (const section of contents.items) {
    if (!isPair(section) || !isScalar(section.key)) continue;
    const sectionName = String(section.key.value);
    claim(section, sectionName);
    if ((sectionName === 'Resources' || NAMED_SECTIONS.has(sectionName)) && isMap(section.value)) {
      for (const entry of section.value.items) {
        if (!isPair(entry) || !isScalar(entry.key)) continue;
        const name = String(entry.key.value);
        claim(entry, sectionName === 'Resources' ? name : `${sectionName}.${name}`);
      }
    }
  }
  return owners;
}

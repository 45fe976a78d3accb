import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { TTL_ATTRIBUTE, tableDefinition } from './table-definition.ts';

interface TemplateTable {
  readonly Type: string;
  readonly Properties: Record<string, unknown> & {
    readonly TimeToLiveSpecification?: { readonly AttributeName: string; readonly Enabled: boolean };
  };
}

/** The DynamoDB table declared in the SAM template (CloudFormation tags such as !Ref are left unresolved). */
function templateTable(): TemplateTable {
  const template = parse(readFileSync(new URL('../../../template.yaml', import.meta.url), 'utf8'), {
    logLevel: 'silent',
  }) as {
    Resources: Record<string, TemplateTable>;
  };
  const tables = Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::DynamoDB::Table');
  expect(tables).toHaveLength(1);
  return tables[0] as TemplateTable;
}

describe('tableDefinition', () => {
  it('matches the SAM template’s table: keys, ClusterIndex GSI, on-demand billing', () => {
    const declared = templateTable().Properties;

    const defined = tableDefinition('any-name');

    expect(defined.BillingMode).toBe(declared.BillingMode);
    expect(defined.AttributeDefinitions).toEqual(declared.AttributeDefinitions);
    expect(defined.KeySchema).toEqual(declared.KeySchema);
    expect(defined.GlobalSecondaryIndexes).toEqual(declared.GlobalSecondaryIndexes);
  });

  it('uses the SAM template’s TTL attribute', () => {
    const ttl = templateTable().Properties.TimeToLiveSpecification;

    expect(ttl).toEqual({ AttributeName: TTL_ATTRIBUTE, Enabled: true });
  });
});

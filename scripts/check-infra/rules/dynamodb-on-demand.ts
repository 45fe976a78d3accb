/**
 * Rule dynamodb-on-demand: every DynamoDB table bills per request. `BillingMode` must be
 * `PAY_PER_REQUEST` (CloudFormation's default is PROVISIONED, so a missing mode fails), and no
 * provisioned throughput may appear on the table or any of its indexes. SAM SimpleTables are
 * on-demand unless they declare ProvisionedThroughput.
 */
import { RuleId, type Violation } from '../violation.ts';
import { asList, isRecord, resourcesOf, type Json } from '../template-model.ts';

export function checkDynamoDbOnDemand(template: Json): Violation[] {
  const violations: Violation[] = [];
  for (const resource of resourcesOf(template)) {
    const report = (reason: string): void => {
      violations.push({ rule: RuleId.dynamodbOnDemand, logicalId: resource.logicalId, reason });
    };
    const properties = resource.properties;
    if (resource.type === 'AWS::DynamoDB::Table' || resource.type === 'AWS::DynamoDB::GlobalTable') {
      if (properties.BillingMode !== 'PAY_PER_REQUEST') {
        report(
          `BillingMode is ${properties.BillingMode === undefined ? 'missing (defaults to PROVISIONED)' : JSON.stringify(properties.BillingMode)}; must be PAY_PER_REQUEST`,
        );
      }
      for (const key of ['ProvisionedThroughput', 'WriteProvisionedThroughputSettings']) {
        if (properties[key] !== undefined) report(`${key} is set; provisioned capacity is forbidden by the seed`);
      }
      for (const index of asList(properties.GlobalSecondaryIndexes)) {
        if (!isRecord(index)) continue;
        for (const key of ['ProvisionedThroughput', 'WriteProvisionedThroughputSettings']) {
          if (index[key] !== undefined)
            report(`index ${String(index.IndexName)} sets ${key}; provisioned capacity is forbidden by the seed`);
        }
      }
      for (const replica of asList(properties.Replicas)) {
        if (isRecord(replica) && replica.ReadProvisionedThroughputSettings !== undefined) {
          report('a replica sets ReadProvisionedThroughputSettings; provisioned capacity is forbidden by the seed');
        }
      }
    } else if (resource.type === 'AWS::Serverless::SimpleTable' && properties.ProvisionedThroughput !== undefined) {
      report('ProvisionedThroughput is set; provisioned capacity is forbidden by the seed (omit it for on-demand)');
    }
  }
  return violations;
}

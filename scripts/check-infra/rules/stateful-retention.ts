/**
 * Rule stateful-retention: every resource that holds the product's state — DynamoDB tables (the
 * track record, the ledger) and S3 buckets (calibrator versions) — carries `DeletionPolicy: Retain`
 * and `UpdateReplacePolicy: Retain`, so neither `sam delete` nor an update that replaces the
 * resource erases the data (CloudFormation's default for both is Delete). docs/deploy.md says what
 * to delete by hand after `sam delete`.
 */
import { RuleId, type Violation } from '../violation.ts';
import { resourcesOf, type Json } from '../template-model.ts';

/** Resource types whose deletion loses data. */
export const STATEFUL_TYPES: readonly string[] = [
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::Serverless::SimpleTable',
  'AWS::S3::Bucket',
];

const POLICIES = ['DeletionPolicy', 'UpdateReplacePolicy'] as const;

export function checkStatefulRetention(template: Json): Violation[] {
  return resourcesOf(template)
    .filter((resource) => STATEFUL_TYPES.includes(resource.type))
    .flatMap((resource) =>
      POLICIES.flatMap((policy) => {
        const value = resource.raw[policy];
        if (value === 'Retain') return [];
        const found = value === undefined ? 'none (CloudFormation deletes it)' : JSON.stringify(value);
        return [
          {
            rule: RuleId.statefulRetention,
            logicalId: resource.logicalId,
            reason: `${policy} is ${found}; a ${resource.type} must have ${policy}: Retain`,
          },
        ];
      }),
    );
}

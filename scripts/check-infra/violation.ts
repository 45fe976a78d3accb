/** What a policy rule reports: which rule, where (a resource's logical id, or a file:line), and why. */

export const RuleId = {
  forbiddenResource: 'forbidden-resource',
  dynamodbOnDemand: 'dynamodb-on-demand',
  forbiddenModel: 'forbidden-model',
  lambdaMemory: 'lambda-memory',
  lambdaTimeout: 'lambda-timeout',
  lambdaLogRetention: 'lambda-log-retention',
  iamWildcardAction: 'iam-wildcard-action',
  iamWildcardResource: 'iam-wildcard-resource',
  iamUnverifiablePolicy: 'iam-unverifiable-policy',
  lambdaTopicEnvironment: 'lambda-topic-environment',
  statefulRetention: 'stateful-retention',
  asyncOnFailure: 'async-on-failure',
  lambdaLogFormat: 'lambda-log-format',
  cfnLint: 'cfn-lint',
} as const;
export type RuleId = (typeof RuleId)[keyof typeof RuleId];

export interface Violation {
  readonly rule: RuleId;
  /** The resource's logical id; for template-wide findings a section path such as `Parameters.ModelId`. */
  readonly logicalId: string;
  readonly reason: string;
}

/** A finding in a source file (the forbidden-model scan of src/ and scripts/). */
export interface SourceViolation {
  readonly rule: RuleId;
  /** Path relative to the repository root. */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  readonly reason: string;
}

/** Runs every template rule over a parsed template. Pure. */
import type { ParsedTemplate } from './cfn-yaml.ts';
import { checkAsyncOnFailure } from './rules/async-on-failure.ts';
import { checkDynamoDbOnDemand } from './rules/dynamodb-on-demand.ts';
import { checkForbiddenModelInTemplate } from './rules/forbidden-model.ts';
import { checkForbiddenResources } from './rules/forbidden-resources.ts';
import { checkIamPolicies } from './rules/iam-policies.ts';
import { checkLambdaMemory, checkLambdaTimeout } from './rules/lambda-limits.ts';
import { checkLambdaLogFormat } from './rules/lambda-log-format.ts';
import { checkLambdaLogRetention } from './rules/lambda-log-retention.ts';
import { checkLambdaTopicEnvironment } from './rules/lambda-topic-environment.ts';
import { checkStatefulRetention } from './rules/stateful-retention.ts';
import type { Violation } from './violation.ts';

export function checkTemplate(template: ParsedTemplate): Violation[] {
  const { document } = template;
  return [
    ...checkForbiddenResources(document),
    ...checkDynamoDbOnDemand(document),
    ...checkForbiddenModelInTemplate(template.text, template.lineOwners),
    ...checkLambdaMemory(document),
    ...checkLambdaTimeout(document),
    ...checkLambdaLogRetention(document),
    ...checkIamPolicies(document),
    ...checkLambdaTopicEnvironment(document),
    ...checkStatefulRetention(document),
    ...checkAsyncOnFailure(document),
    ...checkLambdaLogFormat(document),
  ];
}

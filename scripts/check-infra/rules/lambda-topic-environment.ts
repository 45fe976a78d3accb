/**
 * Rule lambda-topic-environment: a function told to publish to a topic may publish to it.
 * - Every `VGAC_*_TOPIC_ARN` variable (template-environment.ts) — in Globals or in a function's
 *   own Environment — is `!Ref` to an AWS::SNS::Topic declared in this template (a literal ARN
 *   or another resource would deploy, then fail on the first publish or point at nothing).
 * - Every such variable a function sets itself is one the function may publish to: a
 *   `SNSPublishMessagePolicy` whose TopicName is `!GetAtt <Topic>.TopicName`, or an Allow
 *   statement with `sns:Publish` on `!Ref <Topic>`. (A Globals variable reaches every function,
 *   including those that never publish, so publishing rights are asked only of functions that
 *   name the topic themselves.)
 * The handlers that require such a variable at cold start (slack.ts: VGAC_SLACK_TASK_TOPIC_ARN)
 * are checked by scripts/check-infra/real-template.test.ts and test/integration/lambda-cold-config.test.ts.
 */
import { RuleId, type Violation } from '../violation.ts';
import { functionEnvironment, globalVariables, TOPIC_ARN_VARIABLE } from '../template-environment.ts';
import {
  asList,
  functionsOf,
  isRecord,
  refTarget,
  resourcesOf,
  type FunctionView,
  type Json,
} from '../template-model.ts';

const TOPIC = 'AWS::SNS::Topic';

/** Logical ids of the topics `fn` may publish to, as its Policies grant (SAM template or inline statement). */
export function publishableTopics(fn: FunctionView): Set<string> {
  const topics = new Set<string>();
  for (const policy of asList(fn.properties.Policies)) {
    if (!isRecord(policy)) continue;
    const template = policy.SNSPublishMessagePolicy;
    if (isRecord(template)) {
      const name = template.TopicName;
      const getAtt = isRecord(name) ? name['Fn::GetAtt'] : undefined;
      if (Array.isArray(getAtt) && getAtt.length === 2 && getAtt[1] === 'TopicName' && typeof getAtt[0] === 'string')
        topics.add(getAtt[0]);
      continue;
    }
    for (const statement of asList(policy.Statement)) {
      if (!isRecord(statement) || statement.Effect !== 'Allow' || !asList(statement.Action).includes('sns:Publish'))
        continue;
      for (const resource of asList(statement.Resource)) {
        const target = refTarget(resource);
        if (target !== undefined) topics.add(target);
      }
    }
  }
  return topics;
}

function topicVariables(variables: Readonly<Record<string, unknown>>): [string, unknown][] {
  return Object.entries(variables).filter(([name]) => TOPIC_ARN_VARIABLE.test(name));
}

export function checkLambdaTopicEnvironment(template: Json): Violation[] {
  const topics = new Set(
    resourcesOf(template)
      .filter((resource) => resource.type === TOPIC)
      .map((resource) => resource.logicalId),
  );
  const notATopic = (value: unknown): boolean => {
    const target = refTarget(value);
    return target === undefined || !topics.has(target);
  };
  const violations: Violation[] = [];
  for (const [name, value] of topicVariables(globalVariables(template))) {
    if (notATopic(value))
      violations.push({
        rule: RuleId.lambdaTopicEnvironment,
        logicalId: 'Globals.Function',
        reason: `${name} is not !Ref to an AWS::SNS::Topic of this template`,
      });
  }
  for (const fn of functionsOf(template)) {
    const publishable = publishableTopics(fn);
    for (const [name, value] of topicVariables(functionEnvironment(template, fn.logicalId).own)) {
      if (notATopic(value)) {
        violations.push({
          rule: RuleId.lambdaTopicEnvironment,
          logicalId: fn.logicalId,
          reason: `${name} is not !Ref to an AWS::SNS::Topic of this template`,
        });
        continue;
      }
      const topic = refTarget(value) as string;
      if (!publishable.has(topic)) {
        violations.push({
          rule: RuleId.lambdaTopicEnvironment,
          logicalId: fn.logicalId,
          reason: `${name} names ${topic}, but no policy lets the function publish to it (SNSPublishMessagePolicy TopicName: !GetAtt ${topic}.TopicName)`,
        });
      }
    }
  }
  return violations;
}

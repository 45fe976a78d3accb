/**
 * Rule lambda-log-retention: every function writes to a log group declared in the template
 * with RetentionInDays (an implicit `/aws/lambda/<name>` group keeps logs forever, and stored
 * logs are billed). A function is linked to a group by either
 * - `LoggingConfig.LogGroup: !Ref Group` (or the group's literal name), or
 * - a group named `/aws/lambda/${Function}` (`!Sub '/aws/lambda/${Fn}'` or
 *   `!Join ['', ['/aws/lambda/', !Ref Fn]]`).
 */
import { RuleId, type Violation } from '../violation.ts';
import { functionsOf, isRecord, refTarget, resourcesOf, type Json, type Resource } from '../template-model.ts';

const LOG_GROUP = 'AWS::Logs::LogGroup';

/** The function a log group's name points at via /aws/lambda/<function>, if any. */
function defaultGroupFunction(name: unknown): string | undefined {
  if (isRecord(name) && 'Fn::Sub' in name) {
    const sub = name['Fn::Sub'];
    const pattern: unknown = Array.isArray(sub) ? (sub as unknown[])[0] : sub;
    const match = typeof pattern === 'string' ? /^\/aws\/lambda\/\$\{([A-Za-z0-9]+)\}$/.exec(pattern) : null;
    return match?.[1];
  }
  if (isRecord(name) && Array.isArray(name['Fn::Join'])) {
    const [separator, parts] = name['Fn::Join'] as unknown[];
    if (separator === '' && Array.isArray(parts) && parts.length === 2 && parts[0] === '/aws/lambda/')
      return refTarget(parts[1]);
  }
  return undefined;
}

export function checkLambdaLogRetention(template: Json): Violation[] {
  const groups = resourcesOf(template).filter((resource) => resource.type === LOG_GROUP);
  const byId = new Map(groups.map((group) => [group.logicalId, group]));
  return functionsOf(template).flatMap((fn) => {
    const configured = isRecord(fn.effective.LoggingConfig) ? fn.effective.LoggingConfig.LogGroup : undefined;
    let group: Resource | undefined;
    if (configured !== undefined) {
      const target = refTarget(configured);
      group =
        target === undefined
          ? groups.find((candidate) => candidate.properties.LogGroupName === configured)
          : byId.get(target);
      if (group === undefined) {
        return [
          {
            rule: RuleId.lambdaLogRetention,
            logicalId: fn.logicalId,
            reason: 'LoggingConfig.LogGroup does not name an AWS::Logs::LogGroup declared in this template',
          },
        ];
      }
    } else {
      group = groups.find((candidate) => defaultGroupFunction(candidate.properties.LogGroupName) === fn.logicalId);
      if (group === undefined) {
        return [
          {
            rule: RuleId.lambdaLogRetention,
            logicalId: fn.logicalId,
            reason: 'no AWS::Logs::LogGroup for this function (LoggingConfig.LogGroup or /aws/lambda/${Function})',
          },
        ];
      }
    }
    return group.properties.RetentionInDays === undefined
      ? [
          {
            rule: RuleId.lambdaLogRetention,
            logicalId: fn.logicalId,
            reason: `log group ${group.logicalId} has no RetentionInDays`,
          },
        ]
      : [];
  });
}

/**
 * Rule lambda-log-format: every function logs in Lambda's JSON format, and its two log levels
 * agree.
 * - `LoggingConfig.LogFormat: JSON` (Globals applied): structured system and application records
 *   that CloudWatch Logs Insights can query by field, and level filtering.
 * - With JSON, Lambda sets AWS_LAMBDA_LOG_LEVEL from `ApplicationLogLevel` (INFO when unset), and
 *   the Powertools logger takes that level over the one passed to it (VGAC_LOG_LEVEL, through
 *   config.ts; DEFAULT_LOG_LEVEL when unset), warning when they differ. So for every value the
 *   template's parameters may take, ApplicationLogLevel must equal VGAC_LOG_LEVEL (upper-cased).
 * - ApplicationLogLevel is at most INFO: Lambda treats a line without a `level` key as INFO, and
 *   the Powertools metrics' embedded-metric lines have none, so WARN or above would drop every
 *   metric (the dashboard and the model-cost alarm would go blind).
 * Values may be literals, `!Ref` to a parameter with AllowedValues, or `!FindInMap` over such
 * parameters; anything else cannot be verified and is reported.
 */
import { DEFAULT_LOG_LEVEL } from '../../../src/entry/config.ts';
import { RuleId, type Violation } from '../violation.ts';
import { functionEnvironment } from '../template-environment.ts';
import { functionsOf, isRecord, referencedIds, type Json } from '../template-model.ts';

/** ApplicationLogLevel when LogFormat is JSON and none is set (Lambda's default). */
export const LAMBDA_DEFAULT_APPLICATION_LOG_LEVEL = 'INFO';

/** Application log levels that keep INFO lines, and so the embedded-metric lines. */
const KEEPS_METRICS: readonly string[] = ['TRACE', 'DEBUG', 'INFO'];

const UNRESOLVED = Symbol('unresolved');
type Resolved = string | typeof UNRESOLVED;

/** `value` under one assignment of parameter values: a literal, a Ref, or a FindInMap of those. */
function resolve(value: unknown, assignment: Readonly<Record<string, string>>, mappings: Json): Resolved {
  if (typeof value === 'string') return value;
  if (!isRecord(value)) return UNRESOLVED;
  if (typeof value.Ref === 'string') return assignment[value.Ref] ?? UNRESOLVED;
  const findInMap = value['Fn::FindInMap'];
  if (Array.isArray(findInMap) && findInMap.length === 3) {
    const [map, key, attribute] = findInMap.map((part: unknown) => resolve(part, assignment, mappings));
    if (map === UNRESOLVED || key === UNRESOLVED || attribute === UNRESOLVED) return UNRESOLVED;
    const table = mappings[map as string];
    const row = isRecord(table) ? table[key as string] : undefined;
    const cell = isRecord(row) ? row[attribute as string] : undefined;
    return typeof cell === 'string' ? cell : UNRESOLVED;
  }
  return UNRESOLVED;
}

/** Every assignment of the parameters `names` over their AllowedValues; undefined when one has none. */
function assignments(names: readonly string[], parameters: Json): Record<string, string>[] | undefined {
  let all: Record<string, string>[] = [{}];
  for (const name of names) {
    const definition = parameters[name];
    const allowed =
      isRecord(definition) && Array.isArray(definition.AllowedValues)
        ? definition.AllowedValues.map(String)
        : undefined;
    if (allowed === undefined) return undefined;
    all = all.flatMap((partial) => allowed.map((value) => ({ ...partial, [name]: value })));
  }
  return all;
}

function describeAssignment(assignment: Readonly<Record<string, string>>): string {
  const entries = Object.entries(assignment);
  return entries.length === 0 ? '' : ` with ${entries.map(([name, value]) => `${name}=${value}`).join(', ')}`;
}

export function checkLambdaLogFormat(template: Json): Violation[] {
  const parameters = isRecord(template.Parameters) ? template.Parameters : {};
  const mappings = isRecord(template.Mappings) ? template.Mappings : {};
  return functionsOf(template).flatMap((fn): Violation[] => {
    const violation = (reason: string): Violation[] => [
      { rule: RuleId.lambdaLogFormat, logicalId: fn.logicalId, reason },
    ];
    const logging = isRecord(fn.effective.LoggingConfig) ? fn.effective.LoggingConfig : {};
    if (logging.LogFormat !== 'JSON')
      return violation(
        `LoggingConfig.LogFormat is ${logging.LogFormat === undefined ? 'unset (Text)' : JSON.stringify(logging.LogFormat)}; must be JSON (in Globals.Function or on the function)`,
      );

    const applicationLevel = logging.ApplicationLogLevel ?? LAMBDA_DEFAULT_APPLICATION_LOG_LEVEL;
    const loggerLevel = functionEnvironment(template, fn.logicalId).merged.VGAC_LOG_LEVEL ?? DEFAULT_LOG_LEVEL;
    const names = [...new Set([...referencedIds(applicationLevel), ...referencedIds(loggerLevel)])]
      .filter((name) => name in parameters)
      .sort();
    const cases = assignments(names, parameters);
    if (cases === undefined)
      return violation(
        'cannot verify the log levels: ApplicationLogLevel and VGAC_LOG_LEVEL must be literals, parameters with AllowedValues, or FindInMap over them',
      );
    for (const assignment of cases) {
      const application = resolve(applicationLevel, assignment, mappings);
      const logger = resolve(loggerLevel, assignment, mappings);
      if (application === UNRESOLVED || logger === UNRESOLVED)
        return violation(
          'cannot verify the log levels: ApplicationLogLevel and VGAC_LOG_LEVEL must be literals, parameters with AllowedValues, or FindInMap over them',
        );
      if (!KEEPS_METRICS.includes(application)) {
        return violation(
          `ApplicationLogLevel is ${application}${describeAssignment(assignment)}: Lambda would drop the embedded-metric lines (no level key counts as INFO); use INFO or DEBUG`,
        );
      }
      if (application !== logger.toUpperCase()) {
        return violation(
          `ApplicationLogLevel is ${application} but VGAC_LOG_LEVEL is ${logger}${describeAssignment(assignment)}: Powertools follows Lambda's level and warns; set both from one parameter`,
        );
      }
    }
    return [];
  });
}

/**
 * A Lambda function's environment as the template gives it: `Globals.Function.Environment.Variables`
 * merged with the function's own (SAM merges the Variables maps key by key; the function wins),
 * and — for tests that load a handler with that environment — the same variables with every
 * intrinsic resolved to a plausible fake: a parameter's Default (or a value given for it, as a
 * deployer would), an SNS topic's ARN, a table or bucket name, a function name, a state machine
 * ARN. Pure.
 */
import { InvalidInputError } from '../../src/core/errors.ts';
import { functionsOf, isRecord, refTarget, resourcesOf, type Json } from './template-model.ts';

/** `VGAC_<WHAT>_TOPIC_ARN`: a variable naming an SNS topic a function publishes to. */
export const TOPIC_ARN_VARIABLE = /^VGAC_[A-Z0-9_]+_TOPIC_ARN$/;

export interface FunctionEnvironment {
  /** Variables from `Globals.Function.Environment.Variables`, as written (intrinsics unresolved). */
  readonly globals: Readonly<Record<string, unknown>>;
  /** The function's own `Environment.Variables`, as written. */
  readonly own: Readonly<Record<string, unknown>>;
  /** What the function runs with: globals overridden by its own. */
  readonly merged: Readonly<Record<string, unknown>>;
}

function variablesOf(holder: unknown): Record<string, unknown> {
  const environment = isRecord(holder) ? holder.Environment : undefined;
  const variables = isRecord(environment) ? environment.Variables : undefined;
  return isRecord(variables) ? variables : {};
}

/** `Globals.Function.Environment.Variables`, as written; {} when absent. */
export function globalVariables(template: Json): Record<string, unknown> {
  return isRecord(template.Globals) ? variablesOf(template.Globals.Function) : {};
}

/** The environment of function `logicalId`. Throws InvalidInputError when the template has no such function. */
export function functionEnvironment(template: Json, logicalId: string): FunctionEnvironment {
  const fn = functionsOf(template).find((candidate) => candidate.logicalId === logicalId);
  if (fn === undefined) throw new InvalidInputError(`template has no function '${logicalId}'`);
  const globals = globalVariables(template);
  const own = variablesOf(fn.properties);
  return { globals, own, merged: { ...globals, ...own } };
}

/** Where the fakes live: the region, account and stack name every fake ARN and name is built from. */
export interface FakeStack {
  readonly region: string;
  readonly accountId: string;
  readonly stackName: string;
}

export const DEFAULT_FAKE_STACK: FakeStack = { region: 'us-east-1', accountId: '123456789012', stackName: 'vgac' };

/** The fake value `{Ref: logicalId}` resolves to; undefined for an unknown name. */
function fakeRef(
  template: Json,
  logicalId: string,
  stack: FakeStack,
  parameterValues: Readonly<Record<string, string>>,
): string | undefined {
  const parameters = isRecord(template.Parameters) ? template.Parameters : {};
  const parameter = parameters[logicalId];
  if (isRecord(parameter)) {
    const given = parameterValues[logicalId];
    if (given !== undefined) return given;
    const fallback = parameter.Default;
    return typeof fallback === 'string' || typeof fallback === 'number' || typeof fallback === 'boolean'
      ? String(fallback)
      : undefined;
  }
  if (logicalId === 'AWS::Region') return stack.region;
  if (logicalId === 'AWS::AccountId') return stack.accountId;
  if (logicalId === 'AWS::StackName') return stack.stackName;
  const resource = resourcesOf(template).find((candidate) => candidate.logicalId === logicalId);
  const physical = `${stack.stackName}-${logicalId}-FAKE0123`;
  switch (resource?.type) {
    case 'AWS::SNS::Topic':
      return `arn:aws:sns:${stack.region}:${stack.accountId}:${physical}`;
    case 'AWS::Serverless::StateMachine':
    case 'AWS::StepFunctions::StateMachine':
      return `arn:aws:states:${stack.region}:${stack.accountId}:stateMachine:${physical}`;
    case 'AWS::S3::Bucket':
      return physical.toLowerCase();
    case 'AWS::DynamoDB::Table':
    case 'AWS::Serverless::Function':
    case 'AWS::Lambda::Function':
      return physical;
    default:
      return undefined;
  }
}

/** The fake value of `Fn::GetAtt [logicalId, attribute]`; undefined for an attribute not faked here. */
function fakeGetAtt(template: Json, logicalId: string, attribute: string, stack: FakeStack): string | undefined {
  const resource = resourcesOf(template).find((candidate) => candidate.logicalId === logicalId);
  if (resource?.type === 'AWS::BedrockAgentCore::Runtime' && attribute === 'AgentRuntimeArn') {
    return `arn:aws:bedrock-agentcore:${stack.region}:${stack.accountId}:runtime/${stack.stackName}_${logicalId}-FAKE012345`;
  }
  return undefined;
}

/** A parameter's value as a deployer gave it, else its Default. */
function parameterValue(
  template: Json,
  name: string,
  parameterValues: Readonly<Record<string, string>>,
): string | undefined {
  const parameter = isRecord(template.Parameters) ? template.Parameters[name] : undefined;
  if (!isRecord(parameter)) return undefined;
  const fallback = parameter.Default;
  return (
    parameterValues[name] ??
    (typeof fallback === 'string' || typeof fallback === 'number' || typeof fallback === 'boolean'
      ? String(fallback)
      : undefined)
  );
}

/** The truth of a condition of `template.Conditions` built from Fn::Equals / Fn::Not / Fn::And / Fn::Or / Condition over parameter Refs and literals; undefined when it cannot be told. */
function conditionValue(
  template: Json,
  name: string,
  parameterValues: Readonly<Record<string, string>>,
): boolean | undefined {
  const conditions = isRecord(template.Conditions) ? template.Conditions : {};
  const evaluate = (expression: unknown): boolean | undefined => {
    if (!isRecord(expression)) return undefined;
    if (typeof expression.Condition === 'string')
      return conditionValue(template, expression.Condition, parameterValues);
    const operand = (value: unknown): string | undefined => {
      if (typeof value === 'string') return value;
      const target = refTarget(value);
      return target === undefined ? undefined : parameterValue(template, target, parameterValues);
    };
    if (Array.isArray(expression['Fn::Equals'])) {
      const [left, right] = (expression['Fn::Equals'] as unknown[]).map(operand);
      return left === undefined || right === undefined ? undefined : left === right;
    }
    if (Array.isArray(expression['Fn::Not'])) {
      const inner = evaluate((expression['Fn::Not'] as unknown[])[0]);
      return inner === undefined ? undefined : !inner;
    }
    for (const [operator, combine] of [
      ['Fn::And', (values: boolean[]) => values.every(Boolean)],
      ['Fn::Or', (values: boolean[]) => values.some(Boolean)],
    ] as const) {
      if (Array.isArray(expression[operator])) {
        const values = (expression[operator] as unknown[]).map(evaluate);
        return values.some((value) => value === undefined) ? undefined : combine(values as boolean[]);
      }
    }
    return undefined;
  };
  return evaluate(conditions[name]);
}

/**
 * The variables with intrinsics replaced by fakes (see the module comment). Literal strings,
 * numbers and booleans become their text. `parameterValues` (parameter name → value) stands in
 * for a deployer's answers; parameters not given take their Default. `Fn::If` takes the branch its
 * condition (over those parameters) selects; `Fn::GetAtt` of an AgentCore runtime's ARN is faked.
 * @throws InvalidInputError naming the variable whose value is an intrinsic other than a `Ref` to a
 * parameter with a Default, a pseudo parameter or a resource of a known type.
 */
export function resolveWithFakes(
  template: Json,
  variables: Readonly<Record<string, unknown>>,
  stack: FakeStack = DEFAULT_FAKE_STACK,
  parameterValues: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const resolve = (value: unknown): string | undefined => {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (isRecord(value) && Array.isArray(value['Fn::If'])) {
      const [condition, then, otherwise] = value['Fn::If'] as unknown[];
      const chosen = typeof condition === 'string' ? conditionValue(template, condition, parameterValues) : undefined;
      return chosen === undefined ? undefined : resolve(chosen ? then : otherwise);
    }
    if (isRecord(value) && Array.isArray(value['Fn::GetAtt'])) {
      const [logicalId, attribute] = value['Fn::GetAtt'] as unknown[];
      return typeof logicalId === 'string' && typeof attribute === 'string'
        ? fakeGetAtt(template, logicalId, attribute, stack)
        : undefined;
    }
    const target = refTarget(value);
    return target === undefined ? undefined : fakeRef(template, target, stack, parameterValues);
  };
  const resolved: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) {
    const fake = resolve(value);
    if (fake === undefined)
      throw new InvalidInputError(
        `cannot fake ${name}: ${JSON.stringify(value)} is not a Ref to a parameter with a Default or a known resource`,
      );
    resolved[name] = fake;
  }
  return resolved;
}

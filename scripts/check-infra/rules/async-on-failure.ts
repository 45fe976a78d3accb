/**
 * Rule async-on-failure: every function invoked asynchronously has an on-failure destination.
 * Lambda retries an asynchronous event (by default twice) and then drops it without a trace
 * unless `DestinationConfig.OnFailure` names somewhere to send the record; a lost Slack answer,
 * recompute or alert would be invisible.
 *
 * A function is invoked asynchronously when any of these points at it:
 * - a SAM event of an asynchronous type (ASYNC_EVENT_TYPES: SNS, S3, schedules, EventBridge, …);
 * - an `AWS::Events::Rule` target or an `AWS::Scheduler::Schedule` target;
 * - an `AWS::SNS::Subscription` with Protocol lambda, or an S3 bucket's LambdaConfigurations;
 * - an `AWS::Lambda::Permission` for an asynchronous service principal (ASYNC_PRINCIPAL);
 * - `InvocationType: Event` beside a `FunctionName` anywhere in a resource (e.g. a Step Functions
 *   `lambda:invoke` task; `${Name}` placeholders resolve through DefinitionSubstitutions);
 * - a custom resource (`Custom::*` or `AWS::CloudFormation::CustomResource`) whose ServiceToken
 *   is the function (its ARN, or SAM's `<Function>.Alias` / `<Function>.Version`): CloudFormation
 *   invokes a custom resource's function asynchronously and waits for the reply at its ResponseURL.
 * It has what it needs when its EventInvokeConfig (the SAM property, Globals applied, or an
 * `AWS::Lambda::EventInvokeConfig` naming it) sets MaximumRetryAttempts (no silent default) and
 * `DestinationConfig.OnFailure.Destination`; a destination given by Ref/GetAtt must be declared in
 * the template and must not be what triggers the function (its failure would invoke it again).
 */
import { RuleId, type Violation } from '../violation.ts';
import {
  asList,
  functionsOf,
  isRecord,
  referencedIds,
  resourcesOf,
  type Json,
  type Resource,
} from '../template-model.ts';

/** SAM event types whose source invokes the function asynchronously (SQS, Kinesis, DynamoDB streams poll; APIs are synchronous). */
export const ASYNC_EVENT_TYPES: readonly string[] = [
  'SNS',
  'S3',
  'Schedule',
  'ScheduleV2',
  'CloudWatchEvent',
  'EventBridgeRule',
  'CloudWatchLogs',
  'IoTRule',
];

/** Service principals that invoke Lambda asynchronously. */
export const ASYNC_PRINCIPAL = /^(sns|s3|events|scheduler|iot)\.amazonaws\.com$|^logs\.([a-z0-9-]+\.)?amazonaws\.com$/;

export interface AsyncInvocation {
  readonly functionId: string;
  /** What invokes it, for the message: e.g. `SNS event Tasks`, `AWS::Events::Rule CollectorSchedule`. */
  readonly via: string;
  /** The logical id of the topic, bucket or rule that triggers it, when one is named. */
  readonly trigger?: string;
}

function onlyFunctions(ids: Set<string>, functionIds: ReadonlySet<string>): string[] {
  return [...ids].filter((id) => functionIds.has(id));
}

/** `InvocationType: Event` objects inside `node`, with the functions their FunctionName references. */
function eventInvocations(node: unknown, substitutions: Json, functionIds: ReadonlySet<string>): string[] {
  if (Array.isArray(node)) return node.flatMap((item) => eventInvocations(item, substitutions, functionIds));
  if (!isRecord(node)) return [];
  const here =
    node.InvocationType === 'Event' ? onlyFunctions(referencedIds(node.FunctionName, substitutions), functionIds) : [];
  return [...here, ...Object.values(node).flatMap((child) => eventInvocations(child, substitutions, functionIds))];
}

/** SAM's `<Function>.Alias` and `<Function>.Version` references name the function's alias or version: the function. */
function functionIdOf(reference: string): string {
  return reference.replace(/\.(Alias|Version)$/, '');
}

function isCustomResource(type: string): boolean {
  return type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
}

function principalText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const sub = isRecord(value) ? value['Fn::Sub'] : undefined;
  return typeof sub === 'string'
    ? sub.replace('${AWS::URLSuffix}', 'amazonaws.com').replace('${AWS::Region}', 'region')
    : undefined;
}

/** Every asynchronous invocation of a function of the template (see the module comment). */
export function asyncInvocations(template: Json): AsyncInvocation[] {
  const functions = functionsOf(template);
  const functionIds = new Set(functions.map((fn) => fn.logicalId));
  const invocations: AsyncInvocation[] = [];
  const add = (ids: Iterable<string>, via: string, trigger?: string): void => {
    for (const functionId of ids) {
      if (functionIds.has(functionId))
        invocations.push({ functionId, via, ...(trigger === undefined ? {} : { trigger }) });
    }
  };
  const single = (value: unknown): string | undefined => {
    const ids = [...referencedIds(value)];
    return ids.length === 1 ? ids[0] : undefined;
  };

  for (const fn of functions) {
    const events = isRecord(fn.properties.Events) ? fn.properties.Events : {};
    for (const [name, event] of Object.entries(events)) {
      if (!isRecord(event) || typeof event.Type !== 'string' || !ASYNC_EVENT_TYPES.includes(event.Type)) continue;
      const properties = isRecord(event.Properties) ? event.Properties : {};
      add([fn.logicalId], `${event.Type} event ${name}`, single(properties.Topic ?? properties.Bucket));
    }
  }
  for (const resource of resourcesOf(template)) {
    const { properties } = resource;
    const substitutions = isRecord(properties.DefinitionSubstitutions) ? properties.DefinitionSubstitutions : {};
    switch (resource.type) {
      case 'AWS::Events::Rule':
        for (const target of asList(properties.Targets)) {
          if (isRecord(target))
            add(referencedIds(target.Arn), `AWS::Events::Rule ${resource.logicalId}`, resource.logicalId);
        }
        break;
      case 'AWS::Scheduler::Schedule':
        if (isRecord(properties.Target))
          add(
            referencedIds(properties.Target.Arn),
            `AWS::Scheduler::Schedule ${resource.logicalId}`,
            resource.logicalId,
          );
        break;
      case 'AWS::SNS::Subscription':
        if (properties.Protocol === 'lambda')
          add(
            referencedIds(properties.Endpoint),
            `AWS::SNS::Subscription ${resource.logicalId}`,
            single(properties.TopicArn),
          );
        break;
      case 'AWS::S3::Bucket': {
        const notifications = isRecord(properties.NotificationConfiguration)
          ? properties.NotificationConfiguration
          : {};
        for (const configuration of asList(notifications.LambdaConfigurations)) {
          if (isRecord(configuration))
            add(referencedIds(configuration.Function), `S3 notifications of ${resource.logicalId}`, resource.logicalId);
        }
        break;
      }
      case 'AWS::Lambda::Permission': {
        const principal = principalText(properties.Principal);
        if (principal !== undefined && ASYNC_PRINCIPAL.test(principal))
          add(
            referencedIds(properties.FunctionName),
            `AWS::Lambda::Permission ${resource.logicalId} (${principal})`,
            single(properties.SourceArn),
          );
        break;
      }
      default:
        if (isCustomResource(resource.type))
          add(
            [...referencedIds(properties.ServiceToken)].map(functionIdOf),
            `custom resource ${resource.logicalId} (CloudFormation)`,
          );
        break;
    }
    add(eventInvocations(properties, substitutions, functionIds), `InvocationType Event in ${resource.logicalId}`);
  }
  return invocations;
}

const ACCEPTED_DESTINATION_TYPES = ['SNS', 'SQS', 'Lambda', 'EventBridge', 'S3Bucket'];

interface InvokeConfig {
  readonly where: string;
  readonly config: Json;
}

/** The function's EventInvokeConfig: its own (Globals applied) or an AWS::Lambda::EventInvokeConfig resource naming it. */
function invokeConfigsOf(fnId: string, effective: Json, resources: readonly Resource[]): InvokeConfig[] {
  const configs: InvokeConfig[] = [];
  if (isRecord(effective.EventInvokeConfig))
    configs.push({ where: 'EventInvokeConfig', config: effective.EventInvokeConfig });
  for (const resource of resources) {
    if (
      resource.type === 'AWS::Lambda::EventInvokeConfig' &&
      referencedIds(resource.properties.FunctionName).has(fnId)
    ) {
      configs.push({ where: `AWS::Lambda::EventInvokeConfig ${resource.logicalId}`, config: resource.properties });
    }
  }
  return configs;
}

function problemsOf(
  invoke: InvokeConfig,
  sam: boolean,
  triggers: ReadonlySet<string>,
  declared: ReadonlySet<string>,
): string[] {
  const problems: string[] = [];
  const { config, where } = invoke;
  if (config.MaximumRetryAttempts === undefined)
    problems.push(`${where} has no MaximumRetryAttempts (Lambda's default of 2 retries would apply unstated)`);
  const destinationConfig = isRecord(config.DestinationConfig) ? config.DestinationConfig : {};
  const onFailure = destinationConfig.OnFailure;
  if (!isRecord(onFailure) || onFailure.Destination === undefined) {
    problems.push(`${where} has no DestinationConfig.OnFailure.Destination: Lambda drops the event after its retries`);
    return problems;
  }
  if (
    sam &&
    where === 'EventInvokeConfig' &&
    (typeof onFailure.Type !== 'string' || !ACCEPTED_DESTINATION_TYPES.includes(onFailure.Type))
  ) {
    problems.push(`${where}.DestinationConfig.OnFailure.Type must be one of ${ACCEPTED_DESTINATION_TYPES.join(', ')}`);
  }
  for (const target of referencedIds(onFailure.Destination)) {
    if (!declared.has(target))
      problems.push(`${where} OnFailure destination ${target} is not a resource of this template`);
    else if (triggers.has(target))
      problems.push(
        `${where} OnFailure destination ${target} also invokes this function: a failure would invoke it again`,
      );
  }
  return problems;
}

export function checkAsyncOnFailure(template: Json): Violation[] {
  const resources = resourcesOf(template);
  const declared = new Set(resources.map((resource) => resource.logicalId));
  const invocations = asyncInvocations(template);
  return functionsOf(template).flatMap((fn) => {
    const mine = invocations.filter((invocation) => invocation.functionId === fn.logicalId);
    if (mine.length === 0) return [];
    const vias = [...new Set(mine.map((invocation) => invocation.via))].sort().join('; ');
    const triggers = new Set(
      mine.flatMap((invocation) => (invocation.trigger === undefined ? [] : [invocation.trigger])),
    );
    const configs = invokeConfigsOf(fn.logicalId, fn.effective, resources);
    if (configs.length === 0) {
      return [
        {
          rule: RuleId.asyncOnFailure,
          logicalId: fn.logicalId,
          reason: `invoked asynchronously (${vias}) but has no EventInvokeConfig with DestinationConfig.OnFailure: Lambda drops the event after its retries`,
        },
      ];
    }
    return configs
      .flatMap((config) => problemsOf(config, fn.type === 'AWS::Serverless::Function', triggers, declared))
      .map((problem) => ({
        rule: RuleId.asyncOnFailure,
        logicalId: fn.logicalId,
        reason: `invoked asynchronously (${vias}): ${problem}`,
      }));
  });
}

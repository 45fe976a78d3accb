/**
 * Rules iam-wildcard-action, iam-wildcard-resource and iam-unverifiable-policy: least privilege
 * that the check can actually see.
 * - No Allow statement grants `*`, `service:*` or any other action containing `*`, nor uses
 *   NotAction; no Allow statement names Resource `*` or uses NotResource. Deny statements may
 *   use wildcards (e.g. a bucket policy denying insecure transport on `s3:*`).
 * - An Allow statement with a `bedrock:` action names each model resource exactly: no `*` in
 *   its ARN (literal or `Fn::Sub` template), so a grant reaches only the inference profiles and
 *   foundation models of the allow-list, never a whole family (or a refused one).
 * - Every policy must be visible: inline statements, or a SAM policy template from the vetted
 *   list below (whose expansions are known). Managed policies (names or ARNs) and unknown SAM
 *   templates are reported, since their actions cannot be checked here.
 * Policies are read from AWS::IAM::Role/Policy/ManagedPolicy, SAM functions and state machines
 * (`Policies`), resource policies (SNS topic, S3 bucket, SQS queue) and Lambda permissions.
 */
import { RuleId, type Violation } from '../violation.ts';
import { asList, isRecord, resourcesOf, type Json, type Resource } from '../template-model.ts';

/**
 * SAM policy templates whose expansions were read from the SAM translator's
 * samtranslator/policy_templates_data/policy_templates.json: the actions they grant and whether
 * any statement has Resource "*". Those with a wildcard action or resource are listed so the
 * rules report them precisely rather than as unknown.
 */
export const SAM_POLICY_TEMPLATES: Readonly<
  Record<string, { readonly actions: readonly string[]; readonly wildcardResource: boolean }>
> = {
  SNSPublishMessagePolicy: { actions: ['sns:Publish'], wildcardResource: false },
  DynamoDBReadPolicy: {
    actions: ['dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:DescribeTable'],
    wildcardResource: false,
  },
  DynamoDBWritePolicy: {
    actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'],
    wildcardResource: false,
  },
  DynamoDBCrudPolicy: {
    actions: [
      'dynamodb:GetItem',
      'dynamodb:DeleteItem',
      'dynamodb:PutItem',
      'dynamodb:Scan',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:BatchGetItem',
      'dynamodb:DescribeTable',
      'dynamodb:ConditionCheckItem',
    ],
    wildcardResource: false,
  },
  S3ReadPolicy: {
    actions: [
      's3:GetObject',
      's3:ListBucket',
      's3:GetBucketLocation',
      's3:GetObjectVersion',
      's3:GetLifecycleConfiguration',
    ],
    wildcardResource: false,
  },
  S3CrudPolicy: {
    actions: [
      's3:GetObject',
      's3:ListBucket',
      's3:GetBucketLocation',
      's3:GetObjectVersion',
      's3:PutObject',
      's3:PutObjectAcl',
      's3:GetLifecycleConfiguration',
      's3:PutLifecycleConfiguration',
      's3:DeleteObject',
    ],
    wildcardResource: false,
  },
  LambdaInvokePolicy: { actions: ['lambda:InvokeFunction'], wildcardResource: false },
  StepFunctionsExecutionPolicy: { actions: ['states:StartExecution'], wildcardResource: false },
  SQSPollerPolicy: {
    actions: [
      'sqs:ChangeMessageVisibility',
      'sqs:ChangeMessageVisibilityBatch',
      'sqs:DeleteMessage',
      'sqs:DeleteMessageBatch',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
    ],
    wildcardResource: false,
  },
  SQSSendMessagePolicy: { actions: ['sqs:SendMessage*'], wildcardResource: false },
  SSMParameterReadPolicy: {
    actions: ['ssm:DescribeParameters', 'ssm:GetParameters', 'ssm:GetParameter', 'ssm:GetParametersByPath'],
    wildcardResource: true,
  },
  CloudWatchPutMetricPolicy: { actions: ['cloudwatch:PutMetricData'], wildcardResource: true },
};

const POLICY_DOCUMENT_HOLDERS = new Set([
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::SNS::TopicPolicy',
  'AWS::S3::BucketPolicy',
  'AWS::SQS::QueuePolicy',
]);

interface Finding {
  readonly rule: RuleId;
  readonly reason: string;
}

/** The ARN text of a resource: a literal, or the template of `Fn::Sub` (string or [string, variables]); undefined for other intrinsics. */
function resourceText(resource: unknown): string | undefined {
  if (typeof resource === 'string') return resource;
  if (!isRecord(resource) || !('Fn::Sub' in resource)) return undefined;
  const sub = resource['Fn::Sub'];
  if (typeof sub === 'string') return sub;
  return Array.isArray(sub) && typeof sub[0] === 'string' ? sub[0] : undefined;
}

function checkStatement(statement: unknown, where: string): Finding[] {
  if (!isRecord(statement))
    return [{ rule: RuleId.iamUnverifiablePolicy, reason: `${where}: a statement is not a mapping` }];
  if (statement.Effect === 'Deny') return [];
  const findings: Finding[] = [];
  if (statement.NotAction !== undefined)
    findings.push({
      rule: RuleId.iamWildcardAction,
      reason: `${where}: Allow with NotAction grants every other action`,
    });
  for (const action of asList(statement.Action)) {
    if (typeof action !== 'string')
      findings.push({ rule: RuleId.iamUnverifiablePolicy, reason: `${where}: an action is not a literal string` });
    else if (action.includes('*'))
      findings.push({ rule: RuleId.iamWildcardAction, reason: `${where}: wildcard action '${action}'` });
  }
  if (statement.NotResource !== undefined)
    findings.push({
      rule: RuleId.iamWildcardResource,
      reason: `${where}: Allow with NotResource grants every other resource`,
    });
  const bedrock = asList(statement.Action).some(
    (action) => typeof action === 'string' && action.startsWith('bedrock:'),
  );
  for (const resource of asList(statement.Resource)) {
    if (resource === '*') findings.push({ rule: RuleId.iamWildcardResource, reason: `${where}: Resource '*'` });
    else if (bedrock && resourceText(resource)?.includes('*') === true) {
      findings.push({
        rule: RuleId.iamWildcardResource,
        reason: `${where}: Bedrock resource '${resourceText(resource) ?? ''}' has a wildcard; name the exact inference profile or foundation model`,
      });
    }
  }
  return findings;
}

function checkDocument(document: unknown, where: string): Finding[] {
  // An intrinsic ({Ref: …}, {'Fn::If': …}) or a document without Statement cannot be checked.
  if (!isRecord(document) || !('Statement' in document)) {
    return [
      {
        rule: RuleId.iamUnverifiablePolicy,
        reason: `${where}: the policy document is not a literal mapping with Statement`,
      },
    ];
  }
  return asList(document.Statement).flatMap((statement) => checkStatement(statement, where));
}

/** `{Ref: 'AWS::NoValue'}`: the branch of a conditional policy that grants nothing. */
function isNoValue(value: unknown): boolean {
  return isRecord(value) && value.Ref === 'AWS::NoValue';
}

/**
 * SAM `Policies`: a managed policy name/ARN, an inline document, a SAM policy template, a
 * conditional `Fn::If: [condition, policy, policy]` (supported by SAM since v1.14; each branch is
 * checked, `AWS::NoValue` grants nothing), or a list of those.
 */
function checkSamPolicies(policies: unknown, where: string): Finding[] {
  return asList(policies).flatMap((policy, index) => checkSamPolicy(policy, `${where}.Policies[${index}]`));
}

function checkSamPolicy(policy: unknown, at: string): Finding[] {
  if (isRecord(policy) && 'Fn::If' in policy) {
    const branches = policy['Fn::If'];
    if (!Array.isArray(branches) || branches.length !== 3 || typeof branches[0] !== 'string') {
      return [{ rule: RuleId.iamUnverifiablePolicy, reason: `${at}: Fn::If is not [condition, policy, policy]` }];
    }
    return (
      [
        [branches[1], 'then'],
        [branches[2], 'else'],
      ] as const
    )
      .filter(([branch]) => !isNoValue(branch))
      .flatMap(([branch, name]) => checkSamPolicy(branch, `${at}.Fn::If(${name})`));
  }
  if (typeof policy === 'string')
    return [
      {
        rule: RuleId.iamUnverifiablePolicy,
        reason: `${at}: managed policy '${policy}' cannot be checked; use inline statements`,
      },
    ];
  if (!isRecord(policy)) return [{ rule: RuleId.iamUnverifiablePolicy, reason: `${at}: not a policy` }];
  if ('Statement' in policy) return checkDocument(policy, at);
  const names = Object.keys(policy);
  const name = names[0];
  const known = names.length === 1 && name !== undefined ? SAM_POLICY_TEMPLATES[name] : undefined;
  if (name === undefined || known === undefined) {
    return [
      {
        rule: RuleId.iamUnverifiablePolicy,
        reason: `${at}: SAM policy template '${names.join(', ')}' is not in the vetted list; its expansion cannot be checked`,
      },
    ];
  }
  const findings: Finding[] = known.actions
    .filter((action) => action.includes('*'))
    .map((action) => ({
      rule: RuleId.iamWildcardAction,
      reason: `${at}: SAM template ${name} grants wildcard action '${action}'`,
    }));
  if (known.wildcardResource)
    findings.push({ rule: RuleId.iamWildcardResource, reason: `${at}: SAM template ${name} grants on Resource '*'` });
  return findings;
}

/** One of a role's inline policies ({PolicyName, PolicyDocument}), or a conditional `Fn::If: [condition, policy, policy]` of them (each branch checked; `AWS::NoValue` grants nothing). */
function checkRoleInlinePolicy(policy: unknown, at: string): Finding[] {
  if (isRecord(policy) && 'Fn::If' in policy) {
    const branches = policy['Fn::If'];
    if (!Array.isArray(branches) || branches.length !== 3 || typeof branches[0] !== 'string') {
      return [{ rule: RuleId.iamUnverifiablePolicy, reason: `${at}: Fn::If is not [condition, policy, policy]` }];
    }
    return (
      [
        [branches[1], 'then'],
        [branches[2], 'else'],
      ] as const
    )
      .filter(([branch]) => !isNoValue(branch))
      .flatMap(([branch, name]) => checkRoleInlinePolicy(branch, `${at}.Fn::If(${name})`));
  }
  return checkDocument(isRecord(policy) ? policy.PolicyDocument : undefined, at);
}

function checkResource(resource: Resource): Finding[] {
  const { type, properties } = resource;
  if (type === 'AWS::Serverless::Function' || type === 'AWS::Serverless::StateMachine') {
    return properties.Policies === undefined ? [] : checkSamPolicies(properties.Policies, 'Properties');
  }
  if (type === 'AWS::IAM::Role') {
    const inline = asList(properties.Policies).flatMap((policy, index) =>
      checkRoleInlinePolicy(policy, `Properties.Policies[${index}]`),
    );
    const managed = asList(properties.ManagedPolicyArns).map((arn) => ({
      rule: RuleId.iamUnverifiablePolicy,
      reason: `Properties.ManagedPolicyArns: managed policy ${typeof arn === 'string' ? `'${arn}'` : '(intrinsic)'} cannot be checked; use inline statements`,
    }));
    return [...inline, ...managed];
  }
  if (POLICY_DOCUMENT_HOLDERS.has(type)) return checkDocument(properties.PolicyDocument, 'Properties.PolicyDocument');
  if (type === 'AWS::Lambda::Permission') {
    const action = properties.Action;
    if (typeof action !== 'string')
      return [{ rule: RuleId.iamUnverifiablePolicy, reason: 'Properties.Action is not a literal string' }];
    return action.includes('*')
      ? [{ rule: RuleId.iamWildcardAction, reason: `Properties.Action: wildcard action '${action}'` }]
      : [];
  }
  return [];
}

export function checkIamPolicies(template: Json): Violation[] {
  return resourcesOf(template).flatMap((resource) =>
    checkResource(resource).map((finding) => ({
      rule: finding.rule,
      logicalId: resource.logicalId,
      reason: finding.reason,
    })),
  );
}

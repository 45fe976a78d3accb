/**
 * Rule forbidden-resource: none of the seed's forbidden (always-on, provisioned) resources —
 * EC2 instances, NAT gateways, RDS, ECS/EKS, real-time SageMaker endpoints — nor their close
 * relatives that bill around the clock whatever the traffic (Auto Scaling groups, load
 * balancers, provisioned clusters, notebook instances, Lambda provisioned concurrency).
 * SageMaker endpoints are allowed only when every production variant is serverless.
 */
import { RuleId, type Violation } from '../violation.ts';
import { asList, isRecord, refTarget, resourcesOf, type Json, type Resource } from '../template-model.ts';

const FORBIDDEN_TYPES: Readonly<Record<string, string>> = {
  'AWS::EC2::Instance': 'EC2 instances are forbidden by the seed (use Lambda)',
  'AWS::EC2::NatGateway': 'NAT gateways are forbidden by the seed (≈ $32/month each before traffic)',
  'AWS::EC2::SpotFleet': 'EC2 fleets are forbidden by the seed (use Lambda)',
  'AWS::EC2::EC2Fleet': 'EC2 fleets are forbidden by the seed (use Lambda)',
  'AWS::EC2::Host': 'dedicated hosts are forbidden by the seed (use Lambda)',
  'AWS::SageMaker::NotebookInstance': 'notebook instances bill per hour while running',
  'AWS::SageMaker::InferenceComponent':
    'inference components need a real-time SageMaker endpoint, forbidden by the seed',
  'AWS::EMR::Cluster': 'EMR clusters run on EC2 instances, forbidden by the seed',
  'AWS::Redshift::Cluster': 'provisioned clusters bill per hour (use DynamoDB on-demand)',
  'AWS::ElastiCache::CacheCluster': 'provisioned cache nodes bill per hour',
  'AWS::ElastiCache::ReplicationGroup': 'provisioned cache nodes bill per hour',
  'AWS::OpenSearchService::Domain': 'provisioned search domains bill per hour',
  'AWS::Elasticsearch::Domain': 'provisioned search domains bill per hour',
  'AWS::MSK::Cluster': 'provisioned Kafka brokers bill per hour',
  'AWS::DocDB::DBCluster': 'provisioned database clusters bill per hour (use DynamoDB on-demand)',
  'AWS::Neptune::DBCluster': 'provisioned database clusters bill per hour (use DynamoDB on-demand)',
};

const FORBIDDEN_PREFIXES: readonly (readonly [string, string])[] = [
  ['AWS::RDS::', 'RDS databases are forbidden by the seed (use DynamoDB on-demand)'],
  ['AWS::ECS::', 'ECS clusters are forbidden by the seed (use Lambda)'],
  ['AWS::EKS::', 'EKS clusters are forbidden by the seed (use Lambda)'],
  ['AWS::AutoScaling::', 'Auto Scaling groups run EC2 instances, forbidden by the seed'],
  ['AWS::ElasticLoadBalancing::', 'load balancers bill per hour; the seed asks for API Gateway, not ALB'],
  ['AWS::ElasticLoadBalancingV2::', 'load balancers bill per hour; the seed asks for API Gateway, not ALB'],
];

/** An EndpointConfig is serverless when it has variants and every one has ServerlessConfig and no InstanceType. */
function isServerlessEndpointConfig(properties: Json): boolean {
  const variants = asList(properties.ProductionVariants);
  return (
    variants.length > 0 &&
    variants.every(
      (variant) => isRecord(variant) && isRecord(variant.ServerlessConfig) && variant.InstanceType === undefined,
    )
  );
}

function checkResource(resource: Resource, byId: ReadonlyMap<string, Resource>): Violation[] {
  const violation = (reason: string): Violation[] => [
    { rule: RuleId.forbiddenResource, logicalId: resource.logicalId, reason },
  ];
  const exact = FORBIDDEN_TYPES[resource.type];
  if (exact !== undefined) return violation(`${resource.type}: ${exact}`);
  const prefix = FORBIDDEN_PREFIXES.find(([candidate]) => resource.type.startsWith(candidate));
  if (prefix !== undefined) return violation(`${resource.type}: ${prefix[1]}`);
  switch (resource.type) {
    case 'AWS::SageMaker::EndpointConfig':
      return isServerlessEndpointConfig(resource.properties)
        ? []
        : violation(
            'AWS::SageMaker::EndpointConfig without ServerlessConfig on every production variant is a real-time endpoint, forbidden by the seed',
          );
    case 'AWS::SageMaker::Endpoint': {
      const configId = refTarget(resource.properties.EndpointConfigName);
      const config = configId === undefined ? undefined : byId.get(configId);
      if (config?.type === 'AWS::SageMaker::EndpointConfig' && isServerlessEndpointConfig(config.properties)) return [];
      return violation(
        'AWS::SageMaker::Endpoint must use a serverless EndpointConfig from this template (real-time endpoints are forbidden by the seed)',
      );
    }
    case 'AWS::Serverless::Function':
    case 'AWS::Lambda::Alias':
    case 'AWS::Lambda::Version':
      return resource.properties.ProvisionedConcurrencyConfig === undefined
        ? []
        : violation(
            `${resource.type} with ProvisionedConcurrencyConfig bills around the clock; use on-demand concurrency`,
          );
    default:
      return [];
  }
}

export function checkForbiddenResources(template: Json): Violation[] {
  const resources = resourcesOf(template);
  const byId = new Map(resources.map((resource) => [resource.logicalId, resource]));
  return resources.flatMap((resource) => checkResource(resource, byId));
}

/**
 * Read-only helpers over a parsed template (plain data with long-form intrinsics): resources,
 * and Lambda functions with SAM Globals applied.
 */

export type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface Resource {
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Json;
  readonly metadata: Json;
  readonly raw: Json;
}

/** Every entry of `Resources` that has a string `Type`. */
export function resourcesOf(template: Json): Resource[] {
  const resources = template.Resources;
  if (!isRecord(resources)) return [];
  return Object.entries(resources).flatMap(([logicalId, raw]) => {
    if (!isRecord(raw) || typeof raw.Type !== 'string') return [];
    return [{
      logicalId,
      type: raw.Type,
      properties: isRecord(raw.Properties) ? raw.Properties : {},
      metadata: isRecord(raw.Metadata) ? raw.Metadata : {},
      raw,
    }];
  });
}

export const SERVERLESS_FUNCTION = 'AWS::Serverless::Function';
export const LAMBDA_FUNCTION = 'AWS::Lambda::Function';

export interface FunctionView extends Resource {
  /** The function's properties with `Globals.Function` applied (SAM functions only). */
  readonly effective: Json;
}

/**
 * Every Lambda function (SAM or plain). For SAM functions, `Globals.Function` properties apply
 * where the function does not set its own; maps (Environment, …) merge one level deep, as SAM does.
 */
export function functionsOf(template: Json): FunctionView[] {
  const globals = isRecord(template.Globals) && isRecord(template.Globals.Function) ? template.Globals.Function : {};
  return resourcesOf(template)
    .filter((resource) => resource.type === SERVERLESS_FUNCTION || resource.type === LAMBDA_FUNCTION)
    .map((resource) => {
      if (resource.type === LAMBDA_FUNCTION) return { ...resource, effective: resource.properties };
      const effective: Json = { ...globals };
      for (const [key, value] of Object.entries(resource.properties)) {
        const inherited = effective[key];
        effective[key] = isRecord(inherited) && isRecord(value) ? { ...inherited, ...value } : value;
      }
      return { ...resource, effective };
    });
}

/** `{Ref: X}` → X, otherwise undefined. */
export function refTarget(value: unknown): string | undefined {
  return isRecord(value) && typeof value.Ref === 'string' && Object.keys(value).length === 1 ? value.Ref : undefined;
}

/** A literal number, or a numeric string; undefined for intrinsics and anything else. */
export function literalNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/** A value as a list: arrays as-is, undefined as [], anything else as a one-item list. */
export function asList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

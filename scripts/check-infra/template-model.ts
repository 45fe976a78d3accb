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
    return [
      {
        logicalId,
        type: raw.Type,
        properties: isRecord(raw.Properties) ? raw.Properties : {},
        metadata: isRecord(raw.Metadata) ? raw.Metadata : {},
        raw,
      },
    ];
  });
}

export const SERVERLESS_FUNCTION = 'AWS::Serverless::Function';
export const LAMBDA_FUNCTION = 'AWS::Lambda::Function';

export interface FunctionView extends Resource {
  /** The function's properties with `Globals.Function` applied (SAM functions only; see mergeGlobal). */
  readonly effective: Json;
}

/** An intrinsic function (`{Ref: …}`, `{'Fn::…': …}`, `{Condition: …}`): one key naming it. */
export function isIntrinsic(value: unknown): boolean {
  if (!isRecord(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Condition' || (keys[0] ?? '').startsWith('Fn::'));
}

/**
 * SAM's Globals merge (samtranslator's GlobalProperties): maps merge key by key, recursively;
 * lists concatenate, globals first; anything else — a scalar, an intrinsic, or two values of
 * different kinds — takes the local value.
 */
export function mergeGlobal(globalValue: unknown, localValue: unknown): unknown {
  const bothMaps =
    isRecord(globalValue) && isRecord(localValue) && !isIntrinsic(globalValue) && !isIntrinsic(localValue);
  if (bothMaps) {
    const merged: Json = { ...globalValue };
    for (const [key, value] of Object.entries(localValue))
      merged[key] = key in merged ? mergeGlobal(merged[key], value) : value;
    return merged;
  }
  if (Array.isArray(globalValue) && Array.isArray(localValue))
    return [...(globalValue as unknown[]), ...(localValue as unknown[])];
  return localValue;
}

/**
 * Every Lambda function (SAM or plain). For SAM functions, `Globals.Function` applies as SAM
 * applies it (mergeGlobal).
 */
export function functionsOf(template: Json): FunctionView[] {
  const globals = isRecord(template.Globals) && isRecord(template.Globals.Function) ? template.Globals.Function : {};
  return resourcesOf(template)
    .filter((resource) => resource.type === SERVERLESS_FUNCTION || resource.type === LAMBDA_FUNCTION)
    .map((resource) => {
      if (resource.type === LAMBDA_FUNCTION) return { ...resource, effective: resource.properties };
      return { ...resource, effective: mergeGlobal(globals, resource.properties) as Json };
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

/** Logical ids `value` references: Ref, GetAtt, `${…}` in Sub, and `${Name}` placeholders through `substitutions`. */
export function referencedIds(value: unknown, substitutions: Json = {}): Set<string> {
  const found = new Set<string>();
  const visit = (node: unknown, seen: ReadonlySet<string>): void => {
    if (typeof node === 'string') {
      for (const match of node.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}/g)) {
        const name = match[1] as string;
        if (name in substitutions && !seen.has(name)) visit(substitutions[name], new Set([...seen, name]));
      }
      return;
    }
    if (Array.isArray(node)) {
      for (const item of node) visit(item, seen);
      return;
    }
    if (!isRecord(node)) return;
    if (typeof node.Ref === 'string') found.add(node.Ref);
    const getAtt = node['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') found.add(getAtt[0]);
    const sub = node['Fn::Sub'];
    if (sub !== undefined) {
      const parts: readonly unknown[] = Array.isArray(sub) ? (sub as unknown[]) : [sub];
      const [pattern, variables] = parts;
      if (typeof pattern === 'string') {
        const local = isRecord(variables) ? variables : {};
        for (const match of pattern.matchAll(/\$\{([A-Za-z0-9:]+)(?:\.[A-Za-z0-9.]+)?\}/g)) {
          const name = match[1] as string;
          if (!name.startsWith('AWS::') && !(name in local)) found.add(name);
        }
      }
      visit(variables, seen);
      return;
    }
    for (const child of Object.values(node)) visit(child, seen);
  };
  visit(value, new Set());
  return found;
}

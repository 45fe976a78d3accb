/**
 * Helpers for invoking Lambda handler modules in tests: set the environment the SAM template
 * would (pointed at loopback servers) before a fresh import, capture stdout while a handler
 * runs, and pick the embedded-metric-format (EMF) documents and log lines out of it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { vi } from 'vitest';

export const FIXTURES_DIRECTORY = join(import.meta.dirname, '..', 'fixtures', 'events');

export async function loadEventFixture(name: string): Promise<unknown> {
  return JSON.parse(await readFile(join(FIXTURES_DIRECTORY, name), 'utf8')) as unknown;
}

/** One message of {@link snsEventOf}; unset fields keep the recorded delivery's. */
export interface SnsMessage {
  readonly message: string;
  readonly messageId?: string;
  readonly topicArn?: string;
  readonly subject?: string | null;
  readonly attributes?: Readonly<Record<string, { readonly Type: string; readonly Value: string }>>;
}

/** An SNS event exactly as SNS delivers it to Lambda (the recorded sns-notification.json), one record per message. */
export async function snsEventOf(messages: readonly SnsMessage[]): Promise<{ Records: Record<string, unknown>[] }> {
  const recorded = (await loadEventFixture('sns-notification.json')) as { Records: { Sns: Record<string, unknown> }[] };
  const template = recorded.Records[0];
  if (template === undefined) throw new Error('sns-notification.json has no record');
  return {
    Records: messages.map((message, index) => ({
      ...template,
      Sns: {
        ...template.Sns,
        Message: message.message,
        MessageId: message.messageId ?? `${String(template.Sns['MessageId'])}-${index}`,
        ...(message.topicArn === undefined ? {} : { TopicArn: message.topicArn }),
        ...(message.subject === undefined ? {} : { Subject: message.subject }),
        ...(message.attributes === undefined ? {} : { MessageAttributes: message.attributes }),
      },
    })),
  };
}

/** Sets `variables` (undefined deletes) and returns a function that restores the previous values. */
export function setEnvironment(variables: Readonly<Record<string, string | undefined>>): () => void {
  const previous = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(variables)) {
    previous.set(name, process.env[name]);
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  return () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/** A fresh copy of a handler module (its module-scope runtime reads the current environment). */
export async function importFresh<T>(path: string): Promise<T> {
  vi.resetModules();
  return (await import(path)) as T;
}

export interface Captured<T> {
  readonly result: T | undefined;
  readonly error: unknown;
  readonly lines: readonly Record<string, unknown>[];
}

/**
 * Runs `work` while collecting every JSON line written to stdout (EMF documents, info logs) and
 * stderr (Powertools writes warnings and errors there); nothing reaches the terminal meanwhile.
 */
export async function captureOutput<T>(work: () => Promise<T>): Promise<Captured<T>> {
  const chunks: string[] = [];
  const collect = (chunk: string | Uint8Array): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(collect);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(collect);
  let result: T | undefined;
  let error: unknown;
  try {
    result = await work();
  } catch (caught) {
    error = caught;
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  const lines: Record<string, unknown>[] = [];
  for (const line of chunks.join('').split('\n')) {
    if (!line.trimStart().startsWith('{')) continue;
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // Not a JSON line.
    }
  }
  return { result, error, lines };
}

export interface EmfMetric {
  readonly name: string;
  readonly value: number;
  readonly unit: string | undefined;
  readonly namespace: string;
  /** Dimension names of the document the metric is in. */
  readonly dimensions: readonly string[];
  /** The document's dimension values (e.g. service, ClusterId). */
  readonly dimensionValues: Readonly<Record<string, string>>;
}

interface EmfDocument {
  readonly _aws: {
    readonly CloudWatchMetrics: readonly {
      readonly Namespace: string;
      readonly Dimensions: readonly (readonly string[])[];
      readonly Metrics: readonly { readonly Name: string; readonly Unit?: string }[];
    }[];
  };
}

/** Every metric in the EMF documents among `lines` (per the CloudWatch EMF specification). */
export function emfMetrics(lines: readonly Record<string, unknown>[]): EmfMetric[] {
  const metrics: EmfMetric[] = [];
  for (const line of lines) {
    if (typeof line['_aws'] !== 'object' || line['_aws'] === null) continue;
    const document = line as unknown as EmfDocument;
    for (const directive of document._aws.CloudWatchMetrics) {
      const dimensions = directive.Dimensions.flat();
      const dimensionValues = Object.fromEntries(dimensions.map((name) => [name, String(line[name])]));
      for (const metric of directive.Metrics) {
        const raw = line[metric.Name];
        const values = Array.isArray(raw) ? raw : [raw];
        for (const value of values) {
          metrics.push({
            name: metric.Name,
            value: Number(value),
            unit: metric.Unit,
            namespace: directive.Namespace,
            dimensions,
            dimensionValues,
          });
        }
      }
    }
  }
  return metrics;
}

/** Structured log lines (Powertools logger output): those with a `message`. */
export function logLines(lines: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return lines.filter((line) => typeof line['message'] === 'string');
}

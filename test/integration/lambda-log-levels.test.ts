/**
 * The template's JSON log format as the functions' Powertools logger meets it on Lambda. With
 * `LoggingConfig.LogFormat: JSON`, Lambda sets AWS_LAMBDA_LOG_FORMAT=JSON and AWS_LAMBDA_LOG_LEVEL
 * from ApplicationLogLevel, and Powertools takes that level over the one it is given
 * (VGAC_LOG_LEVEL through config.ts). For each value of the template's LogLevel parameter, the
 * environment the template gives a function (plus those two variables, as Lambda derives them)
 * yields a logger that writes JSON lines with the `level` key Lambda filters on, at that level,
 * and no mismatch warning. The last test shows the warning this consistency avoids.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPowertoolsLogger } from '../../src/adapters/logging/powertools-logger.ts';
import { loadConfig } from '../../src/entry/config.ts';
import { parseTemplate } from '../../scripts/check-infra/cfn-yaml.ts';
import { functionEnvironment, resolveWithFakes } from '../../scripts/check-infra/template-environment.ts';
import type { Json } from '../../scripts/check-infra/template-model.ts';
import { captureOutput, setEnvironment } from '../support/lambda-harness.ts';

const template = parseTemplate(readFileSync(join(import.meta.dirname, '../../template.yaml'), 'utf8')).document;
const logLevels = ((template.Parameters as Json).LogLevel as Json).AllowedValues as string[];
const lambdaLevelOf = (level: string) =>
  (((template.Mappings as Json).LambdaLogLevels as Json)[level] as Json).Application as string;
const MISMATCH = /does not match AWS Lambda Advanced Logging Controls/;

let restore: (() => void) | undefined;

afterEach(() => {
  restore?.();
  restore = undefined;
});

/** The Collector function's environment for LogLevel=`level`, with what Lambda adds for the JSON format. */
function lambdaEnvironment(level: string, overrides: Record<string, string> = {}): Record<string, string> {
  const { merged } = functionEnvironment(template, 'CollectorFunction');
  return {
    ...resolveWithFakes(template, merged, undefined, { LogLevel: level }),
    AWS_LAMBDA_LOG_FORMAT: 'JSON',
    AWS_LAMBDA_LOG_LEVEL: lambdaLevelOf(level),
    ...overrides,
  };
}

async function logOnce(environment: Record<string, string>) {
  restore = setEnvironment({ ...environment, POWERTOOLS_DEV: undefined });
  const config = loadConfig(environment);
  return captureOutput(async () => {
    const logger = createPowertoolsLogger({ serviceName: config.lambda.serviceName, level: config.logLevel });
    logger.info('test.info', { clusterId: 'c1' });
    logger.powertools.debug('test.debug');
    return Promise.resolve(config.logLevel);
  });
}

describe('JSON log format and the Powertools logger', () => {
  it.each(logLevels)(
    "LogLevel=%s: JSON lines with Lambda's level key, debug lines only at debug, no mismatch warning",
    async (level) => {
      const run = await logOnce(lambdaEnvironment(level));

      expect(run.result).toBe(level);
      expect(run.lines.find((line) => line.message === 'test.info')).toMatchObject({
        level: 'INFO',
        clusterId: 'c1',
        service: 'vgac',
      });
      expect(run.lines.some((line) => line.message === 'test.debug')).toBe(level === 'debug');
      expect(run.lines.filter((line) => MISMATCH.test(String(line.message)))).toEqual([]);
    },
  );

  it("a VGAC_LOG_LEVEL below Lambda's application level is overridden by Lambda's and warned about", async () => {
    const run = await logOnce(lambdaEnvironment('info', { VGAC_LOG_LEVEL: 'debug' }));

    expect(run.lines.filter((line) => line.level === 'WARN' && MISMATCH.test(String(line.message)))).toHaveLength(1);
    expect(run.lines.some((line) => line.message === 'test.debug')).toBe(false);
  });
});

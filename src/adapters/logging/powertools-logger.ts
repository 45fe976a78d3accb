/**
 * The Logger port on Powertools for AWS Lambda's logger: structured JSON lines on stdout with
 * the service name, and the correlation id where one is set. Powertools pretty-prints the same
 * lines when `POWERTOOLS_DEV=true` is set in the environment.
 */
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Logger } from '../../app/ports/logger.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface PowertoolsLoggerOptions {
  readonly serviceName: string;
  readonly level: LogLevel;
  readonly correlationId?: string;
}

export function createPowertoolsLogger(
  options: PowertoolsLoggerOptions,
): Logger & { readonly powertools: PowertoolsLogger } {
  const powertools = new PowertoolsLogger({
    serviceName: options.serviceName,
    logLevel:
      options.level === 'silent' ? 'SILENT' : (options.level.toUpperCase() as 'DEBUG' | 'INFO' | 'WARN' | 'ERROR'),
  });
  if (options.correlationId !== undefined) powertools.setCorrelationId(options.correlationId);
  return {
    powertools,
    info: (event, fields) => powertools.info(event, { ...fields }),
    warn: (event, fields) => powertools.warn(event, { ...fields }),
    error: (event, fields) => powertools.error(event, { ...fields }),
  };
}

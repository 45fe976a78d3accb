/**
 * One Step Functions task invocation: runs the work inside `runInvocation` (correlation id,
 * trace subsegment, metrics flush), logs a failure once, and maps it through the one
 * Step Functions error table.
 */
import type { Context } from 'aws-lambda';
import type { Logger } from '../../../app/ports/logger.ts';
import { runInvocation, type LambdaObservability } from '../lambda-observability.ts';
import { toStepFunctionsError } from '../step-functions-errors.ts';

export async function runTask<T>(
  runtime: LambdaObservability,
  task: string,
  context: Context | undefined,
  work: (logger: Logger) => Promise<T>,
): Promise<T> {
  return runInvocation(runtime, { handler: task, ...(context === undefined ? {} : { context }) }, async (logger) => {
    try {
      return await work(logger);
    } catch (error) {
      const mapped = toStepFunctionsError(error);
      logger.error('task.failed', { task, errorName: mapped.name, error: mapped.message });
      throw mapped;
    }
  });
}

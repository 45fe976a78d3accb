/** The deployed AgentCore Runtime as an AgentRuntime, its data-plane client imported and built on the first invocation (see lazy-aws.ts). */
import type { AgentRuntime } from '../../app/ports/agent-runtime.ts';
import { onFirstUse, type Tracer } from './lazy-aws.ts';
import { endpointOverride } from './lambda-observability.ts';

export interface LazyAgentCoreOptions {
  readonly region: string;
  /** Data-plane endpoint override (tests); AWS's when undefined. */
  readonly endpoint: string | undefined;
  readonly runtimeArn: string;
  readonly qualifier: string;
  readonly tracer: Tracer;
}

export function lazyAgentCoreRuntime(options: LazyAgentCoreOptions): AgentRuntime {
  const built = onFirstUse(async () => {
    const { AgentCoreAgentRuntime, createAgentCoreClient } =
      await import('../../adapters/agentcore/agentcore-agent-runtime.ts');
    const client = options.tracer.captureAWSv3Client(
      createAgentCoreClient(endpointOverride(options.region, options.endpoint)),
    );
    return new AgentCoreAgentRuntime({ client, runtimeArn: options.runtimeArn, qualifier: options.qualifier });
  });
  return { invoke: async (request, sessionId) => (await built.get()).invoke(request, sessionId) };
}

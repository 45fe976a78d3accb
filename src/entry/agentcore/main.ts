/**
 * Entry point of the Bedrock AgentCore Runtime's code (built by `npm run build` into
 * dist/agentcore/index.js and zipped: scripts/build-lambdas.ts): serves the AgentCore routes on
 * 0.0.0.0, port VGAC_HTTP_PORT (default 8080, the contract's; 0 = any, for measurements), until
 * the runtime stops the microVM (SIGTERM). A start-up failure (bad
 * configuration, the port taken) prints one line naming it and exits 1, so the runtime's log says why.
 */
import { loadConfig } from '../config.ts';
import { startAgentCoreServer, type AgentCoreServer } from './agentcore-server.ts';

let server: AgentCoreServer;
try {
  const config = loadConfig();
  server = await startAgentCoreServer({ host: '0.0.0.0', port: config.httpPort, config });
} catch (error) {
  process.stderr.write(`agentcore: cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
process.once('SIGTERM', () => {
  void server.close().finally(() => process.exit(0));
});

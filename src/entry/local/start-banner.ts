/**
 * What `vgac start` prints: the URLs, what to try (ready-to-paste commands, including a Slack
 * request signed at the moment it is run), and a one-line progress summary of the replay. No
 * secret is ever printed: the example command reads the signing secret from where it lives (the
 * local secrets file, or the environment) when it runs, so neither the secret nor a replayable
 * signature reaches the terminal, its scrollback or a captured log.
 */
import type { ClusterProgress } from './simulator.ts';

/** Route of the `/vgac` slash command on the one HTTP server. */
export const SLACK_COMMAND_PATH = '/slack/commands';

/** Where the Slack signing secret in use can be read from (never the secret itself). */
export type SlackSecretSource =
  | { readonly kind: 'file'; /** Absolute path of a JSON file with `slackSigningSecret`. */ readonly path: string }
  | { readonly kind: 'environment'; readonly variable: string };

export interface BannerFacts {
  readonly url: string;
  readonly portFallback: { readonly requested: number; readonly used: number } | null;
  readonly clusterIds: readonly string[];
  readonly simulate: boolean;
  readonly speed: number;
  readonly slackEnabled: boolean;
  /** Where the example Slack command reads the signing secret from; undefined: no example. */
  readonly slackSecret: SlackSecretSource | undefined;
  /** The server's response_url stand-in (with its per-start token); undefined: no example. */
  readonly slackResponseUrl: string | undefined;
  readonly apiKey: string | undefined;
  readonly logFile: string | null;
}

/** Single-quotes a value for a POSIX shell. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Where the secret is, in words, for the banner and the command's error message. */
function describeSecretSource(source: SlackSecretSource): string {
  return source.kind === 'file' ? source.path : `$${source.variable} of the shell you paste it into`;
}

/**
 * A Node one-liner that prints Slack's v0 signature (`v0=` + hex HMAC-SHA256 of
 * `v0:{timestamp}:{body}`, timestamp and body as its two arguments) with the secret read from
 * `source` as it runs: the secret never appears on the command line (nor in `ps`), and Node is
 * there wherever `vgac start` runs (unlike jq, and openssl would need the secret as an argument).
 */
function signatureScript(source: SlackSecretSource): string {
  const secret =
    source.kind === 'file'
      ? `JSON.parse(require("fs").readFileSync(${JSON.stringify(source.path)},"utf8")).slackSigningSecret`
      : `process.env[${JSON.stringify(source.variable)}]`;
  const missing = JSON.stringify(`no Slack signing secret in ${describeSecretSource(source)}`);
  return [
    `const s=${secret};`,
    `if(!s){console.error(${missing});process.exit(1)}`,
    'process.stdout.write("v0="+require("crypto").createHmac("sha256",s).update("v0:"+process.argv[1]+":"+process.argv[2]).digest("hex"))',
  ].join('');
}

/**
 * A bash/zsh command that signs a slash-command body with Slack's v0 scheme at the time it runs —
 * so it stays valid past Slack's 5-minute window — reading the secret from `secret` then, and can
 * be pasted again and again. Its answer goes to `responseUrl`.
 */
export function signedSlackCurl(url: string, secret: SlackSecretSource, text: string, responseUrl: string): string {
  const body = new URLSearchParams({
    command: '/vgac',
    text,
    user_id: 'U0LOCAL',
    user_name: 'you',
    channel_id: 'C0LOCAL',
    team_id: 'T0LOCAL',
    // The slow answer is posted here: the local server prints it in the `vgac start` terminal.
    response_url: responseUrl,
  }).toString();
  // A fresh trigger_id per run: the route answers a repeated delivery (same team, trigger,
  // command and text: Slack's retry) with an empty 200, so a fixed one would make a second paste silent.
  return [
    `ts=$(date +%s); body=${shellQuote(body)}"&trigger_id=local.$ts.$RANDOM"; \\`,
    `  sig=$(node -e ${shellQuote(signatureScript(secret))} "$ts" "$body"); \\`,
    `  curl -s ${url}${SLACK_COMMAND_PATH} -H "X-Slack-Request-Timestamp: $ts" -H "X-Slack-Signature: $sig" \\`,
    `    -H 'content-type: application/x-www-form-urlencoded' --data "$body"`,
  ].join('\n');
}

export function formatStartBanner(facts: BannerFacts): string {
  const { url } = facts;
  const keyHeader = facts.apiKey === undefined ? '' : ` -H 'x-api-key: <your VGAC_API_KEY>'`;
  const lines: string[] = [''];
  if (facts.portFallback !== null) {
    lines.push(
      `  ! port ${facts.portFallback.requested} is taken: listening on ${facts.portFallback.used} instead (set --port to choose).`,
      '',
    );
  }
  lines.push(
    '  vgac is running',
    '',
    `  Dashboard   ${url}/`,
    `  API         ${url}/api/clusters   (VGAC prediction API under ${url}/api/predict/wait …)`,
    `  Slack       ${url}${SLACK_COMMAND_PATH}${facts.slackEnabled ? '' : '   (not served yet in this build)'}`,
    `  AgentCore   ${url}/ping   ${url}/invocations`,
    `  Health      ${url}/health`,
    '',
  );
  if (facts.simulate) {
    lines.push(
      `  Simulation  ${facts.clusterIds.join(' and ')} replay real traces at ${facts.speed}× (trace seconds per second).`,
      '              slurm-hpc starts from the EKS prior: watch its calibration gap, drift, escalations',
      '              and a recalibration on the dashboard within about a minute.',
      '',
    );
  } else {
    lines.push('  Simulation  off (--no-sim): the clusters have no live queue state until a collector feeds them.', '');
  }
  const cluster = facts.clusterIds.includes('slurm-hpc') ? 'slurm-hpc' : (facts.clusterIds[0] ?? 'eks-prod');
  lines.push(
    '  Try:',
    `  curl -s ${url}/api/clusters${keyHeader}`,
    `  curl -s ${url}/api/predict/wait${keyHeader} -H 'content-type: application/json' \\`,
    `    -d '{"cluster_id":"${cluster}","gpus":4,"gpu_type":"A100","queue":"gpu"}'`,
  );
  if (facts.slackEnabled && facts.slackSecret !== undefined && facts.slackResponseUrl !== undefined) {
    lines.push(
      '',
      `  Ask the Slack route (signed with the secret in ${describeSecretSource(facts.slackSecret)}, read when you run it):`,
      signedSlackCurl(
        url,
        facts.slackSecret,
        `when will my 4xA100 job start on ${cluster}?`,
        facts.slackResponseUrl,
      ).replace(/^/gm, '  '),
    );
  }
  lines.push('');
  if (facts.logFile !== null) lines.push(`  Logs        ${facts.logFile} (JSON lines; --verbose prints them here)`);
  lines.push('  Stop        Ctrl-C (a second start continues from the stored state)', '');
  return `${lines.join('\n')}\n`;
}

/** `eks-prod 120 jobs / 98 outcomes · slurm-hpc …` */
export function formatProgressLine(progress: readonly ClusterProgress[]): string {
  const parts = progress.map((cluster) => {
    const extra = [
      cluster.escalations > 0 ? `${cluster.escalations} escalations` : null,
      cluster.driftResponses > 0 ? `${cluster.driftResponses} drift responses` : null,
      cluster.retrains > 0 ? `${cluster.retrains} retrains` : null,
      cluster.failures > 0 ? `${cluster.failures} failed events` : null,
    ].filter((part) => part !== null);
    return `${cluster.clusterId}: ${cluster.submitted} jobs, ${cluster.resolved} outcomes${extra.length > 0 ? `, ${extra.join(', ')}` : ''} (cycle ${cluster.cycle})`;
  });
  return `vgac sim · ${parts.join(' · ')}`;
}

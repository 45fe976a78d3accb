/**
 * What `vgac start` prints: the URLs, what to try (ready-to-paste commands, including a Slack
 * request signed with the local signing secret at the moment it is run), and a one-line progress
 * summary of the replay. The signing secret appears only inside that one example command.
 */
import type { ClusterProgress } from './simulator.ts';

/** Route of the `/vgac` slash command on the one HTTP server. */
export const SLACK_COMMAND_PATH = '/slack/commands';

export interface BannerFacts {
  readonly url: string;
  readonly portFallback: { readonly requested: number; readonly used: number } | null;
  readonly clusterIds: readonly string[];
  readonly simulate: boolean;
  readonly speed: number;
  readonly slackEnabled: boolean;
  readonly slackSigningSecret: string | undefined;
  readonly apiKey: string | undefined;
  readonly logFile: string | null;
}

/** Where the local stack's example slash command asks for its answer (printed by `localSlackResponses`). */
export const LOCAL_RESPONSE_PATH = '/local/slack-response';

/** Single-quotes a value for a POSIX shell. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * A bash/zsh command that signs a slash-command body with Slack's v0 scheme (HMAC-SHA256 of
 * `v0:{timestamp}:{body}`) at the time it runs — so it stays valid past Slack's 5-minute window —
 * and can be pasted again and again.
 */
export function signedSlackCurl(url: string, signingSecret: string, text: string): string {
  const body = new URLSearchParams({
    command: '/vgac',
    text,
    user_id: 'U0LOCAL',
    user_name: 'you',
    channel_id: 'C0LOCAL',
    team_id: 'T0LOCAL',
    // The slow answer is posted here: the local server prints it in the `vgac start` terminal.
    response_url: `${url}${LOCAL_RESPONSE_PATH}`,
  }).toString();
  // A fresh trigger_id per run: the route answers a repeated delivery (same team, trigger,
  // command and text: Slack's retry) with an empty 200, so a fixed one would make a second paste silent.
  return [
    `ts=$(date +%s); body=${shellQuote(body)}"&trigger_id=local.$ts.$RANDOM"; \\`,
    `  sig="v0=$(printf 'v0:%s:%s' "$ts" "$body" | openssl dgst -sha256 -hmac ${shellQuote(signingSecret)} | sed 's/^.*= //')"; \\`,
    `  curl -s ${url}${SLACK_COMMAND_PATH} -H "X-Slack-Request-Timestamp: $ts" -H "X-Slack-Signature: $sig" \\`,
    `    -H 'content-type: application/x-www-form-urlencoded' --data "$body"`,
  ].join('\n');
}

export function formatStartBanner(facts: BannerFacts): string {
  const { url } = facts;
  const keyHeader = facts.apiKey === undefined ? '' : ` -H 'x-api-key: <your VGAC_API_KEY>'`;
  const lines: string[] = [''];
  if (facts.portFallback !== null) {
    lines.push(`  ! port ${facts.portFallback.requested} is taken: listening on ${facts.portFallback.used} instead (set --port to choose).`, '');
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
  if (facts.slackEnabled && facts.slackSigningSecret !== undefined) {
    lines.push('', '  Ask the Slack route (signed with the local secret in .vgac/secrets.json):', signedSlackCurl(url, facts.slackSigningSecret, `when will my 4xA100 job start on ${cluster}?`).replace(/^/gm, '  '));
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
      cluster.recalibrations > 0 ? `${cluster.recalibrations} recalibrations` : null,
      cluster.retrains > 0 ? `${cluster.retrains} retrains` : null,
      cluster.failures > 0 ? `${cluster.failures} failed events` : null,
    ].filter((part) => part !== null);
    return `${cluster.clusterId}: ${cluster.submitted} jobs, ${cluster.resolved} outcomes${extra.length > 0 ? `, ${extra.join(', ')}` : ''} (cycle ${cluster.cycle})`;
  });
  return `vgac sim · ${parts.join(' · ')}`;
}

/**
 * Start-up smoke test of `vgac start` as a user runs it: a child process on port 0 with a temp
 * data directory; wait for the printed dashboard URL, hit /health and /api/clusters, Ctrl-C
 * (SIGINT) and expect a clean exit; start again on the same directory and see the state continue
 * (clusters not re-registered, the replay resumes after the last stored job, nothing lost).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
}

function startCli(dataDir: string): Promise<Started> {
  const child = spawn(
    process.execPath,
    ['bin/vgac.js', 'start', '--port', '0', '--data-dir', dataDir, '--speed', '600'],
    {
      env: { ...process.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed within 60 s:\n${output}`)), 60_000);
    const onData = (): void => {
      const match = /Dashboard\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (match === null) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolve({ child, url: match[1] as string, output: () => output });
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`vgac start exited early with ${code}:\n${output}`));
    });
  });
}

function stopCli(started: Started): Promise<number | null> {
  return new Promise((resolve) => {
    started.child.removeAllListeners('exit');
    started.child.once('exit', (code) => resolve(code));
    started.child.kill('SIGINT');
  });
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

interface Predictions {
  predictions: { job_id: string; outcome: unknown }[];
}
interface Clusters {
  clusters: { cluster_id: string; active_bundle_version: number }[];
}

async function waitForPredictions(url: string, atLeast: number): Promise<Predictions> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const body = await getJson<Predictions>(`${url}/api/clusters/eks-prod/predictions?limit=500`);
    if (body.predictions.length >= atLeast || Date.now() > deadline) return body;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The banner: from "vgac is running" to "Stop". */
function bannerOf(output: string): string {
  const start = output.indexOf('vgac is running');
  const end = output.indexOf('Stop', start);
  if (start < 0 || end < 0) throw new Error(`no banner in the output:\n${output}`);
  return output.slice(start, end);
}

/** The command the banner prints under "Ask the Slack route", without its indentation. */
function bannerSlackCommand(output: string): string {
  const lines = output.split('\n');
  const start = lines.findIndex((line) => line.includes('Ask the Slack route'));
  const end = lines.findIndex((line, index) => index > start && line.includes('--data "$body"'));
  if (start < 0 || end < 0) throw new Error(`no signed Slack command in the banner:\n${output}`);
  return lines
    .slice(start + 1, end + 1)
    .map((line) => line.replace(/^ {2}/, ''))
    .join('\n');
}

function runShell(command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', ['-c', command], { timeout: 10_000 }, (error, stdout) =>
      error === null ? resolve(stdout) : reject(new Error(`the banner's command failed: ${error.message}`)),
    );
  });
}

async function waitForOutput(started: Started, done: (output: string) => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!done(started.output())) {
    if (Date.now() > deadline) throw new Error(`timed out; output so far:\n${started.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('vgac start', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('start serves health and clusters, stops cleanly on SIGINT, and a second start continues from the stored state', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vgac-start-'));
    dirs.push(dataDir);

    const first = await startCli(dataDir);
    // The banner's signed Slack command, pasted twice as a user would: both get an answer.
    const slackCommand = bannerSlackCommand(first.output());
    const pastes = [await runShell(slackCommand), await runShell(slackCommand)];
    await waitForOutput(first, (output) => (output.match(/Slack answer → /g)?.length ?? 0) >= 2);
    const health = await getJson<{ status: string }>(`${first.url}/health`);
    const clusters = await getJson<Clusters>(`${first.url}/api/clusters`);
    const before = await waitForPredictions(first.url, 20);
    const firstExit = await stopCli(first);
    const firstOutput = first.output();
    const secretsMode = (await stat(join(dataDir, 'secrets.json'))).mode & 0o777;
    const secret = (JSON.parse(await readFile(join(dataDir, 'secrets.json'), 'utf8')) as { slackSigningSecret: string })
      .slackSigningSecret;
    const log = await readFile(join(dataDir, 'vgac.log'), 'utf8');

    const second = await startCli(dataDir);
    const during = await getJson<Predictions>(`${second.url}/api/clusters/eks-prod/predictions?limit=500`);
    const after = await waitForPredictions(second.url, during.predictions.length + 5);
    const secondExit = await stopCli(second);
    const secondOutput = second.output();
    const secondLog = await readFile(join(dataDir, 'vgac.log'), 'utf8');

    expect(pastes.map((paste) => JSON.parse(paste) as unknown)).toEqual([
      { response_type: 'ephemeral', text: 'Working on it…' },
      { response_type: 'ephemeral', text: 'Working on it…' },
    ]);
    expect(first.output()).toMatch(
      /Slack answer → I (am still learning|cannot predict reliably on|cannot predict now)/,
    );
    expect(health.status).toBe('ok');
    expect(clusters.clusters.map((cluster) => cluster.cluster_id).sort()).toEqual(['eks-prod', 'slurm-hpc']);
    expect(firstExit).toBe(0);
    expect(firstOutput).toContain('stopped cleanly');
    expect(secretsMode).toBe(0o600);
    expect(log).not.toContain(secret);
    // The banner says where the secret is; neither it nor anything else on stdout/stderr shows it.
    expect(bannerOf(firstOutput)).toContain(
      `signed with the secret in ${join(dataDir, 'secrets.json')}, read when you run it`,
    );
    expect(bannerOf(firstOutput)).not.toContain(secret);
    expect(firstOutput).not.toContain(secret);
    expect(secondOutput).not.toContain(secret);
    // Every job the first run predicted is still there, and the second run went on with new ones.
    const afterIds = new Set(after.predictions.map((prediction) => prediction.job_id));
    expect(before.predictions.every((prediction) => afterIds.has(prediction.job_id))).toBe(true);
    expect(after.predictions.length).toBeGreaterThan(before.predictions.length);
    expect(secondLog.match(/"cluster.registered"/g)?.length).toBe(2);
    expect(secondLog).not.toContain('already predicted');
    expect(secondLog).not.toContain('simulation.event_failed');
    expect(secondExit).toBe(0);
  }, 180_000);
});

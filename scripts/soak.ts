/**
 * `npm run soak -- --minutes N [--api-rps R]`: runs `vgac start` (the real CLI, simulation on) on a
 * fresh temporary data directory for N minutes, optionally with API load on top — what-if
 * predictions, stored predictions and outcomes for them, at R requests per second over HTTP —
 * and prints, at every sample, the data directory's size (and its DynamoDB, S3 and log parts)
 * and the server process's resident memory (VmRSS from /proc/<pid>/status).
 *
 * The summary compares the end with the reference point, 5 minutes in (SOAK_REFERENCE_MS), or a
 * twelfth of the run when that is shorter: the data directory must stay within
 * SOAK_MAX_SIZE_RATIO of its reference size and RSS within SOAK_MAX_RSS_RATIO of its reference.
 * Exit status: 0 when both hold and no request failed, 1 otherwise, 2 for a bad option.
 * Stored predictions and outcomes are live data that grows with the API load, so the summary also
 * gives DynamoDB's growth rate in each half of the run (a leak accelerates; live data grows
 * evenly) and, after the server stopped, the size of its LevelDB once fully compacted — the live
 * data — against the size the running server had.
 *
 * usage: npm run soak -- --minutes N [--api-rps R] [--speed S] [--keep-data]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { EKS_CLUSTER_ID, SLURM_CLUSTER_ID } from '../src/entry/local/simulation-traces.ts';
import { directoryBytes } from './directory-bytes.ts';

const REPOSITORY_ROOT = resolve(import.meta.dirname, '..');
/** The reference point of the issue's target ("≤ 3× its size after 5 minutes"). */
export const SOAK_REFERENCE_MS = 5 * 60_000;
/** Largest data directory size at the end, as a multiple of its size at the reference point. */
export const SOAK_MAX_SIZE_RATIO = 3;
/** Largest RSS at the end, as a multiple of RSS at the reference point ("stays flat"). */
export const SOAK_MAX_RSS_RATIO = 1.5;
/** Runs shorter than this sample every SHORT_RUN_SAMPLE_MS instead of every minute. */
const SHORT_RUN_MS = 10 * 60_000;
const SHORT_RUN_SAMPLE_MS = 10_000;
const LONG_RUN_SAMPLE_MS = 60_000;
/** Most API requests in flight; the load generator skips a tick rather than queue behind a stalled server. */
const MAX_IN_FLIGHT = 64;
const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 60_000;
const CLUSTERS = [EKS_CLUSTER_ID, SLURM_CLUSTER_ID] as const;
/**
 * The job types of the Slurm trace: once slurm-hpc is retrained on its own outcomes its model uses
 * `job_type`, and a request without one is a 400 naming it.
 */
const JOB_TYPES = ['burst', 'medium', 'short', 'memheavy', 'long'] as const;

interface SoakOptions {
  readonly minutes: number;
  readonly apiRps: number;
  readonly speed: number | undefined;
  readonly keepData: boolean;
}

/** One sample: sizes in bytes, RSS in kB as /proc reports it. */
interface Sample {
  readonly elapsedMs: number;
  readonly dataDirBytes: number;
  readonly dynamoBytes: number;
  readonly s3Bytes: number;
  readonly logBytes: number;
  readonly rssKb: number;
}

class UsageError extends Error {}

function parseOptions(args: readonly string[]): SoakOptions {
  const { values } = parseArgs({
    args: [...args],
    options: {
      minutes: { type: 'string' },
      'api-rps': { type: 'string', default: '0' },
      speed: { type: 'string' },
      'keep-data': { type: 'boolean', default: false },
    },
  });
  const minutes = Number(values.minutes);
  if (values.minutes === undefined || !Number.isFinite(minutes) || minutes <= 0 || minutes > 24 * 60) {
    throw new UsageError(`--minutes must be a number in (0, 1440], got '${values.minutes ?? ''}'`);
  }
  const apiRps = Number(values['api-rps']);
  if (!Number.isFinite(apiRps) || apiRps < 0 || apiRps > 1000)
    throw new UsageError(`--api-rps must be a number in [0, 1000], got '${values['api-rps']}'`);
  const speed = values.speed === undefined ? undefined : Number(values.speed);
  if (speed !== undefined && (!Number.isFinite(speed) || speed <= 0))
    throw new UsageError(`--speed must be a positive number, got '${values.speed}'`);
  return { minutes, apiRps, speed, keepData: values['keep-data'] };
}

interface StartedServer {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<number | null>;
}

/** Starts `vgac start --port 0` on `dataDir` and resolves once the banner names the dashboard's URL. */
function startServer(dataDir: string, speed: number | undefined): Promise<StartedServer> {
  const args = [
    'bin/vgac.js',
    'start',
    '--port',
    '0',
    '--data-dir',
    dataDir,
    ...(speed === undefined ? [] : ['--speed', String(speed)]),
  ];
  const child = spawn(process.execPath, args, {
    cwd: REPOSITORY_ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  let output = '';
  let stderrTail = '';
  child.stdout.on('data', (chunk: Buffer) => {
    // Keep only what the banner search needs; the progress lines after it are dropped.
    if (output.length < 100_000) output += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-4000);
  });
  return new Promise((started, failed) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      failed(
        new Error(`vgac start printed no dashboard URL within ${START_TIMEOUT_MS / 1000} s:\n${output}${stderrTail}`),
      );
    }, START_TIMEOUT_MS);
    const onData = (): void => {
      const match = /Dashboard\s+(http:\/\/[^\s/]+)\//.exec(output);
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      started({ child, url: match[1], exited });
    };
    child.stdout.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      failed(new Error(`vgac start exited (${code}) before printing its URL:\n${output}${stderrTail}`));
    });
  });
}

async function stopServer(server: StartedServer): Promise<number | null> {
  server.child.kill('SIGINT');
  const timeout = new Promise<'timeout'>((done) => setTimeout(() => done('timeout'), STOP_TIMEOUT_MS).unref());
  const result = await Promise.race([server.exited, timeout]);
  if (result !== 'timeout') return result;
  server.child.kill('SIGKILL');
  return server.exited;
}

/** VmRSS of `pid` in kB (Linux /proc). */
export async function residentKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (match?.[1] === undefined) throw new Error(`no VmRSS line in /proc/${pid}/status`);
  return Number(match[1]);
}

async function sample(dataDir: string, pid: number, elapsedMs: number): Promise<Sample> {
  const [dataDirBytes, dynamoBytes, s3Bytes, rssKb] = await Promise.all([
    directoryBytes(dataDir),
    directoryBytes(join(dataDir, 'dynamodb')),
    directoryBytes(join(dataDir, 's3')),
    residentKb(pid),
  ]);
  const logBytes = await readFile(join(dataDir, 'vgac.log')).then(
    (log) => log.length,
    () => 0,
  );
  return { elapsedMs, dataDirBytes, dynamoBytes, s3Bytes, logBytes, rssKb };
}

interface CompactableLevel {
  open(): Promise<void>;
  compactRange(start: string, end: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Bytes of the LevelDB under `dynamoDir` after compacting its whole key range (the server must have
 * stopped): what a restart would eventually shrink it to. Opened with the `level` dynalite uses.
 */
async function compactedBytes(dynamoDir: string): Promise<number> {
  const requireFromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const { Level } = requireFromDynalite('level') as { Level: new (location: string) => CompactableLevel };
  const db = new Level(dynamoDir);
  await db.open();
  try {
    // Every dynalite key starts with an ASCII sub-database name (`table~`, `item-…~`, `index-…~`): '\u0000'…'\uffff' covers them all.
    await db.compactRange('\u0000', '\uffff');
  } finally {
    await db.close();
  }
  return directoryBytes(dynamoDir);
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so two soaks send the same requests. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface LoadCounters {
  sent: number;
  ok: number;
  skipped: number;
  readonly failures: Map<string, number>;
}

/**
 * Sends `rps` requests per second to `url` until stopped: in turn a what-if prediction, a stored
 * prediction (a new job_id), and an outcome for the oldest stored prediction not yet given one.
 */
function startApiLoad(url: string, rps: number): { readonly counters: LoadCounters; stop(): Promise<void> } {
  const counters: LoadCounters = { sent: 0, ok: 0, skipped: 0, failures: new Map() };
  const random = seededRandom(42);
  const awaitingOutcome: { clusterId: string; jobId: string }[] = [];
  const inFlight = new Set<Promise<void>>();
  let jobNumber = 0;
  let tick = 0;

  const post = (path: string, body: unknown, onOk?: () => void): void => {
    counters.sent += 1;
    const request = fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    })
      .then(async (response) => {
        if (response.ok) {
          await response.arrayBuffer();
          counters.ok += 1;
          onOk?.();
        } else {
          const kind = `HTTP ${response.status}`;
          const answer = await response.text();
          if (!counters.failures.has(kind))
            console.log(`soak: first ${kind} from POST ${path}: ${answer.slice(0, 300)}`);
          counters.failures.set(kind, (counters.failures.get(kind) ?? 0) + 1);
        }
      })
      .catch((error: unknown) => {
        const name = error instanceof Error ? error.name : 'error';
        counters.failures.set(name, (counters.failures.get(name) ?? 0) + 1);
      })
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
  };

  const sendOne = (): void => {
    if (inFlight.size >= MAX_IN_FLIGHT) {
      counters.skipped += 1;
      return;
    }
    const clusterId = CLUSTERS[tick % CLUSTERS.length] as string;
    const jobType = JOB_TYPES[Math.floor(random() * JOB_TYPES.length)] as string;
    const job = {
      cluster_id: clusterId,
      gpus: 1 + Math.floor(random() * 8),
      queue: 'gpu',
      namespace: 'research',
      job_type: jobType,
    };
    const kind = tick % 3;
    tick += 1;
    if (kind === 0) return post('/api/predict/wait', job);
    const pending = awaitingOutcome[0];
    if (kind === 2 && pending !== undefined) {
      awaitingOutcome.shift();
      // Exponential waits around 10 minutes: both long and short outcomes for either cluster.
      return post('/api/outcomes', {
        cluster_id: pending.clusterId,
        job_id: pending.jobId,
        wait_seconds: Math.round(-600 * Math.log(1 - random())),
      });
    }
    jobNumber += 1;
    const jobId = `soak-${jobNumber}`;
    post('/api/predict/wait', { ...job, job_id: jobId }, () => awaitingOutcome.push({ clusterId, jobId }));
  };

  const timer = setInterval(sendOne, 1000 / rps);
  return {
    counters,
    async stop(): Promise<void> {
      clearInterval(timer);
      await Promise.all(inFlight);
    },
  };
}

function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

function clock(elapsedMs: number): string {
  const seconds = Math.round(elapsedMs / 1000);
  return `${String(Math.floor(seconds / 60)).padStart(3)}:${String(seconds % 60).padStart(2, '0')}`;
}

function row(current: Sample, load: LoadCounters | undefined, previousOk: number): string {
  const columns = [
    clock(current.elapsedMs),
    megabytes(current.dataDirBytes).padStart(11),
    megabytes(current.dynamoBytes).padStart(11),
    megabytes(current.s3Bytes).padStart(6),
    megabytes(current.logBytes).padStart(7),
    (current.rssKb / 1000).toFixed(0).padStart(7),
  ];
  if (load !== undefined) {
    const failed = [...load.failures.values()].reduce((sum, count) => sum + count, 0);
    columns.push(
      String(load.ok - previousOk).padStart(8),
      String(failed).padStart(7),
      String(load.skipped).padStart(8),
    );
  }
  return columns.join('  ');
}

/** The sample closest to `elapsedMs`. */
function sampleNear(samples: readonly Sample[], elapsedMs: number): Sample {
  let best = samples[0] as Sample;
  for (const candidate of samples)
    if (Math.abs(candidate.elapsedMs - elapsedMs) < Math.abs(best.elapsedMs - elapsedMs)) best = candidate;
  return best;
}

async function soak(options: SoakOptions): Promise<number> {
  const durationMs = options.minutes * 60_000;
  const sampleMs = durationMs < SHORT_RUN_MS ? SHORT_RUN_SAMPLE_MS : LONG_RUN_SAMPLE_MS;
  const referenceMs = Math.min(SOAK_REFERENCE_MS, durationMs / 12);
  const dataDir = await mkdtemp(join(tmpdir(), 'vgac-soak-'));
  console.log(
    `soak: vgac start on ${dataDir} for ${options.minutes} min, API load ${options.apiRps} requests/s; a sample every ${sampleMs / 1000} s`,
  );
  const server = await startServer(dataDir, options.speed);
  const pid = server.child.pid;
  if (pid === undefined) throw new Error('vgac start has no pid');
  console.log(`soak: ${server.url} (pid ${pid})`);
  let serverExit: number | null | undefined;
  void server.exited.then((code) => (serverExit = code));

  const load = options.apiRps > 0 ? startApiLoad(server.url, options.apiRps) : undefined;
  console.log(
    `elapsed  data dir MB  dynamodb MB  s3 MB  log MB  RSS MB${load === undefined ? '' : '  ok/sample  failed  skipped'}`,
  );
  const startedMs = performance.now();
  const samples: Sample[] = [];
  let previousOk = 0;
  // Ctrl-C ends the soak early but still stops the server and removes the data directory.
  let interrupted = false;
  let wake: () => void = () => undefined;
  const onSignal = (): void => {
    interrupted = true;
    wake();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    for (let next = sampleMs; next <= durationMs + 1; next += sampleMs) {
      await new Promise<void>((done) => {
        const timer = setTimeout(done, Math.max(0, startedMs + next - performance.now()));
        wake = () => {
          clearTimeout(timer);
          done();
        };
      });
      if (interrupted) throw new Error('interrupted');
      if (serverExit !== undefined) throw new Error(`vgac start exited (${serverExit}) during the soak`);
      const current = await sample(dataDir, pid, performance.now() - startedMs);
      samples.push(current);
      console.log(row(current, load?.counters, previousOk));
      previousOk = load?.counters.ok ?? 0;
    }
  } catch (error) {
    await load?.stop();
    await stopServer(server);
    if (!options.keepData) await rm(dataDir, { recursive: true, force: true });
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  await load?.stop();
  const code = await stopServer(server);
  if (code !== 0) console.log(`soak: vgac start exited with ${code} on SIGINT`);
  const liveDynamoBytes = await compactedBytes(join(dataDir, 'dynamodb'));
  if (options.keepData) console.log(`soak: data kept in ${dataDir}`);
  else await rm(dataDir, { recursive: true, force: true });

  const reference = sampleNear(samples, referenceMs);
  const end = samples[samples.length - 1] as Sample;
  const sizeRatio = end.dataDirBytes / reference.dataDirBytes;
  const dynamoRatio = end.dynamoBytes / reference.dynamoBytes;
  const rssRatio = end.rssKb / reference.rssKb;
  const middle = sampleNear(samples, end.elapsedMs / 2);
  const first = samples[0] as Sample;
  const perMinute = (from: Sample, to: Sample): string =>
    megabytes(((to.dynamoBytes - from.dynamoBytes) / (to.elapsedMs - from.elapsedMs)) * 60_000);
  const failed = load === undefined ? 0 : [...load.counters.failures.values()].reduce((sum, count) => sum + count, 0);
  const sizeOk = sizeRatio <= SOAK_MAX_SIZE_RATIO;
  const rssOk = rssRatio <= SOAK_MAX_RSS_RATIO;
  console.log(
    `summary: data dir ${megabytes(reference.dataDirBytes)} MB at ${clock(reference.elapsedMs).trim()} → ${megabytes(end.dataDirBytes)} MB at ${clock(end.elapsedMs).trim()}: ` +
      `${sizeRatio.toFixed(2)}× (target ≤ ${SOAK_MAX_SIZE_RATIO}×: ${sizeOk ? 'met' : 'MISSED'}; dynamodb ${dynamoRatio.toFixed(2)}×); ` +
      `RSS ${(reference.rssKb / 1000).toFixed(0)} → ${(end.rssKb / 1000).toFixed(0)} MB: ${rssRatio.toFixed(2)}× (target ≤ ${SOAK_MAX_RSS_RATIO}×: ${rssOk ? 'met' : 'MISSED'})` +
      (load === undefined
        ? ''
        : `; API ${load.counters.ok} ok, ${failed} failed${failed > 0 ? ` (${[...load.counters.failures].map(([kind, count]) => `${kind}×${count}`).join(' ')})` : ''}, ${load.counters.skipped} skipped`),
  );
  console.log(
    `summary: dynamodb grew ${perMinute(first, middle)} MB/min in the first half, ${perMinute(middle, end)} MB/min in the second; ` +
      `${megabytes(end.dynamoBytes)} MB at the end, ${megabytes(liveDynamoBytes)} MB once compacted (live data): ${(end.dynamoBytes / liveDynamoBytes).toFixed(2)}×`,
  );
  return sizeOk && rssOk && failed === 0 ? 0 : 1;
}

async function main(args: readonly string[]): Promise<number> {
  let options: SoakOptions;
  try {
    options = parseOptions(args);
  } catch (error) {
    if (!(error instanceof UsageError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')))
      throw error;
    console.error(
      `soak: ${(error as Error).message}\nusage: npm run soak -- --minutes N [--api-rps R] [--speed S] [--keep-data]`,
    );
    return 2;
  }
  try {
    return await soak(options);
  } catch (error) {
    console.error(`soak: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}

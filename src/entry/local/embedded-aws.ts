/**
 * Embedded AWS: dynalite (DynamoDB's API on LevelDB) and s3rver (S3's API on the file system),
 * both on loopback and both persisting under one data directory, so `npm start` runs the real
 * DynamoDB and S3 adapters with no account.
 *
 * dynalite runs with patches/dynalite+4.0.0.patch (applied by `npm ci`'s postinstall): as
 * published it never closes the LevelDB iterators behind Query and Scan, and each one's snapshot
 * stops compaction, so a long `vgac start` would grow its data directory without bound
 * (test/integration/dynalite-iterators.test.ts fails without the patch).
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import dynalite from 'dynalite';
import S3rver from 's3rver';
import { InvalidInputError } from '../../core/errors.ts';

/** Loopback host the embedded servers bind to: never reachable from another machine. */
export const EMBEDDED_HOST = '127.0.0.1';

/**
 * Milliseconds a new dynalite table stays CREATING. Real DynamoDB takes seconds; a short,
 * non-zero delay keeps `ensureTable`'s wait-until-ACTIVE path exercised without slowing start-up.
 */
export const EMBEDDED_CREATE_TABLE_MS = 50;

export interface EmbeddedAwsOptions {
  /** Directory holding `dynamodb/` (LevelDB) and `s3/` (objects); created when missing. */
  readonly dataDir: string;
  readonly host?: typeof EMBEDDED_HOST;
  /** TCP port for dynalite; 0 (the default) picks any free port. */
  readonly dynamoPort?: number;
  /** TCP port for s3rver; 0 (the default) picks any free port. */
  readonly s3Port?: number;
  /**
   * When another live process already serves this data directory (its SERVERS_FILE): `share`
   * (default) talks to its servers — e.g. `vgac ask` beside a running `vgac start`, since two
   * dynalites on one LevelDB directory crash — and `refuse` fails with a clear error.
   */
  readonly whenInUse?: 'share' | 'refuse';
}

/** Written in the data directory while this process serves it: `{pid, dynamoEndpoint, s3Endpoint}`. */
export const SERVERS_FILE = 'servers.json';

export interface EmbeddedAws {
  /** e.g. `http://127.0.0.1:4567`. */
  readonly dynamoEndpoint: string;
  readonly s3Endpoint: string;
  /** The pid of the process whose servers these are, when they are another process's (shared). */
  readonly sharedWithPid?: number;
  /** Stops both servers (waits for dynalite's pending LevelDB writes); a no-op for shared servers. */
  stop(): Promise<void>;
}

interface ServersFile {
  readonly pid: number;
  readonly dynamoEndpoint: string;
  readonly s3Endpoint: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The servers another live process runs on `dataDir`; undefined when none (a file left by a dead process is ignored). */
async function runningServers(dataDir: string): Promise<ServersFile | undefined> {
  const text = await readFile(join(dataDir, SERVERS_FILE), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as Partial<ServersFile>;
    const { pid, dynamoEndpoint, s3Endpoint } = parsed;
    if (typeof pid !== 'number' || typeof dynamoEndpoint !== 'string' || typeof s3Endpoint !== 'string')
      return undefined;
    return pid !== process.pid && isAlive(pid) ? { pid, dynamoEndpoint, s3Endpoint } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts dynalite and s3rver on loopback, persisting under `options.dataDir`, and records them in
 * its SERVERS_FILE — or, when another live process already serves that directory, shares (or
 * refuses, see `whenInUse`) its servers.
 * Fails when a port is taken or the directory cannot be created; on failure nothing is left running.
 */
export async function startEmbeddedAws(options: EmbeddedAwsOptions): Promise<EmbeddedAws> {
  const running = await runningServers(options.dataDir);
  if (running !== undefined) {
    if (options.whenInUse === 'refuse') {
      throw new InvalidInputError(
        `data directory '${options.dataDir}' is in use by process ${running.pid} (another vgac start?): stop it, or choose another --data-dir`,
      );
    }
    return {
      dynamoEndpoint: running.dynamoEndpoint,
      s3Endpoint: running.s3Endpoint,
      sharedWithPid: running.pid,
      stop: () => Promise.resolve(),
    };
  }
  const host = options.host ?? EMBEDDED_HOST;
  const dynamoDir = join(options.dataDir, 'dynamodb');
  const s3Dir = join(options.dataDir, 's3');
  await mkdir(dynamoDir, { recursive: true });
  await mkdir(s3Dir, { recursive: true });

  const dynamoServer = dynalite({
    path: dynamoDir,
    createTableMs: EMBEDDED_CREATE_TABLE_MS,
    deleteTableMs: EMBEDDED_CREATE_TABLE_MS,
  });
  const dynamoPort = await listen(dynamoServer, options.dynamoPort ?? 0, host);

  const s3Server = new S3rver({ address: host, port: options.s3Port ?? 0, directory: s3Dir, silent: true });
  let s3Address: AddressInfo;
  try {
    s3Address = await s3Server.run();
  } catch (error) {
    await closeServer(dynamoServer);
    throw error;
  }

  const servers: ServersFile = {
    pid: process.pid,
    dynamoEndpoint: `http://${host}:${dynamoPort}`,
    s3Endpoint: `http://${host}:${s3Address.port}`,
  };
  const serversFile = join(options.dataDir, SERVERS_FILE);
  await writeFile(serversFile, JSON.stringify(servers));
  let stopped: Promise<void> | undefined;
  return {
    dynamoEndpoint: servers.dynamoEndpoint,
    s3Endpoint: servers.s3Endpoint,
    stop(): Promise<void> {
      stopped ??= Promise.all([
        rm(serversFile, { force: true }),
        closeServer(dynamoServer),
        s3Server.httpServer ? closeServer(s3Server.httpServer) : undefined,
      ]).then(() => undefined);
      return stopped;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Stops accepting connections and drops open ones (SDK clients keep connections alive, which
 * would otherwise hold `close` open). Dynalite's own `close` then waits for in-flight LevelDB
 * operations before closing the store, so dropping sockets never truncates a write.
 */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

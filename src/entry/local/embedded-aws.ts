/**
 * Embedded AWS: dynalite (DynamoDB's API on LevelDB) and s3rver (S3's API on the file system),
 * both on loopback and both persisting under one data directory, so `npm start` runs the real
 * DynamoDB and S3 adapters with no account.
 */
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import dynalite from 'dynalite';
import S3rver from 's3rver';

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
}

export interface EmbeddedAws {
  /** e.g. `http://127.0.0.1:4567`. */
  readonly dynamoEndpoint: string;
  readonly s3Endpoint: string;
  /** Stops both servers; waits for dynalite's pending LevelDB writes and closes the store. */
  stop(): Promise<void>;
}

/**
 * Starts dynalite and s3rver on loopback, persisting under `options.dataDir`.
 * Fails when a port is taken or the directory cannot be created; on failure nothing is left running.
 */
export async function startEmbeddedAws(options: EmbeddedAwsOptions): Promise<EmbeddedAws> {
  const host = options.host ?? EMBEDDED_HOST;
  const dynamoDir = join(options.dataDir, 'dynamodb');
  const s3Dir = join(options.dataDir, 's3');
  await mkdir(dynamoDir, { recursive: true });
  await mkdir(s3Dir, { recursive: true });

  const dynamoServer = dynalite({ path: dynamoDir, createTableMs: EMBEDDED_CREATE_TABLE_MS, deleteTableMs: EMBEDDED_CREATE_TABLE_MS });
  const dynamoPort = await listen(dynamoServer, options.dynamoPort ?? 0, host);

  const s3Server = new S3rver({ address: host, port: options.s3Port ?? 0, directory: s3Dir, silent: true });
  let s3Address: AddressInfo;
  try {
    s3Address = await s3Server.run();
  } catch (error) {
    await closeServer(dynamoServer);
    throw error;
  }

  let stopped: Promise<void> | undefined;
  return {
    dynamoEndpoint: `http://${host}:${dynamoPort}`,
    s3Endpoint: `http://${host}:${s3Address.port}`,
    stop(): Promise<void> {
      stopped ??= Promise.all([closeServer(dynamoServer), s3Server.httpServer ? closeServer(s3Server.httpServer) : undefined]).then(() => undefined);
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

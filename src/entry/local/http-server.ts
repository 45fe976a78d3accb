/**
 * Serves the one HTTP app on Node (@hono/node-server) at the configured host and port; port 0
 * picks a free one. Resolves once listening with the URL actually bound; `close()` stops
 * accepting, ends keep-alive sockets and resolves when the server has closed.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { InfrastructureError } from '../../app/errors.ts';

export interface HttpServerOptions {
  readonly host: string;
  /** TCP port; 0 picks any free port. */
  readonly port: number;
}

export interface HttpServer {
  /** e.g. `http://127.0.0.1:8080` (IPv6 hosts in brackets). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Throws InfrastructureError when the port cannot be bound (e.g. EADDRINUSE), naming host and port. */
export function startHttpServer(app: Hono, options: HttpServerOptions): Promise<HttpServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: options.host, port: options.port }) as Server;
    const onError = (error: NodeJS.ErrnoException) => {
      server.close();
      reject(new InfrastructureError(`cannot listen on ${options.host}:${options.port}: ${error.code ?? error.message}`, { cause: error }));
    };
    server.once('error', onError);
    server.once('listening', () => {
      server.off('error', onError);
      const address = server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({
        url: `http://${host}:${address.port}`,
        port: address.port,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error === undefined ? done() : fail(error)));
            // Idle keep-alive sockets would hold close() open until they time out.
            server.closeIdleConnections();
          }),
      });
    });
  });
}

/**
 * Serves the one HTTP app on Node (@hono/node-server) at the configured host and port; port 0
 * picks a free one. Resolves once listening with the URL to reach it from this machine;
 * `close()` stops accepting, ends keep-alive sockets and resolves when the server has closed and
 * every request it accepted has been handled.
 *
 * The `Host` check lives here, in the Node wrapper, and not in `createHttpApp`: the app is the
 * same for every runtime, and behind API Gateway the Host is always the stage's public name (and
 * an API key is required in `aws` mode), so only a server on this machine, reachable by any page
 * the operator's browser opens, needs it.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { InfrastructureError } from '../../app/errors.ts';
import { acceptedHostNames, isAcceptedHost, LOOPBACK_HOST_NAMES } from './loopback-host.ts';

export const AcceptedHosts = {
  /** Only loopback names (and the bind address when it is a specific one): no API key protects the routes. */
  loopback: 'loopback',
  /** Any `Host`: an API key protects the routes. */
  any: 'any',
} as const;
export type AcceptedHosts = (typeof AcceptedHosts)[keyof typeof AcceptedHosts];

/**
 * Without an API key nothing but the Host header tells the operator's own requests from those of
 * a page in their browser that rebinds its name to this address: answer loopback names only.
 * With a key, the key is the protection, and any name (a tunnel, a LAN name) may reach the server.
 */
export function acceptedHostsFor(apiKey: string | undefined): AcceptedHosts {
  return apiKey === undefined ? AcceptedHosts.loopback : AcceptedHosts.any;
}

export interface HttpServerOptions {
  readonly host: string;
  /** TCP port; 0 picks any free port. */
  readonly port: number;
  /** Which `Host` headers are answered; the others get 421 with a JSON error (see loopback-host.ts). */
  readonly acceptedHosts: AcceptedHosts;
}

export interface HttpServer {
  /** e.g. `http://127.0.0.1:8080` (IPv6 hosts in brackets; a wildcard bind address shows as loopback). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** 421 Misdirected Request: this server does not answer for the name the client used. */
function misdirected(hostHeader: string | null): Response {
  const named = hostHeader === null ? 'a request without a Host header' : `Host '${hostHeader.slice(0, 100)}'`;
  const message = `${named} is not served: without VGAC_API_KEY this server answers only ${LOOPBACK_HOST_NAMES.join(', ')} (set VGAC_API_KEY to accept other host names)`;
  return Response.json({ error: { code: 'MISDIRECTED_REQUEST', message } }, { status: 421 });
}

/** The app's fetch, answering 421 for a `Host` outside `acceptedHosts`. */
function guardedFetch(app: Hono, options: HttpServerOptions): Hono['fetch'] {
  if (options.acceptedHosts === AcceptedHosts.any) return app.fetch;
  const accepted = acceptedHostNames(options.host);
  return (request, ...rest) => {
    const host = request.headers.get('host');
    return isAcceptedHost(host, accepted) ? app.fetch(request, ...rest) : misdirected(host);
  };
}

/** A URL this machine can use: a wildcard bind address is reached through loopback. */
function localUrl(address: AddressInfo): string {
  if (address.address === '0.0.0.0') return `http://127.0.0.1:${address.port}`;
  if (address.address === '::') return `http://[::1]:${address.port}`;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** Throws InfrastructureError when the port cannot be bound (e.g. EADDRINUSE), naming host and port. */
export function startHttpServer(app: Hono, options: HttpServerOptions): Promise<HttpServer> {
  // Requests being handled: close() waits for them too, since a client that gave up (its socket
  // closed) does not stop its handler, which may still be writing to the stores the caller closes next.
  let inFlight = 0;
  const idle: (() => void)[] = [];
  const fetchGuarded = guardedFetch(app, options);
  const fetch: Hono['fetch'] = async (...args) => {
    inFlight += 1;
    try {
      return await fetchGuarded(...args);
    } finally {
      inFlight -= 1;
      if (inFlight === 0) for (const done of idle.splice(0)) done();
    }
  };
  const handled = (): Promise<void> => (inFlight === 0 ? Promise.resolve() : new Promise((done) => idle.push(done)));
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname: options.host, port: options.port }) as Server;
    const onError = (error: NodeJS.ErrnoException) => {
      server.close();
      reject(
        new InfrastructureError(`cannot listen on ${options.host}:${options.port}: ${error.code ?? error.message}`, {
          cause: error,
        }),
      );
    };
    server.once('error', onError);
    server.once('listening', () => {
      server.off('error', onError);
      const address = server.address() as AddressInfo;
      resolve({
        url: localUrl(address),
        port: address.port,
        close: async () => {
          await new Promise<void>((done, fail) => {
            server.close((error) => (error === undefined ? done() : fail(error)));
            // Idle keep-alive sockets would hold close() open until they time out.
            server.closeIdleConnections();
          });
          await handled();
        },
      });
    });
  });
}

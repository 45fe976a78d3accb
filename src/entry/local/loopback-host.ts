/**
 * Which `Host` headers the local server answers when no API key protects it. A web page whose own
 * name is re-resolved to 127.0.0.1 (DNS rebinding) reaches the server with the browser sending
 * that page's name as `Host`, so answering only loopback names keeps other sites' pages out while
 * curl, the dashboard and the banner's commands (which use 127.0.0.1) still work.
 */

/** Loopback names every local server answers, lower case, IPv6 in brackets as in a Host header. */
export const LOOPBACK_HOST_NAMES: readonly string[] = Object.freeze(['localhost', '127.0.0.1', '[::1]']);

/** Bind addresses that mean "every interface": they name no host a client would send. */
const WILDCARD_ADDRESSES = new Set(['0.0.0.0', '::', '[::]', '::0', '[::0]']);

/** `name` or `name:port`, the name an IPv6 literal in brackets or anything without ':' '[' ']' '/' '@'. */
const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[^:[\]/@\s]+)(?::(\d{1,5}))?$/i;

/** The names accepted as `Host` for a server bound to `bindHost`: the loopback names, plus `bindHost` when it is a specific address or name. */
export function acceptedHostNames(bindHost: string): ReadonlySet<string> {
  const names = new Set(LOOPBACK_HOST_NAMES);
  const bind = bindHost.trim().toLowerCase();
  if (bind !== '' && !WILDCARD_ADDRESSES.has(bind))
    names.add(bind.includes(':') && !bind.startsWith('[') ? `[${bind}]` : bind);
  return names;
}

/** True when the `Host` header value names one of `accepted` (with or without a port); false when it is missing or malformed. */
export function isAcceptedHost(hostHeader: string | null | undefined, accepted: ReadonlySet<string>): boolean {
  if (hostHeader === null || hostHeader === undefined) return false;
  const match = HOST_HEADER.exec(hostHeader.trim());
  const name = match?.[1];
  return name !== undefined && accepted.has(name.toLowerCase());
}

import {
  hostHeaderValidationResponse,
  localhostAllowedHostnames,
  validateHostHeader,
} from '@modelcontextprotocol/server';
import type { Config } from '../config/config.js';
import { isLoopbackHost } from '../config/loopback.js';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The serialised origin (scheme, host, port; default port dropped, lower case), or undefined. */
export function parsedOrigin(value: string): URL | undefined {
  if (!URL.canParse(value)) return undefined;
  const url = new URL(value);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
}

/**
 * Which `Origin` values may call: the issuer's origin and each configured origin, compared as
 * whole origins (scheme, host and port), never by hostname alone. On a loopback bind (or in
 * development) a loopback origin on any port is also ours: local tools such as the MCP Inspector
 * run on their own port of the same machine.
 */
export function originPolicy(config: Config): (origin: string) => boolean {
  const exact = new Set(
    [config.oauth.issuer, ...(config.http.allowedOrigins ?? [])].flatMap((value) => {
      const url = parsedOrigin(value);
      return url === undefined ? [] : [url.origin];
    }),
  );
  const loopbackAnyPort = isLoopbackHost(config.http.host) || config.env === 'development';
  return (origin) => {
    const url = parsedOrigin(origin);
    if (url === undefined || origin.trim() !== origin) return false;
    return exact.has(url.origin) || (loopbackAnyPort && LOOPBACK_NAMES.has(url.hostname));
  };
}

const forbiddenOrigin = () =>
  Response.json(
    { jsonrpc: '2.0', error: { code: -32000, message: 'Forbidden: Origin not allowed' }, id: null },
    { status: 403 },
  );

function allowedHostsOf(config: Config): string[] {
  return [
    ...(isLoopbackHost(config.http.host) || config.env === 'development' ? localhostAllowedHostnames() : []),
    new URL(config.oauth.issuer).hostname,
    ...(config.http.allowedHosts ?? []),
  ];
}

/**
 * DNS-rebinding and cross-origin guards for the MCP endpoint. `Host` must name this server
 * (loopback names when bound to loopback, the issuer's host, and any configured host); a present
 * `Origin` must be one of ours (`originPolicy`). Requests without `Origin` (non-browser MCP
 * clients) pass.
 */
export function requestGuards(config: Config): (request: Request) => Response | undefined {
  const allowedHosts = allowedHostsOf(config);
  const originAllowed = originPolicy(config);
  return (request) => {
    const hostRefused = hostHeaderValidationResponse(request, allowedHosts);
    if (hostRefused !== undefined) return hostRefused;
    const origin = request.headers.get('origin');
    return origin === null || originAllowed(origin) ? undefined : forbiddenOrigin();
  };
}

/**
 * The same guards as a yes/no on the raw header values, for the node:http core: it answers only
 * requests both guards let through and hands every other one to the path that renders the refusal.
 */
export function guardsPass(
  config: Config,
): (host: string | undefined, origin: string | undefined) => boolean {
  const allowedHosts = allowedHostsOf(config);
  const originAllowed = originPolicy(config);
  // The last Host that passed: a client names the same host on every request, and judging it
  // parses a URL. One entry, so no header value can grow it.
  let passedHost: string | undefined;
  const hostPasses = (host: string | undefined) => {
    if (host !== undefined && host === passedHost) return true;
    const ok = validateHostHeader(host, allowedHosts).ok;
    if (ok) passedHost = host;
    return ok;
  };
  return (host, origin) => hostPasses(host) && (origin === undefined || originAllowed(origin));
}

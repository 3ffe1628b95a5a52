import {
  hostHeaderValidationResponse,
  localhostAllowedHostnames,
  originValidationResponse,
} from '@modelcontextprotocol/server';
import type { Config } from '../config/config.js';
import { isLoopbackHost } from '../config/load.js';

/**
 * DNS-rebinding and cross-origin guards for the MCP endpoint. `Host` must name this server
 * (loopback names when bound to loopback, the issuer's host, and any configured host); a present
 * `Origin` must be one of ours. Requests without `Origin` (non-browser MCP clients) pass.
 */
export function requestGuards(config: Config): (request: Request) => Response | undefined {
  const issuerHost = new URL(config.oauth.issuer).hostname;
  const hosts = new Set<string>([
    ...(isLoopbackHost(config.http.host) || config.env === 'development' ? localhostAllowedHostnames() : []),
    issuerHost,
    ...(config.http.allowedHosts ?? []),
  ]);
  const originHosts = new Set<string>([
    ...hosts,
    ...(config.http.allowedOrigins ?? []).map((origin) => new URL(origin).hostname),
  ]);
  const allowedHosts = [...hosts];
  const allowedOrigins = [...originHosts];
  return (request) =>
    hostHeaderValidationResponse(request, allowedHosts) ?? originValidationResponse(request, allowedOrigins);
}

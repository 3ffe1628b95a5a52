import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context, Hono } from 'hono';
import type { Provider } from 'oidc-provider';
import { lastForwarded } from '../lib/forwarded-view.js';
import { MCP_RESOURCE_PATHS, protectedResourceMetadata } from './resources.js';

const METADATA_CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, OPTIONS',
  'Access-Control-Allow-Headers': '*',
  'Access-Control-Max-Age': '86400',
};

export function nodeBindings(c: Context): HttpBindings {
  const env = c.env as Partial<HttpBindings> | undefined;
  if (env?.incoming === undefined) throw new Error('the authorization server needs @hono/node-server');
  return env as HttpBindings;
}

/** The client IP: the socket's, or with WORKONWARD_MCP_BEHIND_PROXY the address the proxy appended last. */
export function clientIp(c: Context, behindProxy: boolean): string {
  const { incoming } = nodeBindings(c);
  const socketIp = incoming.socket.remoteAddress ?? '';
  if (!behindProxy) return socketIp;
  return lastForwarded(incoming.headers['x-forwarded-for']) ?? socketIp;
}

/**
 * Mounts the authorization server (oidc-provider) in this process: the AS metadata documents,
 * `/oauth/*` (authorize, token, register, revoke, introspect, jwks, userinfo) and the protected
 * resource metadata of both MCP paths and the root. The engine builds endpoint URLs from the
 * request, so the forwarded host and scheme it sees are rewritten from the configured issuer:
 * `issuer` is byte-identical in every document whatever the client sent.
 */
export function mountAuthorizationServer(
  app: Hono,
  options: { provider: Provider; issuer: string; behindProxy: boolean },
): void {
  const { provider, issuer, behindProxy } = options;
  const issuerUrl = new URL(issuer);
  const callback = provider.callback();
  const dispatch = (c: Context) => {
    const { incoming, outgoing } = nodeBindings(c);
    incoming.headers['x-forwarded-host'] = issuerUrl.host;
    incoming.headers['x-forwarded-proto'] = issuerUrl.protocol.slice(0, -1);
    incoming.headers['x-forwarded-for'] = clientIp(c, behindProxy);
    callback(incoming, outgoing);
    return RESPONSE_ALREADY_SENT;
  };

  const prm = (resource: string) => (c: Context) =>
    c.json(protectedResourceMetadata(issuer, resource), 200, {
      ...METADATA_CORS,
      'Cache-Control': 'public, max-age=3600',
    });
  app.get('/.well-known/oauth-protected-resource', prm(issuer));
  for (const path of MCP_RESOURCE_PATHS)
    app.get(`/.well-known/oauth-protected-resource${path}`, prm(`${issuer}${path}`));
  app.options('/.well-known/*', (c) => c.body(null, 204, METADATA_CORS));

  app.all('/.well-known/oauth-authorization-server', dispatch);
  app.all('/.well-known/openid-configuration', dispatch);
  app.all('/oauth/*', dispatch);
}

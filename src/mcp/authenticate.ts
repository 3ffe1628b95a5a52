import type { AuthInfo } from '@modelcontextprotocol/server';
import type { Principal } from '../domain/principal.js';
import type { TokenVerifier } from '../oauth/token-verifier-contract.js';
import { authInfoOf } from './principal-of.js';

export type Authentication = { ok: true; authInfo: AuthInfo } | { ok: false; response: Response };

/**
 * Resolves the principal of one MCP request from its `Authorization` header (undefined when
 * absent), or the response that refuses it. Takes the header, not a Request, so the node:http
 * core and the web-standard path call it alike.
 */
export type Authenticate = (authorization: string | undefined, resource: string) => Promise<Authentication>;

/** `WORKONWARD_MCP_AUTH=none`: every request is the configured tenant (loopback or stdio only). */
export function fixedPrincipal(principal: Principal): Authenticate {
  const authInfo = authInfoOf(principal, 'none');
  return () => Promise.resolve({ ok: true, authInfo });
}

/**
 * Bearer tokens from the `Authorization` header only (never the query string). A missing or
 * invalid token gets 401 with the RFC 9728 `resource_metadata` pointer clients discover OAuth by.
 */
export function bearerToken(
  verifier: TokenVerifier,
  challenge: (resource: string) => { metadataUrl: string; scope: string },
): Authenticate {
  // A request's resource is `<issuer><path>` for one of the few MCP paths: parsed once each, not
  // per request. The SDK only reads `authInfo.resource`; bounded in case of a caller passing more.
  const resourceUrls = new Map<string, URL>();
  const urlOf = (resource: string): URL => {
    let url = resourceUrls.get(resource);
    if (url === undefined) {
      url = new URL(resource);
      if (resourceUrls.size < 16) resourceUrls.set(resource, url);
    }
    return url;
  };
  return async (authorization, resource) => {
    const header = authorization ?? '';
    const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(header);
    // Built only for a refusal: the challenge is not needed on the accepted path.
    const refuse = (error?: string) => {
      const { metadataUrl, scope } = challenge(resource);
      const parts = [`Bearer resource_metadata="${metadataUrl}"`, `scope="${scope}"`];
      if (error !== undefined) parts.push('error="invalid_token"', `error_description="${error}"`);
      return {
        ok: false as const,
        response: Response.json(
          {
            error: error === undefined ? 'unauthorized' : 'invalid_token',
            error_description: error ?? 'Authentication required',
          },
          { status: 401, headers: { 'WWW-Authenticate': parts.join(', '), 'Cache-Control': 'no-store' } },
        ),
      };
    };
    if (header === '') return refuse();
    if (match?.[1] === undefined) return refuse('The Authorization header is not a Bearer token');
    const verified = await verifier.verifyAccessToken(match[1], resource);
    if (verified === undefined)
      return refuse('The access token is invalid, expired, revoked or for another resource');
    return {
      ok: true,
      authInfo: authInfoOf(verified.principal, match[1], {
        expiresAt: verified.expiresAt,
        resource: urlOf(resource),
      }),
    };
  };
}

/** Decides, from the parsed JSON-RPC message, whether the request must be refused for scope. */
export type ScopeChallenge = (message: unknown, authInfo: AuthInfo, resource: string) => Response | undefined;

/**
 * Step-up at the HTTP edge (RFC 6750 §3.1, MCP 2025-11-25 §Scope Challenge): a `tools/call` for a
 * tool the token's scopes do not cover gets 403 `insufficient_scope` naming every scope the tool
 * needs, and the body is the JSON-RPC answer ChatGPT's linking UI reads: an `isError` result with
 * `_meta["mcp/www_authenticate"]`. Runs on the body the edge has already parsed (read once).
 */
export function toolScopeChallenge(
  scopesOfTool: (name: string) => readonly string[] | undefined,
  metadataUrl: (resource: string) => string,
  refusal: (tool: string, missing: readonly string[]) => unknown,
): ScopeChallenge {
  return (raw, authInfo, resource) => {
    const message = raw as { method?: unknown; id?: unknown; params?: { name?: unknown } } | null;
    if (message?.method !== 'tools/call' || typeof message.params?.name !== 'string') return undefined;
    const needed = scopesOfTool(message.params.name);
    if (needed === undefined) return undefined;
    const missing = needed.filter((scope) => !authInfo.scopes.includes(scope));
    if (missing.length === 0) return undefined;
    const scope = needed.join(' ');
    const challenge = `Bearer error="insufficient_scope", scope="${scope}", resource_metadata="${metadataUrl(resource)}", error_description="${message.params.name} requires ${scope}"`;
    return Response.json(
      { jsonrpc: '2.0', id: message.id ?? null, result: refusal(message.params.name, missing) },
      { status: 403, headers: { 'WWW-Authenticate': challenge, 'Cache-Control': 'no-store' } },
    );
  };
}

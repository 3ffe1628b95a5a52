import type { AuthInfo } from '@modelcontextprotocol/server';
import type { Principal } from '../domain/principal.js';

/**
 * The principal travels with each request inside the SDK's `authInfo`, so handlers read it from
 * the request context at call time and never from a closure: servers are pooled and reused.
 */
const PRINCIPAL = 'com.buildworkpro/principal';

export function authInfoOf(
  principal: Principal,
  token: string,
  extra: { expiresAt?: number; resource?: URL } = {},
): AuthInfo {
  return {
    token,
    clientId: principal.clientId ?? 'local',
    scopes: [...principal.scopes],
    ...extra,
    extra: { [PRINCIPAL]: principal },
  };
}

export interface RequestContextLike {
  http?: { authInfo?: AuthInfo };
}

/** The request's principal; `fallback` serves stdio, where one process is one local user. */
export function principalOf(ctx: RequestContextLike, fallback: Principal | undefined): Principal {
  const principal = ctx.http?.authInfo?.extra?.[PRINCIPAL] as Principal | undefined;
  const resolved = principal ?? fallback;
  // The HTTP edge authenticates before the SDK sees a request; reaching here without one is a bug.
  if (resolved === undefined) throw new Error('MCP request without a principal');
  return resolved;
}

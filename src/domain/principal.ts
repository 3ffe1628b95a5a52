import type { Scope } from './scopes.js';

/**
 * Who a request runs as. Every MCP request has one: from a verified OAuth token, or, with
 * `WORKONWARD_MCP_AUTH=none`, the configured tenant on loopback/stdio.
 */
export interface Principal {
  readonly tenantId: string;
  readonly tenantSlug: string;
  readonly tenantName: string;
  readonly userId: string | null;
  readonly clientId: string | null;
  readonly scopes: readonly Scope[];
}

export function hasScopes(principal: Principal, needed: readonly Scope[]): boolean {
  return needed.every((scope) => principal.scopes.includes(scope));
}

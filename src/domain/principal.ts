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
  /** The OAuth grant (connected app) the token belongs to; per-grant limits count against it. */
  readonly grantId?: string;
  /** Set when the request came with an API key (`/api/v1`): which key, and whom a front said it acts for. */
  readonly apiKey?: ApiKeyCaller;
}

export interface ApiKeyCaller {
  readonly id: string;
  /** The key's first characters (`wk_live_1a2b3c4d`), how people recognise it. */
  readonly prefix: string;
  /** The key was made for a front deployment: it may name the person it acts for. */
  readonly mayActForPeople: boolean;
  /** The person a front deployment named in `On-Behalf-Of` (only keys allowed to do so). */
  readonly onBehalfOf: string | null;
}

export function hasScopes(principal: Principal, needed: readonly Scope[]): boolean {
  return needed.every((scope) => principal.scopes.includes(scope));
}

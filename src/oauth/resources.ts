import { ALL_SCOPES } from '../domain/scopes.js';

/** The MCP endpoint paths (the same handler is served at both). */
export const MCP_RESOURCE_PATHS = ['/mcp', '/api/mcp'] as const;

/**
 * The resource identifiers (RFC 8707) this server answers for: the MCP URLs and the bare origin
 * (what the root protected-resource document names, RFC 9728 §3.3). They are one resource server,
 * so a token for any of them works on both MCP paths; anything else is `invalid_target`.
 */
export function resourceIdentifiers(issuer: string): string[] {
  return [issuer, ...MCP_RESOURCE_PATHS.map((path) => `${issuer}${path}`)];
}

/** Trailing slashes are tolerated (clients differ); nothing else is normalised. */
export function normalizeResource(value: string): string {
  return value.replace(/\/+$/, '');
}

export function isOurResource(issuer: string, value: string): boolean {
  return resourceIdentifiers(issuer).includes(normalizeResource(value));
}

export function protectedResourceMetadataUrl(issuer: string, resource: string): string {
  const path = new URL(resource).pathname.replace(/\/+$/, '');
  return `${issuer}/.well-known/oauth-protected-resource${path}`;
}

/** RFC 9728 metadata for one resource. `offline_access` and OIDC scopes are deliberately absent. */
export function protectedResourceMetadata(issuer: string, resource: string) {
  return {
    resource,
    authorization_servers: [issuer],
    scopes_supported: [...ALL_SCOPES],
    bearer_methods_supported: ['header'],
    resource_name: 'BuildWorkPro CRM (workonward-mcp)',
    resource_documentation: `${issuer}/`,
  };
}

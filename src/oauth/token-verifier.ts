import type { Kysely } from 'kysely';
import type { Principal } from '../domain/principal.js';
import { type Clock, epochMs } from '../lib/clock.js';
import { sha256 } from '../lib/secrets.js';
import type { TokenVerifier, VerifiedToken } from './token-verifier-contract.js';
import type { Database } from '../store/schema.js';
import { connectionsRepository, parseScopes } from './connections.js';
import { isOurResource } from './resources.js';

interface AccessTokenPayload {
  aud?: string | string[];
  scope?: string;
  clientId?: string;
  accountId?: string;
  exp?: number;
}

/**
 * Access tokens are opaque and looked up by SHA-256 on every request, joined to the connection,
 * the membership and the tenant: a revoked connection, a deleted token, a user removed from the
 * tenant or a narrowed scope set takes effect on the very next request on every instance. The
 * principal is the grant's tenant and exactly the scopes both the token and the connection hold.
 */
export function storedTokenVerifier(db: Kysely<Database>, issuer: string, clock: Clock): TokenVerifier {
  const connections = connectionsRepository(db);
  return {
    async verifyAccessToken(token: string, resource: string): Promise<VerifiedToken | undefined> {
      if (token.length < 20 || token.length > 512 || !isOurResource(issuer, resource)) return undefined;
      const row = await db
        .selectFrom('oauth_models as m')
        .innerJoin('oauth_connections as c', 'c.grant_id', 'm.grant_id')
        .innerJoin('memberships as ms', (join) =>
          join.onRef('ms.tenant_id', '=', 'c.tenant_id').onRef('ms.user_id', '=', 'c.user_id'),
        )
        .innerJoin('tenants as t', 't.id', 'c.tenant_id')
        .select([
          'm.payload',
          'm.expires_at',
          'c.grant_id',
          'c.user_id',
          'c.client_id',
          'c.scopes',
          'c.last_used_at',
          't.id as tenant_id',
          't.slug as tenant_slug',
          't.name as tenant_name',
        ])
        .where('m.model', '=', 'AccessToken')
        .where('m.id', '=', sha256(token))
        .where('c.revoked_at', 'is', null)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      const payload = JSON.parse(row.payload) as AccessTokenPayload;
      const nowMs = epochMs(clock);
      if (typeof payload.exp !== 'number' || payload.exp * 1000 <= nowMs) return undefined;
      if (row.expires_at !== null && row.expires_at <= nowMs) return undefined;
      const audiences = Array.isArray(payload.aud)
        ? payload.aud
        : payload.aud === undefined
          ? []
          : [payload.aud];
      // The audience must be this MCP server (the request was checked to be for it above).
      if (!audiences.some((aud) => isOurResource(issuer, aud))) return undefined;
      if (payload.accountId !== row.user_id || payload.clientId !== row.client_id) return undefined;
      const granted = parseScopes(row.scopes);
      const principal: Principal = {
        tenantId: row.tenant_id,
        tenantSlug: row.tenant_slug,
        tenantName: row.tenant_name,
        userId: row.user_id,
        clientId: row.client_id,
        scopes: parseScopes(payload.scope).filter((scope) => granted.includes(scope)),
        grantId: row.grant_id,
      };
      await connections.touch(row.grant_id, clock.now(), row.last_used_at);
      return { principal, expiresAt: payload.exp };
    },
  };
}

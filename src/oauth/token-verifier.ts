import type { Principal } from '../domain/principal.js';
import { type Clock, epochMs } from '../lib/clock.js';
import { sha256 } from '../lib/secrets.js';
import type { TokenVerifier, VerifiedToken } from './token-verifier-contract.js';
import type { Store } from '../store/open-store.js';
import { connectionsRepository, parseScopes, touchDue } from './connections.js';
import { isOurResource } from './resources.js';
import { type TokenFacts, VerifiedTokenCache, authEpochReader } from './verified-token-cache.js';

interface AccessTokenPayload {
  aud?: string | string[];
  scope?: string;
  clientId?: string;
  accountId?: string;
  exp?: number;
}

/**
 * Access tokens are opaque and looked up by SHA-256, joined to the connection, the membership and
 * the tenant: a revoked connection, a deleted token, a user removed from the tenant or a narrowed
 * scope set takes effect on the very next request on every instance. The principal is the
 * grant's tenant and exactly the scopes both the token and the connection hold.
 *
 * The join's outcome is cached per token hash under the store's auth epoch (see
 * verified-token-cache.ts): every request still reads the epoch, so the guarantee above holds,
 * and still checks expiry against the clock; only an unchanged epoch skips the join.
 */
export function storedTokenVerifier(
  store: Pick<Store, 'db' | 'asOwner'>,
  issuer: string,
  clock: Clock,
  cache = new VerifiedTokenCache(),
): TokenVerifier {
  const { db } = store;
  const connections = connectionsRepository(db);
  const readEpoch = authEpochReader(db);

  async function lookUp(hash: string): Promise<TokenFacts | undefined> {
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
      .where('m.id', '=', hash)
      .where('c.revoked_at', 'is', null)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    const payload = JSON.parse(row.payload) as AccessTokenPayload;
    if (typeof payload.exp !== 'number') return undefined;
    const audiences = Array.isArray(payload.aud)
      ? payload.aud
      : payload.aud === undefined
        ? []
        : [payload.aud];
    // The audience must be this MCP server (the request was checked to be for it before).
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
    return {
      principal,
      exp: payload.exp,
      rowExpiresAt: row.expires_at,
      lastUsedMs: row.last_used_at === null ? Number.NaN : Date.parse(row.last_used_at),
    };
  }

  async function verify(token: string, resource: string): Promise<VerifiedToken | undefined> {
    if (token.length < 20 || token.length > 512 || !isOurResource(issuer, resource)) return undefined;
    const hash = sha256(token);
    // Read before the cache (and before any lookup it leads to): a change committed after this
    // read bumps the epoch past it, so the next request cannot use what this one verifies.
    const epoch = await readEpoch();
    let facts = epoch === undefined ? undefined : cache.get(hash, epoch, epochMs(clock));
    if (facts === undefined) {
      facts = await lookUp(hash);
      if (facts === undefined) return undefined;
      if (epoch !== undefined) cache.set(hash, epoch, facts, epochMs(clock));
    }
    const now = clock.now();
    const nowMs = now.getTime();
    if (facts.exp * 1000 <= nowMs) return undefined;
    if (facts.rowExpiresAt !== null && facts.rowExpiresAt <= nowMs) return undefined;
    const { grantId } = facts.principal;
    // Within the minute (the usual case) nothing is written, and nothing is built to decide it.
    if (grantId !== undefined && touchDue(facts.lastUsedMs, nowMs)) {
      await connections.touch(grantId, now);
      facts.lastUsedMs = nowMs;
    }
    return { principal: facts.principal, expiresAt: facts.exp };
  }

  return {
    // Owner work (store/owner-work.ts): the token names its tenant only once it is found.
    verifyAccessToken: (token, resource) => store.asOwner('token verifier', () => verify(token, resource)),
  };
}

import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { stableId } from '../src/domain/demo/seeded.js';
import { ALL_SCOPES, type Scope } from '../src/domain/scopes.js';
import { sha256 } from '../src/lib/secrets.js';
import type { Database } from '../src/store/schema.js';

/** The ids of the bench user, grant and client named `key`. */
export function benchIds(key: string) {
  return {
    userId: stableId('bench', 'user', key),
    grantId: stableId('bench', 'grant', key),
    clientId: `bench-${stableId('bench', 'client', key)}`,
  };
}

/**
 * An access token for the benchmark's authenticated run, written as the authorization server
 * stores one (an `AccessToken` model keyed by the token's SHA-256, and its connection), for a
 * bench user who is a member of the benchmark tenant, with every scope (or `grant.scopes`).
 * Going through the real sign-in pages (as `bench:bearer` does) would measure nothing more: the
 * per-request check reads exactly these rows.
 */
export async function mintBenchToken(
  db: Kysely<Database>,
  tenantId: string,
  issuer: string,
  now: Date,
  grant: {
    readonly scopes?: readonly Scope[];
    /** Names the user, grant and client, so two stores get the same ids (the differential tests). */
    readonly key?: string;
  } = {},
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const scopes = (grant.scopes ?? ALL_SCOPES).join(' ');
  const { userId, grantId, clientId } = benchIds(grant.key ?? randomUUID());
  const at = now.toISOString();
  await db
    .insertInto('users')
    .values({ id: userId, email: `${userId}@bench.example`, name: 'Bench', created_at: at })
    .execute();
  await db
    .insertInto('memberships')
    .values({ tenant_id: tenantId, user_id: userId, role: 'member', created_at: at })
    .execute();
  await db
    .insertInto('oauth_connections')
    .values({
      grant_id: grantId,
      user_id: userId,
      tenant_id: tenantId,
      client_id: clientId,
      client_name: 'bench',
      redirect_host: '127.0.0.1',
      scopes,
      created_at: at,
      last_used_at: null,
      revoked_at: null,
    })
    .execute();
  const exp = Math.floor(now.getTime() / 1000) + 3600;
  await db
    .insertInto('oauth_models')
    .values({
      model: 'AccessToken',
      id: sha256(token),
      grant_id: grantId,
      uid: null,
      user_code: null,
      payload: JSON.stringify({
        aud: `${issuer}/mcp`,
        scope: scopes,
        clientId,
        accountId: userId,
        exp,
      }),
      expires_at: exp * 1000,
      consumed_at: null,
      created_at: at,
    })
    .execute();
  return token;
}

import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { ALL_SCOPES } from '../src/domain/scopes.js';
import { sha256 } from '../src/lib/secrets.js';
import type { Database } from '../src/store/schema.js';

/**
 * An access token for the benchmark's authenticated run, written as the authorization server
 * stores one (an `AccessToken` model keyed by the token's SHA-256, and its connection), for a
 * bench user who is a member of the benchmark tenant, with every scope. Going through the real
 * sign-in pages (as `bench:bearer` does) would measure nothing more: the per-request check reads
 * exactly these rows.
 */
export async function mintBenchToken(
  db: Kysely<Database>,
  tenantId: string,
  issuer: string,
  now: Date,
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const userId = randomUUID();
  const grantId = randomUUID();
  const clientId = `bench-${randomUUID()}`;
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
      scopes: ALL_SCOPES.join(' '),
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
        scope: ALL_SCOPES.join(' '),
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

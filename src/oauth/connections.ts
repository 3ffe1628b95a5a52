import type { Kysely } from 'kysely';
import { isScope, type Scope } from '../domain/scopes.js';
import type { Database } from '../store/schema.js';
import type { OAuthConnectionRow } from '../store/oauth-schema.js';

/** A connection's `last_used_at` is written at most once in this long. */
const TOUCH_EVERY_MS = 60_000;

/** Whether a connection last used at `lastUsedMs` (NaN: never) is due a write of its use at `nowMs`. */
export function touchDue(lastUsedMs: number, nowMs: number): boolean {
  return !(nowMs - lastUsedMs <= TOUCH_EVERY_MS);
}

/** Connected apps: one row per grant, binding it to one user, one tenant and the scopes they checked. */
export function connectionsRepository(db: Kysely<Database>) {
  return {
    async create(row: Omit<OAuthConnectionRow, 'last_used_at' | 'revoked_at'>) {
      await db
        .insertInto('oauth_connections')
        .values({ ...row, last_used_at: null, revoked_at: null })
        .execute();
    },
    find(grantId: string) {
      return db
        .selectFrom('oauth_connections')
        .selectAll()
        .where('grant_id', '=', grantId)
        .executeTakeFirst();
    },
    /** The user's live connections, newest first, with tenant names. */
    listForUser(userId: string) {
      return db
        .selectFrom('oauth_connections as c')
        .innerJoin('tenants as t', 't.id', 'c.tenant_id')
        .select([
          'c.grant_id',
          'c.client_id',
          'c.client_name',
          'c.redirect_host',
          'c.scopes',
          'c.created_at',
          'c.last_used_at',
          't.name as tenant_name',
          't.slug as tenant_slug',
        ])
        .where('c.user_id', '=', userId)
        .where('c.revoked_at', 'is', null)
        .orderBy('c.created_at', 'desc')
        .orderBy('c.grant_id')
        .execute();
    },
    /**
     * Ends a connection now: the row is marked revoked and every artefact of the grant (grant,
     * codes, access and refresh tokens) is deleted, so the next request on any instance fails.
     */
    async revoke(
      grantId: string,
      userId: string | null,
      at: string,
    ): Promise<OAuthConnectionRow | undefined> {
      return db.transaction().execute(async (trx) => {
        let query = trx
          .updateTable('oauth_connections')
          .set({ revoked_at: at })
          .where('grant_id', '=', grantId)
          .where('revoked_at', 'is', null);
        if (userId !== null) query = query.where('user_id', '=', userId);
        const result = await query.executeTakeFirst();
        // Only the owner's request (or the engine's own revocation, userId null) touches the grant.
        if (result.numUpdatedRows === 0n && userId !== null) return undefined;
        await trx.deleteFrom('oauth_models').where('grant_id', '=', grantId).execute();
        if (result.numUpdatedRows === 0n) return undefined;
        return trx
          .selectFrom('oauth_connections')
          .selectAll()
          .where('grant_id', '=', grantId)
          .executeTakeFirst();
      });
    },
    /**
     * Keeps only `keep` of the granted scopes (never widens); returns the new set with the
     * connection's tenant and client (for the audit entry), or undefined.
     */
    async narrow(grantId: string, userId: string, keep: readonly string[]) {
      const row = await db
        .selectFrom('oauth_connections')
        .select(['scopes', 'tenant_id', 'client_id'])
        .where('grant_id', '=', grantId)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      const current = parseScopes(row.scopes);
      const narrowed = current.filter((scope) => keep.includes(scope));
      await db
        .updateTable('oauth_connections')
        .set({ scopes: narrowed.join(' ') })
        .where('grant_id', '=', grantId)
        .where('user_id', '=', userId)
        .execute();
      return { scopes: narrowed, tenantId: row.tenant_id, clientId: row.client_id };
    },
    /**
     * Records use now (callers ask `touchDue` first, so the hot path sends no statement within
     * the minute). The condition keeps another instance's write of the same minute.
     */
    async touch(grantId: string, now: Date): Promise<void> {
      const cutoff = new Date(now.getTime() - TOUCH_EVERY_MS).toISOString();
      await db
        .updateTable('oauth_connections')
        .set({ last_used_at: now.toISOString() })
        .where('grant_id', '=', grantId)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', cutoff)]))
        .execute();
    },
  };
}

export function parseScopes(value: string | undefined | null): Scope[] {
  return (value ?? '').split(' ').filter(isScope);
}

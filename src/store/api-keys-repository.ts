import type { Kysely } from 'kysely';
import type { ApiKeyRow, Database } from './schema.js';

/** The columns a list shows: never the hash. */
const LISTED = [
  'k.id',
  'k.tenant_id',
  'k.name',
  'k.prefix',
  'k.scopes',
  'k.on_behalf_of',
  'k.created_by',
  'k.created_at',
  'k.last_used_at',
  'k.revoked_at',
  't.slug as tenant_slug',
  't.name as tenant_name',
] as const;

/** API keys. Lookups by key go through the hash only; the key itself is never stored. */
export function apiKeysRepository(db: Kysely<Database>) {
  return {
    async insert(row: ApiKeyRow) {
      await db.insertInto('api_keys').values(row).execute();
    },
    /** Keys of one tenant (or of every tenant), newest first, revoked ones included. */
    list(tenantId?: string) {
      let query = db
        .selectFrom('api_keys as k')
        .innerJoin('tenants as t', 't.id', 'k.tenant_id')
        .select(LISTED);
      if (tenantId !== undefined) query = query.where('k.tenant_id', '=', tenantId);
      return query.orderBy('k.created_at', 'desc').orderBy('k.id').execute();
    },
    /** One key by id or by its shown prefix, optionally only within a tenant. */
    find(idOrPrefix: string, tenantId?: string) {
      let query = db
        .selectFrom('api_keys as k')
        .innerJoin('tenants as t', 't.id', 'k.tenant_id')
        .select(LISTED)
        .where((eb) => eb.or([eb('k.id', '=', idOrPrefix), eb('k.prefix', '=', idOrPrefix)]));
      if (tenantId !== undefined) query = query.where('k.tenant_id', '=', tenantId);
      return query.execute();
    },
    /** Marks a live key revoked; false when there was none (unknown, other tenant, already revoked). */
    async revoke(id: string, at: string, tenantId?: string): Promise<boolean> {
      let query = db
        .updateTable('api_keys')
        .set({ revoked_at: at })
        .where('id', '=', id)
        .where('revoked_at', 'is', null);
      if (tenantId !== undefined) query = query.where('tenant_id', '=', tenantId);
      const result = await query.executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    /** The live key with this hash, with its tenant: one indexed read per API request. */
    findLiveByHash(keyHash: string) {
      return db
        .selectFrom('api_keys as k')
        .innerJoin('tenants as t', 't.id', 'k.tenant_id')
        .select([
          'k.id',
          'k.key_hash',
          'k.prefix',
          'k.name',
          'k.scopes',
          'k.on_behalf_of',
          'k.last_used_at',
          't.id as tenant_id',
          't.slug as tenant_slug',
          't.name as tenant_name',
        ])
        .where('k.key_hash', '=', keyHash)
        .where('k.revoked_at', 'is', null)
        .executeTakeFirst();
    },
    /** Records use at most once a minute: within the minute the hot path writes nothing. */
    async touch(id: string, now: Date, lastUsedAt: string | null) {
      const cutoff = new Date(now.getTime() - 60_000).toISOString();
      if (lastUsedAt !== null && lastUsedAt >= cutoff) return;
      await db
        .updateTable('api_keys')
        .set({ last_used_at: now.toISOString() })
        .where('id', '=', id)
        .execute();
    },
  };
}

export type ApiKeysRepository = ReturnType<typeof apiKeysRepository>;

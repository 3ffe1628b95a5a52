import { type Kysely, type Migration, PostgresAdapter, sql } from 'kysely';

/**
 * What a verified access token depends on, and so what must end every instance's cached
 * verification when it changes (src/oauth/verified-token-cache.ts): the token row itself, its
 * connection (scopes, revocation, tenant, user, client), the user's membership, the tenant's
 * name and slug, and the user. Inserts never matter (a new row cannot invalidate a verification
 * already made); `last_used_at` does not either, and the once-a-minute touch must not flush.
 */
const WATCHED: readonly { table: string; update: readonly string[] | 'any'; accessTokensOnly?: boolean }[] = [
  { table: 'oauth_models', update: 'any', accessTokensOnly: true },
  {
    table: 'oauth_connections',
    update: ['grant_id', 'user_id', 'tenant_id', 'client_id', 'scopes', 'revoked_at'],
  },
  { table: 'memberships', update: 'any' },
  { table: 'tenants', update: ['id', 'slug', 'name'] },
  { table: 'users', update: ['id'] },
];

const isPostgres = (db: Kysely<unknown>) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * One counter, bumped by triggers in the same transaction as any change above, so that a cached
 * token verification is never used after such a change committed anywhere: each request reads the
 * counter (one primary-key row) before it trusts its cache. Triggers rather than code paths,
 * because a revocation, a narrowing, a membership removal or housekeeping may each reach these
 * tables through a different path (the pages, the engine's adapter, the CLI), and none may forget.
 */
export const authEpoch: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('auth_epoch')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('value', 'bigint', (c) => c.notNull())
      .execute();
    await sql`insert into auth_epoch (id, value) values (1, 0)`.execute(db);
    const bump = sql.raw('update auth_epoch set value = value + 1 where id = 1');
    if (isPostgres(db))
      await sql`create function bump_auth_epoch() returns trigger language plpgsql as $$
        begin ${bump}; return null; end $$`.execute(db);
    for (const { table, update, accessTokensOnly } of WATCHED) {
      for (const event of ['update', 'delete'] as const) {
        const name = sql.raw(`${table}_${event}_auth_epoch`);
        const columns = event === 'update' && update !== 'any' ? ` of ${update.join(', ')}` : '';
        const on = sql.raw(`after ${event}${columns} on ${table}`);
        const when = accessTokensOnly === true ? sql.raw(`when (old.model = 'AccessToken')`) : sql.raw('');
        if (isPostgres(db))
          await sql`create trigger ${name} ${on} for each row ${when} execute function bump_auth_epoch()`.execute(
            db,
          );
        else await sql`create trigger ${name} ${on} for each row ${when} begin ${bump}; end`.execute(db);
      }
    }
  },
  async down(db: Kysely<unknown>) {
    for (const { table } of WATCHED)
      for (const event of ['update', 'delete'])
        await sql`drop trigger ${sql.raw(`${table}_${event}_auth_epoch`)}${sql.raw(isPostgres(db) ? ` on ${table}` : '')}`.execute(
          db,
        );
    if (isPostgres(db)) await sql`drop function bump_auth_epoch()`.execute(db);
    await db.schema.dropTable('auth_epoch').execute();
  },
};

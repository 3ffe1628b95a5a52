import type { Kysely } from 'kysely';
import type { Database, MembershipRow } from './schema.js';

/** Tenants, users and memberships: the only rows that are not owned by one tenant. */
export function accountsRepository(db: Kysely<Database>) {
  return {
    listTenants() {
      return db.selectFrom('tenants').select(['id', 'slug', 'name', 'created_at']).orderBy('slug').execute();
    },
    findTenantBySlug(slug: string) {
      return db
        .selectFrom('tenants')
        .where('slug', '=', slug)
        .select(['id', 'slug', 'name'])
        .executeTakeFirst();
    },
    findTenantById(id: string) {
      return db.selectFrom('tenants').where('id', '=', id).select(['id', 'slug', 'name']).executeTakeFirst();
    },
    async insertTenant(row: { id: string; slug: string; name: string; created_at: string }) {
      await db.insertInto('tenants').values(row).execute();
    },
    findUserById(id: string) {
      return db.selectFrom('users').where('id', '=', id).select(['id', 'email', 'name']).executeTakeFirst();
    },
    findUserByEmail(email: string) {
      return db
        .selectFrom('users')
        .where('email', '=', email.trim().toLowerCase())
        .select(['id', 'email', 'name'])
        .executeTakeFirst();
    },
    async insertUser(row: { id: string; email: string; name: string; created_at: string }) {
      await db
        .insertInto('users')
        .values({ ...row, email: row.email.trim().toLowerCase() })
        .execute();
    },
    async upsertMembership(row: MembershipRow) {
      await db
        .insertInto('memberships')
        .values(row)
        .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doUpdateSet({ role: row.role }))
        .execute();
    },
    membershipsOfUser(userId: string) {
      return db
        .selectFrom('memberships as m')
        .innerJoin('tenants as t', 't.id', 'm.tenant_id')
        .where('m.user_id', '=', userId)
        .select(['t.id as tenant_id', 't.slug', 't.name', 'm.role'])
        .orderBy('t.name')
        .execute();
    },
  };
}

export type AccountsRepository = ReturnType<typeof accountsRepository>;

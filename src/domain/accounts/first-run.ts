import type { Kysely } from 'kysely';
import type { Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { accountsRepository } from '../../store/accounts-repository.js';
import { rowLimit } from '../../store/row-limit.js';
import type { Database } from '../../store/schema.js';
import { DomainError } from '../errors.js';

/** `Gitdate Ink` → `gitdate-ink`; `mcp.gitdate.ink` → `mcp-gitdate-ink`. */
export function tenantSlugOf(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return slug === '' ? 'workspace' : slug;
}

/**
 * The first tenant of a fresh embedded deployment (issue 7 item 3), so an address listed in
 * WORKONWARD_MCP_OAUTH_ALLOWED_EMAILS can sign in without any CLI step. Created only when the store
 * holds no tenant; instances starting together insert the same slug and only one row wins.
 * Returns the tenant when this call created it (the caller logs it, once).
 */
export async function ensureFirstTenant(
  db: Kysely<Database>,
  clock: Clock,
  name: string,
): Promise<{ id: string; slug: string; name: string } | undefined> {
  const accounts = accountsRepository(db);
  if ((await accounts.listTenants()).length > 0) return undefined;
  const tenant = { id: newId(), slug: tenantSlugOf(name), name };
  const inserted = await db
    .insertInto('tenants')
    .values({ ...tenant, created_at: clock.now().toISOString() })
    .onConflict((oc) => oc.column('slug').doNothing())
    .executeTakeFirst();
  return (inserted.numInsertedOrUpdatedRows ?? 0n) > 0n ? tenant : undefined;
}

/**
 * Makes `email` a member of `tenantId` on its first sign-in (creating the user when unknown).
 * Safe under concurrent sign-ins of one address: a lost insert race re-reads the winner's row.
 */
export async function joinOnFirstSignIn(
  db: Kysely<Database>,
  clock: Clock,
  input: { email: string; tenantId: string; role: 'owner' | 'member' },
): Promise<string> {
  const accounts = accountsRepository(db);
  const now = clock.now().toISOString();
  let user = await accounts.findUserByEmail(input.email);
  if (user === undefined) {
    const id = newId();
    await db
      .insertInto('users')
      .values({ id, email: input.email, name: input.email.split('@')[0] ?? input.email, created_at: now })
      .onConflict((oc) => oc.column('email').doNothing())
      .execute();
    user = await accounts.findUserByEmail(input.email);
    if (user === undefined) throw new Error('user row missing after insert');
  }
  await db
    .insertInto('memberships')
    .values({ tenant_id: input.tenantId, user_id: user.id, role: input.role, created_at: now })
    .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doNothing())
    .execute();
  return user.id;
}

type TenantRow = { readonly id: string; readonly slug: string; readonly name: string };

/**
 * A front's store holds tenants other than its key's account: a store used in embedded mode, or
 * by a front for another account. Their members, grants and audit log are not the account's, and
 * every tool of a front acts in the account, so the front refuses to serve on top of them.
 */
export class ForeignTenants extends DomainError {
  constructor(
    readonly account: TenantRow,
    readonly others: readonly TenantRow[],
  ) {
    const named = others.map((t) => `"${t.name}" (${t.slug}, id ${t.id})`).join(', ');
    super(
      'conflict',
      `this store holds tenants other than the account of WORKONWARD_API_KEY ("${account.name}" (${account.slug}, id ${account.id})): ${named}. A front keeps the sign-ins, grants and audit log of that one account, and every tool acts in it, so it will not serve people and grants of another tenant.`,
      'Start the front on an empty WORKONWARD_DATA_DIR (or WORKONWARD_DATABASE_URL); keep this store for the deployment it came from.',
    );
    this.name = 'ForeignTenants';
  }
}

/** The first few tenants of `db` besides `account`: none on a front's own store. */
export function foreignTenants(db: Kysely<Database>, account: { id: string }): Promise<TenantRow[]> {
  return db
    .selectFrom('tenants')
    .select(['id', 'slug', 'name'])
    .where('id', '!=', account.id)
    .orderBy('slug')
    .limit(rowLimit(5))
    .execute();
}

/**
 * Remote backend mode (issue 7 item 3): the front's one tenant is the API key's account on the
 * backend, under the same id, slug and name, so the consent page names it, a first sign-in joins
 * it (the only tenant), and the front's audit log exports under the backend's slug. A renamed
 * account is renamed here. Throws `ForeignTenants`, changing nothing, when the store holds any
 * other tenant (one under the account's slug included).
 */
export async function mirrorAccountTenant(
  db: Kysely<Database>,
  clock: Clock,
  tenant: TenantRow,
): Promise<{ created: boolean }> {
  const others = await foreignTenants(db, tenant);
  if (others.length > 0) throw new ForeignTenants(tenant, others);
  const inserted = await db
    .insertInto('tenants')
    .values({ ...tenant, created_at: clock.now().toISOString() })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  await db.updateTable('tenants').set({ name: tenant.name }).where('id', '=', tenant.id).execute();
  return { created: (inserted.numInsertedOrUpdatedRows ?? 0n) > 0n };
}

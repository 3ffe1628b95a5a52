/**
 * Work that runs as the database OWNER on PostgreSQL, not as the runtime role, and why. This is
 * the whole list: everything else a live request reads or writes in a tenant table runs inside
 * `store.asTenant(tenantId, …)` — as the non-superuser runtime role with the tenant set, so
 * row-level security (migration 0010) admits only that tenant's rows whatever the query says.
 *
 * Owner work is the default outside a tenant scope. `store.asOwner(reason, …)` marks the places
 * that could otherwise be reached from inside one (a worker woken by a request), so a reviewer sees
 * each exception named here.
 */
export const OWNER_WORK = {
  migrations: 'creates and alters the tables (and grants the runtime role its rights on them)',
  'outbox worker':
    'leases, sends, settles and buries due rows of every tenant in one query (FOR UPDATE SKIP LOCKED), and sweeps expired rows (housekeeping)',
  'token verifier':
    'finds an access token by its hash and joins the grant and membership before the tenant is known',
  'api key verifier': 'finds a key by its hash before the tenant is known',
  'authorization server':
    'clients, grants and connections are found by id or user; a person consents across tenants',
  'sign-in and sessions':
    "a person's memberships span tenants (tenant picker, connected apps of every tenant)",
  'rate limits': 'per grant, per key and per IP windows are not tenant rows',
  'metrics and readiness': 'outbox depth and age across tenants; a ping',
  'start-up': 'first tenant, demo data',
  'cli and backups': 'the operator works on every tenant (import, tenants, users, keys, backup, restore)',
} as const;

export type OwnerWork = keyof typeof OWNER_WORK;

import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { accountsRepository } from '../../store/accounts-repository.js';
import type { Database } from '../../store/schema.js';
import { invalidInput } from '../errors.js';

const slugSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/);
const roleSchema = z.enum(['owner', 'admin', 'member']);
const emailSchema = z.email();

export async function createTenant(
  db: Kysely<Database>,
  clock: Clock,
  input: { slug: string; name: string },
) {
  if (!slugSchema.safeParse(input.slug).success) {
    throw invalidInput(
      `"${input.slug}" is not a valid tenant slug.`,
      'Use lowercase letters, digits and dashes, e.g. "acme-builders".',
    );
  }
  const accounts = accountsRepository(db);
  if ((await accounts.findTenantBySlug(input.slug)) !== undefined) {
    throw invalidInput(
      `Tenant "${input.slug}" already exists.`,
      'Choose another slug; `tenant list` shows the existing ones.',
    );
  }
  const tenant = { id: newId(), slug: input.slug, name: input.name, created_at: clock.now().toISOString() };
  await accounts.insertTenant(tenant);
  return tenant;
}

export async function addUserToTenant(
  db: Kysely<Database>,
  clock: Clock,
  input: { email: string; tenantSlug: string; name?: string | undefined; role: string },
) {
  const email = input.email.trim().toLowerCase();
  if (!emailSchema.safeParse(email).success)
    throw invalidInput(`"${input.email}" is not an email address.`, 'Use e.g. you@example.com.');
  const role = roleSchema.safeParse(input.role);
  if (!role.success) throw invalidInput(`"${input.role}" is not a role.`, 'Use owner, admin or member.');
  return db.transaction().execute(async (trx) => {
    const accounts = accountsRepository(trx);
    const tenant = await accounts.findTenantBySlug(input.tenantSlug);
    if (tenant === undefined)
      throw invalidInput(`Tenant "${input.tenantSlug}" does not exist.`, 'Run `tenant list`.');
    const now = clock.now().toISOString();
    let user = await accounts.findUserByEmail(email);
    if (user === undefined) {
      user = { id: newId(), email, name: input.name ?? email.split('@')[0] ?? email };
      await accounts.insertUser({ ...user, created_at: now });
    }
    await accounts.upsertMembership({
      tenant_id: tenant.id,
      user_id: user.id,
      role: role.data,
      created_at: now,
    });
    return { email, tenant: tenant.slug, role: role.data, user_id: user.id };
  });
}

import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../lib/clock.js';
import { daysBefore } from '../../lib/clock.js';
import { accountsRepository } from '../../store/accounts-repository.js';
import { crmWriter } from '../../store/crm-writer.js';
import type { Database } from '../../store/schema.js';
import { DEMO_TENANTS } from './demo-tenants.js';
import type { TenantSeed } from './tenant-seed.js';
import { stableId } from './seeded.js';

export interface DemoLoadResult {
  loaded: string[];
  skipped: string[];
}

/** Loads the demo tenants that are not there yet, each in one transaction. Safe to run repeatedly. */
export async function loadDemoData(db: Kysely<Database>, clock: Clock): Promise<DemoLoadResult> {
  const result: DemoLoadResult = { loaded: [], skipped: [] };
  for (const seed of DEMO_TENANTS) {
    const exists = await accountsRepository(db).findTenantBySlug(seed.slug);
    if (exists !== undefined) {
      result.skipped.push(seed.slug);
      continue;
    }
    await db.transaction().execute((trx) => writeTenant(trx, seed, clock.now()));
    result.loaded.push(seed.slug);
  }
  return result;
}

const iso = (now: Date, daysAgo: number) => daysBefore(now, daysAgo).toISOString();
const date = (now: Date, daysFromNow: number) => iso(now, -daysFromNow).slice(0, 10);

async function writeTenant(trx: Transaction<Database>, seed: TenantSeed, now: Date): Promise<void> {
  const accounts = accountsRepository(trx);
  const tenantId = stableId('tenant', seed.slug);
  const created = iso(now, 720);
  await accounts.insertTenant({ id: tenantId, slug: seed.slug, name: seed.name, created_at: created });
  for (const user of seed.users) {
    const existing = await accounts.findUserByEmail(user.email);
    const userId = existing?.id ?? stableId('user', user.email);
    if (existing === undefined)
      await accounts.insertUser({ id: userId, email: user.email, name: user.name, created_at: created });
    await accounts.upsertMembership({
      tenant_id: tenantId,
      user_id: userId,
      role: user.role,
      created_at: created,
    });
  }

  const id = (kind: string, key: string | number) => stableId(seed.slug, kind, String(key));
  const write = crmWriter(trx, tenantId);
  await write.companies(
    seed.companies.map((c) => ({
      id: id('company', c.key),
      name: c.name,
      kind: c.kind,
      city: c.city,
      phone: c.phone ?? null,
      website: c.website ?? null,
      created_at: created,
    })),
  );
  await write.contacts(
    seed.contacts.map((c) => ({
      id: id('contact', c.key),
      company_id: id('company', c.company),
      first_name: c.first,
      last_name: c.last,
      email: c.email,
      phone: c.phone ?? null,
      title: c.title,
      created_at: created,
    })),
  );
  await write.projects(
    seed.projects.map((p) => ({
      id: id('project', p.key),
      name: p.name,
      status: p.status,
      client_company_id: id('company', p.client),
      location: p.location,
      value_cents: p.value * 100,
      start_date: date(now, p.start),
      end_date: date(now, p.end),
      description: p.description,
      created_at: iso(now, Math.max(-p.start, 0) + 30),
      updated_at: iso(now, 1),
    })),
  );
  await write.bids(
    seed.bids.map((b) => {
      const [firstStatus, firstDaysAgo] = b.history[0] ?? ['draft', 0];
      const [status, since] = b.history[b.history.length - 1] ?? [firstStatus, firstDaysAgo];
      return {
        id: id('bid', b.number),
        number: b.number,
        title: b.title,
        project_id: id('project', b.project),
        company_id: id('company', b.company),
        contact_id: b.contact === undefined ? null : id('contact', b.contact),
        amount_cents: b.amount * 100,
        status,
        status_since: iso(now, since),
        due_date: b.due === undefined ? null : date(now, b.due),
        created_at: iso(now, firstDaysAgo),
        updated_at: iso(now, since),
      };
    }),
  );
  await write.bidStatusChanges(
    seed.bids.flatMap((b) =>
      b.history.map(([status, daysAgo], index) => ({
        id: id('bid-status', `${b.number}-${index}`),
        bid_id: id('bid', b.number),
        from_status: index === 0 ? null : (b.history[index - 1]?.[0] ?? null),
        to_status: status,
        changed_at: iso(now, daysAgo),
      })),
    ),
  );
  const author =
    seed.users[0] === undefined ? null : ((await accounts.findUserByEmail(seed.users[0].email))?.id ?? null);
  await write.bidNotes(
    seed.bids.flatMap((b) =>
      (b.notes ?? []).map(([daysAgo, body], index) => ({
        id: id('bid-note', `${b.number}-${index}`),
        bid_id: id('bid', b.number),
        author_user_id: author,
        body,
        created_at: iso(now, daysAgo),
      })),
    ),
  );
}

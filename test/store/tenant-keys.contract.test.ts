import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../../src/domain/audit/audit-log.js';
import { fixedClock } from '../../src/lib/clock.js';
import { connectionsRepository } from '../../src/oauth/connections.js';
import { accountsRepository } from '../../src/store/accounts-repository.js';
import { crmWriter } from '../../src/store/crm-writer.js';
import type { Store } from '../../src/store/open-store.js';
import { availableDialects, createTestStore } from '../support/stores.js';
import { NOW, type SeededTenant, seedLookAlikeTenant } from './look-alike-tenants.js';
import { contactsJoinedWithoutTenantFilter } from './unfiltered-join.js';

/**
 * Tenancy in the schema (migration 0012, issue 12): every reference from one tenant's row to
 * another row is `(tenant_id, column) → (tenant_id, id)`, so the database itself refuses a row
 * of tenant A that names a row of tenant B, and a join along such a reference cannot cross
 * tenants even when its `on` clause leaves the tenant out.
 */
const dialects = await availableDialects();

/** SQLite's and PostgreSQL's own code for a foreign-key refusal (test-only per-driver knowledge). */
const FOREIGN_KEY = /^(SQLITE_CONSTRAINT_FOREIGNKEY|23503)$/;

const projectRow = (id: string, name: string, client: string | null = null) => ({
  id,
  name,
  status: 'active' as const,
  client_company_id: client,
  location: null,
  value_cents: null,
  start_date: null,
  end_date: null,
  description: null,
  created_at: NOW,
  updated_at: NOW,
});

describe.each(dialects)('tenant keys on %s', (dialect) => {
  let store: Store & { url: string };
  let a: SeededTenant;
  let b: SeededTenant;
  beforeAll(async () => {
    store = await createTestStore(dialect);
    a = await seedLookAlikeTenant(store, 'alpha');
    b = await seedLookAlikeTenant(store, 'bravo');
  });
  afterAll(() => store.close());

  /** The driver's code of the error `work` fails with, or 'accepted'. */
  const outcome = (work: Promise<unknown>) =>
    work.then(
      () => 'accepted',
      (error: unknown) => String((error as { code?: unknown }).code),
    );
  const refused = async (work: Promise<unknown>) => {
    expect(await outcome(work)).toMatch(FOREIGN_KEY);
  };

  it('refuses a row of A that names B’s company, contact, project or bid, in every referencing column', async () => {
    const write = crmWriter(store.db, a.id);
    const contact = { first_name: 'C', last_name: 'R', phone: null, title: null, created_at: NOW };
    await refused(
      write.contacts([
        { ...contact, id: 'x1', email: 'x1@example.com', company_id: b.ids('company', 'acme') },
      ]),
    );
    await refused(write.projects([projectRow('x2', 'X2', b.ids('company', 'acme'))]));
    const bid = {
      title: 'X',
      amount_cents: 1,
      status: 'draft' as const,
      status_since: NOW,
      due_date: null,
      created_at: NOW,
      updated_at: NOW,
    };
    const own = { project_id: a.ids('project', 'mob'), company_id: null, contact_id: null };
    await refused(
      write.bids([{ ...bid, ...own, id: 'x3', number: 901, project_id: b.ids('project', 'mob') }]),
    );
    await refused(
      write.bids([{ ...bid, ...own, id: 'x4', number: 902, company_id: b.ids('company', 'acme') }]),
    );
    await refused(
      write.bids([{ ...bid, ...own, id: 'x5', number: 903, contact_id: b.ids('contact', 'jane') }]),
    );
    const change = { from_status: null, to_status: 'draft' as const, changed_at: NOW };
    await refused(write.bidStatusChanges([{ ...change, id: 'x6', bid_id: b.ids('bid', 123) }]));
    await refused(
      write.bidNotes([
        { id: 'x7', bid_id: b.ids('bid', 123), author_user_id: null, body: 'x', created_at: NOW },
      ]),
    );
    // An update is checked as an insert is: A's own bid cannot be moved onto B's project.
    await refused(
      store.db
        .updateTable('bids')
        .set({ project_id: b.ids('project', 'mob') })
        .where('tenant_id', '=', a.id)
        .where('id', '=', a.ids('bid', 123))
        .execute(),
    );
    // The same rows inside A are accepted: the refusals above are about the tenant, nothing else.
    await write.contacts([
      { ...contact, id: 'x8', email: 'x8@example.com', company_id: a.ids('company', 'acme') },
    ]);
  });

  it('refuses a second project of one name in a tenant (case-insensitive), not across tenants', async () => {
    await crmWriter(store.db, a.id).projects([projectRow('n1', 'Harbor Pavilion')]);
    const again = crmWriter(store.db, a.id).projects([projectRow('n2', '  harbor PAVILION ')]);
    expect(await outcome(again)).toMatch(/^(SQLITE_CONSTRAINT_UNIQUE|23505)$/);
    await crmWriter(store.db, b.id).projects([projectRow('n3', 'Harbor Pavilion')]);
  });

  it('keeps a join without the tenant filter inside the tenant: the schema carries it', async () => {
    const rows = await contactsJoinedWithoutTenantFilter(store.db, a.id);
    const named = rows.filter((row) => row.company_name !== null);
    expect(named.length).toBeGreaterThan(0);
    expect(new Set(named.map((row) => row.company_tenant))).toEqual(new Set([a.id]));
    // The look-alike tenants share every company name, so the tenant is what tells them apart.
    expect(
      (await contactsJoinedWithoutTenantFilter(store.db, b.id)).map((row) => row.company_tenant),
    ).not.toContain(a.id);
  });

  it('refuses a connected app of a user in a tenant they are not a member of, and an audit entry of no tenant row (0015)', async () => {
    const accounts = accountsRepository(store.db);
    await accounts.insertUser({ id: 'user-of-a', email: 'a@example.com', name: 'A', created_at: NOW });
    await accounts.upsertMembership({
      tenant_id: a.id,
      user_id: 'user-of-a',
      role: 'member',
      created_at: NOW,
    });
    const connection = (grant: string, tenant: string) =>
      connectionsRepository(store.db).create({
        grant_id: grant,
        user_id: 'user-of-a',
        tenant_id: tenant,
        client_id: 'client',
        client_name: 'Client',
        redirect_host: 'app.example',
        scopes: 'projects:read',
        created_at: NOW,
      });
    await refused(connection('g-cross', b.id));
    // A grant moved to another tenant is checked as a new one is.
    await connection('g-own', a.id);
    await refused(
      store.db
        .updateTable('oauth_connections')
        .set({ tenant_id: b.id })
        .where('grant_id', '=', 'g-own')
        .execute(),
    );
    const entry = (tenantId: string | null) =>
      appendAudit(store.db, fixedClock(NOW), {
        tenantId,
        userId: null,
        clientId: null,
        action: 'test.entry',
        decision: 'allowed',
      });
    await refused(entry('no-such-tenant'));
    // The same rows inside their tenant (or of no tenant, as sign-in events are) are accepted.
    await entry(a.id);
    await entry(null);
    // Removing the membership removes the user's connections in that tenant with it.
    await store.db.deleteFrom('memberships').where('user_id', '=', 'user-of-a').execute();
    expect(
      await store.db
        .selectFrom('oauth_connections')
        .select('grant_id')
        .where('user_id', '=', 'user-of-a')
        .execute(),
    ).toEqual([]);
  });
});

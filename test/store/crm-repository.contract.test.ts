import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoData } from '../../src/domain/demo/load-demo.js';
import { fixedClock } from '../../src/lib/clock.js';
import { accountsRepository } from '../../src/store/accounts-repository.js';
import { type CrmRepository, crmRepository } from '../../src/store/crm-repository.js';
import { crmWriter } from '../../src/store/crm-writer.js';
import type { Store } from '../../src/store/open-store.js';
import { availableDialects, createTestStore } from '../support/stores.js';
import { tenantGuard } from '../support/tenant-guard.js';
import { NOW, type SeededTenant, at, seedLookAlikeTenant } from './look-alike-tenants.js';

/**
 * One contract, every dialect: the repositories must return the same rows on SQLite and
 * PostgreSQL, and a repository of one tenant must never see a row of another.
 */
const dialects = await availableDialects();

/** Every value a repository returns for tenant A, flattened, so one assertion can scan it for B. */
async function everythingVisibleTo(repo: CrmRepository, other: SeededTenant): Promise<unknown[]> {
  const big = 1000;
  return [
    await repo.listProjects({ limit: big }),
    await repo.listCompanies({ limit: big }),
    await repo.searchContacts({ name: 'o', limit: big }),
    await repo.searchContacts({ email: 'jane@example.com', limit: big }),
    await repo.searchContacts({ company: 'acme', limit: big }),
    await repo.listBids({ limit: big }),
    await repo.listBids({ status: 'negotiation', statusSinceAtOrBefore: at(14), limit: big }),
    await repo.findCompanyByName('Acme Construction'),
    await repo.getBidByNumber(123),
    await repo.bidHistory(other.ids('bid', 123)),
    await repo.bidNotes(other.ids('bid', 123)),
  ];
}

describe.each(dialects)('the CRM repositories on %s', (dialect) => {
  // SQLite: every statement on a CRM table must name its tenant (issue 9; PostgreSQL has RLS).
  const guard = tenantGuard();
  let store: Store & { url: string };
  let a: SeededTenant;
  let b: SeededTenant;
  let repoA: CrmRepository;
  let repoB: CrmRepository;

  beforeAll(async () => {
    store = await createTestStore(dialect, guard.options);
    a = await seedLookAlikeTenant(store, 'alpha');
    b = await seedLookAlikeTenant(store, 'bravo');
    repoA = crmRepository(store.db, a.id);
    repoB = crmRepository(store.db, b.id);
  });
  afterAll(() => store.close());

  describe('migrations', () => {
    it('are already applied once and re-running them applies nothing', async () => {
      expect(await store.migrate()).toEqual([]);
    });

    it('create every table the schema declares', async () => {
      const tables = (await store.db.introspection.getTables()).map((t) => t.name);
      for (const table of [
        'tenants',
        'users',
        'memberships',
        'companies',
        'contacts',
        'projects',
        'bids',
        'bid_status_changes',
        'bid_notes',
      ]) {
        expect(tables).toContain(table);
      }
    });

    it('load the demo data unchanged, and a second load skips both tenants', async () => {
      const fresh = await createTestStore(dialect);
      try {
        const first = await loadDemoData(fresh.db, fixedClock(NOW));
        expect(first).toEqual({ loaded: ['summit-ridge', 'harbor-line'], skipped: [] });
        const second = await loadDemoData(fresh.db, fixedClock(NOW));
        expect(second).toEqual({ loaded: [], skipped: ['summit-ridge', 'harbor-line'] });
        const tenant = await accountsRepository(fresh.db).findTenantBySlug('summit-ridge');
        const bid = await crmRepository(fresh.db, tenant!.id).getBidByNumber(123);
        expect(bid).toMatchObject({ status: 'negotiation', status_since: at(21), amount_cents: 164_000_000 });
      } finally {
        await fresh.close();
      }
    });
  });

  describe('projects', () => {
    it('listProjects returns the tenant’s projects sorted by name with their client', async () => {
      const rows = await repoA.listProjects({ limit: 100 });
      expect(rows.map((r) => r.name)).toEqual([
        '100% Done_Site',
        'Acme Warehouse',
        'Big Dam',
        'Longmont Gym Renovation',
        'Riverside Medical Office',
      ]);
      expect(rows.find((r) => r.name === 'Acme Warehouse')).toMatchObject({
        id: a.ids('project', 'wh'),
        status: 'bidding',
        client_company_id: a.ids('company', 'acme'),
        client_company_name: 'Acme Construction',
        location: 'Boulder, CO',
        value_cents: 980_000_000,
        start_date: '2026-01-01',
        end_date: '2026-12-31',
      });
      expect(rows.find((r) => r.name === 'Big Dam')?.client_company_name).toBeNull();
    });

    it('listProjects filters by status', async () => {
      const rows = await repoA.listProjects({ status: 'active', limit: 100 });
      expect(rows.map((r) => r.id)).toEqual([a.ids('project', 'gym'), a.ids('project', 'mob')]);
    });

    it('listProjects matches text case-insensitively in name, location and description', async () => {
      expect((await repoA.listProjects({ query: 'RIVERSIDE', limit: 10 })).map((r) => r.id)).toEqual([
        a.ids('project', 'mob'),
      ]);
      expect(await repoA.listProjects({ query: 'boulder, co', limit: 10 })).toHaveLength(5);
      expect((await repoA.listProjects({ query: 'project wh FOR', limit: 10 })).map((r) => r.id)).toEqual([
        a.ids('project', 'wh'),
      ]);
    });

    it('money comes back as a number of cents, exactly, even above 2^32', async () => {
      const big = await repoA.getProject(a.ids('project', 'big'));
      expect(typeof big?.value_cents).toBe('number');
      expect(big?.value_cents).toBe(9_000_000_000_000);
      const none = await repoA.getProject(a.ids('project', 'done'));
      expect(none?.value_cents).toBeNull();
      const bid = await repoA.getBidByNumber(124);
      expect(typeof bid?.amount_cents).toBe('number');
      expect(bid?.amount_cents).toBe(124_000_000);
    });

    it('getProject returns one project and undefined for an unknown id', async () => {
      expect(await repoA.getProject(a.ids('project', 'gym'))).toMatchObject({
        name: 'Longmont Gym Renovation',
        client_company_name: 'École Bâtiment',
        description: 'Project gym for alpha',
      });
      expect(await repoA.getProject('no-such-project')).toBeUndefined();
    });

    it('projectsOfCompany lists the projects a company is the client of', async () => {
      const rows = await repoA.projectsOfCompany(a.ids('company', 'acme'));
      expect(rows.map((r) => r.name)).toEqual(['Acme Warehouse', 'Riverside Medical Office']);
    });
  });

  describe('companies', () => {
    it('listCompanies returns companies sorted by name and filters on the name', async () => {
      const all = await repoA.listCompanies({ limit: 100 });
      expect(all.map((c) => c.id).sort()).toEqual(
        ['acme', 'pct', 'plain', 'ecole'].map((k) => a.ids('company', k)).sort(),
      );
      expect(all.find((c) => c.id === a.ids('company', 'pct'))).toMatchObject({
        name: '100% Steel_Works \\ Co',
        kind: 'supplier',
        city: null,
      });
      const acme = await repoA.listCompanies({ query: 'ACME', limit: 100 });
      expect(acme).toEqual([
        {
          id: a.ids('company', 'acme'),
          name: 'Acme Construction',
          kind: 'general_contractor',
          city: 'Denver',
          phone: null,
          website: null,
        },
      ]);
    });

    it('getCompany and findCompanyByName find one company, case-insensitively by name', async () => {
      expect(await repoA.getCompany(a.ids('company', 'ecole'))).toMatchObject({ name: 'École Bâtiment' });
      expect(await repoA.getCompany('missing')).toBeUndefined();
      expect(await repoA.findCompanyByName('  acme CONSTRUCTION ')).toEqual({
        id: a.ids('company', 'acme'),
        name: 'Acme Construction',
      });
      expect(await repoA.findCompanyByName('Acme')).toBeUndefined();
    });
  });

  describe('LIKE search', () => {
    it('treats % in a query literally', async () => {
      const rows = await repoA.listCompanies({ query: '100%', limit: 100 });
      expect(rows.map((r) => r.id)).toEqual([a.ids('company', 'pct')]);
      expect((await repoA.listProjects({ query: '%', limit: 100 })).map((r) => r.id)).toEqual([
        a.ids('project', 'done'),
      ]);
    });

    it('treats _ in a query literally', async () => {
      expect((await repoA.listCompanies({ query: 'steel_works', limit: 100 })).map((r) => r.id)).toEqual([
        a.ids('company', 'pct'),
      ]);
      expect(await repoA.listCompanies({ query: '1_00', limit: 100 })).toEqual([]);
      expect((await repoA.searchContacts({ name: 'owner_rep', limit: 100 })).map((r) => r.id)).toEqual([
        a.ids('contact', 'pat'),
      ]);
    });

    it('treats \\ in a query literally', async () => {
      expect((await repoA.listCompanies({ query: '\\ co', limit: 100 })).map((r) => r.id)).toEqual([
        a.ids('company', 'pct'),
      ]);
      expect(await repoA.listCompanies({ query: '\\', limit: 100 })).toHaveLength(1);
      expect(await repoA.listCompanies({ query: '\\%', limit: 100 })).toEqual([]);
    });

    it('is case-insensitive beyond ASCII', async () => {
      expect((await repoA.listCompanies({ query: 'ÉCOLE BÂT', limit: 100 })).map((r) => r.id)).toEqual([
        a.ids('company', 'ecole'),
      ]);
      expect((await repoA.listProjects({ query: 'LONGMONT GYM', limit: 100 })).map((r) => r.id)).toEqual([
        a.ids('project', 'gym'),
      ]);
    });
  });

  describe('contacts', () => {
    it('searchContacts by email is exact and case-insensitive', async () => {
      const rows = await repoA.searchContacts({ email: ' JANE@example.COM ', limit: 10 });
      expect(rows).toEqual([
        {
          id: a.ids('contact', 'jane'),
          first_name: 'Jane',
          last_name: 'Cooper',
          email: 'Jane@Example.com',
          phone: null,
          title: 'Estimator',
          company_id: a.ids('company', 'acme'),
          company_name: 'Acme Construction',
        },
      ]);
      expect(await repoA.searchContacts({ email: 'jane@example', limit: 10 })).toEqual([]);
    });

    it('searchContacts combines name and company filters, sorted by last name then id', async () => {
      const coopers = await repoA.searchContacts({ name: 'cooper', limit: 10 });
      expect(coopers.map((r) => r.id)).toEqual([a.ids('contact', 'jane'), a.ids('contact', 'pat')]);
      const atAcme = await repoA.searchContacts({ name: 'cooper', company: 'acme', limit: 10 });
      expect(atAcme.map((r) => r.id)).toEqual([a.ids('contact', 'jane')]);
      const both = await repoA.searchContacts({
        email: 'jane@example.com',
        company: 'Acme Construction',
        limit: 10,
      });
      expect(both).toHaveLength(1);
      expect(await repoA.searchContacts({ email: 'jane@example.com', company: 'Steel', limit: 10 })).toEqual(
        [],
      );
    });

    it('getContact returns a contact without a company, and undefined for an unknown id', async () => {
      expect(await repoA.getContact(a.ids('contact', 'solo'))).toMatchObject({
        first_name: 'Solo',
        company_id: null,
        company_name: null,
      });
      expect(await repoA.getContact('missing')).toBeUndefined();
    });

    it('contactsOfCompany lists the people at a company', async () => {
      const rows = await repoA.contactsOfCompany(a.ids('company', 'acme'));
      expect(rows.map((r) => r.last_name)).toEqual(['Cooper', 'Lee']);
    });

    it('refuses a second contact whose email differs only in case within one tenant', async () => {
      await expect(
        crmWriter(store.db, a.id).contacts([
          {
            id: 'alpha-contact-dup',
            company_id: null,
            first_name: 'J',
            last_name: 'C',
            email: 'jane@EXAMPLE.com',
            phone: null,
            title: null,
            created_at: NOW,
          },
        ]),
      ).rejects.toThrow();
      expect(await repoA.getContact('alpha-contact-dup')).toBeUndefined();
    });

    it('allows the same email in another tenant', async () => {
      const gamma = await seedLookAlikeTenant(store, 'gamma');
      const rows = await crmRepository(store.db, gamma.id).searchContacts({
        email: 'jane@example.com',
        limit: 10,
      });
      expect(rows.map((r) => r.id)).toEqual([gamma.ids('contact', 'jane')]);
    });
  });

  describe('bids', () => {
    it('listBids orders by the start of the current status, oldest first', async () => {
      const rows = await repoA.listBids({ limit: 100 });
      expect(rows.map((r) => r.number)).toEqual([120, 123, 124, 119]);
      expect(rows[1]).toMatchObject({
        id: a.ids('bid', 123),
        title: 'Bid 123',
        amount_cents: 123_000_000,
        status: 'negotiation',
        status_since: at(21),
        project_id: a.ids('project', 'wh'),
        project_name: 'Acme Warehouse',
        company_name: 'Acme Construction',
        contact_first_name: 'Jane',
        contact_last_name: 'Cooper',
        contact_email: 'Jane@Example.com',
      });
    });

    it('listBids filters by status and time in status', async () => {
      const rows = await repoA.listBids({ status: 'negotiation', statusSinceAtOrBefore: at(14), limit: 100 });
      expect(rows.map((r) => r.number)).toEqual([123, 124]);
      expect(
        (await repoA.listBids({ status: 'negotiation', statusSinceAtOrBefore: at(21), limit: 100 })).map(
          (r) => r.number,
        ),
      ).toEqual([123]);
    });

    it('listBids filters by project and by company', async () => {
      expect(
        (await repoA.listBids({ projectId: a.ids('project', 'mob'), limit: 100 })).map((r) => r.number),
      ).toEqual([120, 124]);
      expect(
        (await repoA.listBids({ companyId: a.ids('company', 'acme'), limit: 100 })).map((r) => r.number),
      ).toEqual([123, 124]);
    });

    it('getBidById and getBidByNumber return the same bid, undefined when unknown', async () => {
      const byId = await repoA.getBidById(a.ids('bid', 119));
      expect(byId).toEqual(await repoA.getBidByNumber(119));
      expect(byId).toMatchObject({
        number: 119,
        company_name: 'École Bâtiment',
        contact_id: null,
        contact_email: null,
      });
      expect(await repoA.getBidById('missing')).toBeUndefined();
      expect(await repoA.getBidByNumber(999)).toBeUndefined();
    });

    it('bidHistory lists status changes oldest first, with no reason for seeded changes', async () => {
      expect(await repoA.bidHistory(a.ids('bid', 123))).toEqual([
        { from_status: null, to_status: 'draft', changed_at: at(40), reason: null },
        { from_status: 'draft', to_status: 'submitted', changed_at: at(30), reason: null },
        { from_status: 'submitted', to_status: 'negotiation', changed_at: at(21), reason: null },
      ]);
      expect(await repoA.bidHistory(a.ids('bid', 124))).toEqual([]);
    });

    it('bidNotes lists notes oldest first', async () => {
      const notes = await repoA.bidNotes(a.ids('bid', 123));
      expect(notes.map((n) => n.body)).toEqual(['first note of alpha', 'second note of alpha']);
      expect(notes[0]).toMatchObject({ id: a.ids('note', '123-0'), author_name: null, created_at: at(15) });
    });

    it('bidsOfProject lists a project’s bids by number', async () => {
      expect((await repoA.bidsOfProject(a.ids('project', 'mob'))).map((r) => r.number)).toEqual([120, 124]);
    });
  });

  describe('tenant isolation', () => {
    it('no list or search of tenant A returns a row of tenant B', async () => {
      const visible = JSON.stringify(await everythingVisibleTo(repoA, b));
      expect(visible).toContain('alpha-');
      expect(visible).not.toContain('bravo-');
      const visibleToB = JSON.stringify(await everythingVisibleTo(repoB, a));
      expect(visibleToB).toContain('bravo-');
      expect(visibleToB).not.toContain('alpha-');
    });

    it('getters of tenant A return undefined for the ids of tenant B’s rows', async () => {
      expect(await repoA.getProject(b.ids('project', 'mob'))).toBeUndefined();
      expect(await repoA.getCompany(b.ids('company', 'acme'))).toBeUndefined();
      expect(await repoA.getContact(b.ids('contact', 'jane'))).toBeUndefined();
      expect(await repoA.getBidById(b.ids('bid', 123))).toBeUndefined();
      // The same ids resolve for their own tenant, so the undefined above is isolation, not a typo.
      expect(await repoB.getProject(b.ids('project', 'mob'))).toBeDefined();
      expect(await repoB.getCompany(b.ids('company', 'acme'))).toBeDefined();
      expect(await repoB.getContact(b.ids('contact', 'jane'))).toBeDefined();
      expect(await repoB.getBidById(b.ids('bid', 123))).toBeDefined();
    });

    it('child lookups of tenant A return nothing for tenant B’s parents', async () => {
      expect(await repoA.contactsOfCompany(b.ids('company', 'acme'))).toEqual([]);
      expect(await repoA.projectsOfCompany(b.ids('company', 'acme'))).toEqual([]);
      expect(await repoA.bidsOfProject(b.ids('project', 'mob'))).toEqual([]);
      expect(await repoA.bidHistory(b.ids('bid', 123))).toEqual([]);
      expect(await repoA.bidNotes(b.ids('bid', 123))).toEqual([]);
      expect(await repoA.listBids({ projectId: b.ids('project', 'mob'), limit: 100 })).toEqual([]);
      expect(await repoA.listBids({ companyId: b.ids('company', 'acme'), limit: 100 })).toEqual([]);
      expect(await repoB.bidNotes(b.ids('bid', 123))).toHaveLength(2);
    });

    it('look-alike keys (bid number, company name, email) resolve to the caller’s own tenant', async () => {
      expect((await repoA.getBidByNumber(123))?.id).toBe(a.ids('bid', 123));
      expect((await repoB.getBidByNumber(123))?.id).toBe(b.ids('bid', 123));
      expect((await repoA.findCompanyByName('Acme Construction'))?.id).toBe(a.ids('company', 'acme'));
      expect((await repoB.findCompanyByName('Acme Construction'))?.id).toBe(b.ids('company', 'acme'));
      const [jane] = await repoB.searchContacts({ email: 'jane@example.com', limit: 5 });
      expect(jane?.id).toBe(b.ids('contact', 'jane'));
    });

    it('a repository for an unknown tenant sees nothing at all', async () => {
      const nobody = crmRepository(store.db, 'no-such-tenant');
      expect(await everythingVisibleTo(nobody, a)).toEqual([
        [],
        [],
        [],
        [],
        [],
        [],
        [],
        undefined,
        undefined,
        [],
        [],
      ]);
    });
  });

  it('prepared no statement on a CRM table without a tenant predicate', () => {
    expect(guard.violations).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsRepository } from '../../src/store/accounts-repository.js';
import {
  type BidFilter,
  type CompanyFilter,
  type ContactFilter,
  type CrmRepository,
  type ProjectFilter,
  crmRepository,
} from '../../src/store/crm-repository.js';
import { crmWriter } from '../../src/store/crm-writer.js';
import type { Store } from '../../src/store/open-store.js';
import { availableDialects, createTestStore } from '../support/stores.js';
import { tenantGuard } from '../support/tenant-guard.js';
import { NOW, type SeededTenant, at } from './look-alike-tenants.js';

/** Walking every list page by page with the keyset cursor yields each row exactly once, in order. */
const dialects = await availableDialects();

describe.each(dialects)('keyset pagination on %s', (dialect) => {
  // SQLite: every statement on a CRM table must name its tenant (issue 9; PostgreSQL has RLS).
  const guard = tenantGuard();
  let store: Store & { url: string };
  beforeAll(async () => {
    store = await createTestStore(dialect, guard.options);
  });
  afterAll(() => store.close());

  let paged: SeededTenant;
  let repo: CrmRepository;
  beforeAll(async () => {
    paged = { id: 'paged-tenant', slug: 'paged', ids: (kind, key) => `paged-${kind}-${key}` };
    await accountsRepository(store.db).insertTenant({
      id: paged.id,
      slug: paged.slug,
      name: 'Paged',
      created_at: NOW,
    });
    repo = crmRepository(store.db, paged.id);
    const write = crmWriter(store.db, paged.id);
    // Repeated names, last names and timestamps force the id / number tie-breakers to work.
    await write.companies(
      Array.from({ length: 23 }, (_, i) => ({
        id: paged.ids('company', String(i).padStart(3, '0')),
        name: `Company ${String.fromCharCode(65 + (i % 7))}${i}`,
        kind: 'client' as const,
        city: null,
        phone: null,
        website: null,
        created_at: NOW,
      })),
    );
    // Project names are unique per tenant (migration 0012): shared prefixes, no ties.
    await write.projects(
      Array.from({ length: 37 }, (_, i) => ({
        id: paged.ids('project', `${(i * 7919) % 37}`.padStart(3, '0')),
        name: `Project ${i % 5}.${i}`,
        status: 'active' as const,
        client_company_id: null,
        location: null,
        value_cents: i,
        start_date: null,
        end_date: null,
        description: null,
        created_at: NOW,
        updated_at: NOW,
      })),
    );
    await write.contacts(
      Array.from({ length: 29 }, (_, i) => ({
        id: paged.ids('contact', `${(i * 31) % 29}`.padStart(3, '0')),
        company_id: null,
        first_name: `First${i}`,
        last_name: ['Smith', 'Jones', 'Lee'][i % 3]!,
        email: `person${i}@example.com`,
        phone: null,
        title: null,
        created_at: NOW,
      })),
    );
    await write.bids(
      Array.from({ length: 41 }, (_, i) => ({
        id: paged.ids('bid', i),
        number: 1000 + ((i * 17) % 41),
        title: `Bid ${i}`,
        project_id: paged.ids('project', '000'),
        company_id: null,
        contact_id: null,
        amount_cents: i,
        status: 'submitted' as const,
        status_since: at(i % 4),
        due_date: null,
        created_at: NOW,
        updated_at: NOW,
      })),
    );
  });

  async function pageThrough<R, K>(
    fetchPage: (after: K | undefined) => Promise<R[]>,
    keyOf: (row: R) => K,
    pageSize: number,
  ): Promise<R[]> {
    const all: R[] = [];
    let after: K | undefined;
    for (let guard = 0; guard < 100; guard += 1) {
      const rows = await fetchPage(after);
      expect(rows.length).toBeLessThanOrEqual(pageSize);
      all.push(...rows);
      if (rows.length < pageSize) return all;
      after = keyOf(rows[rows.length - 1]!);
    }
    throw new Error('pagination did not terminate');
  }

  it.each([1, 4, 7, 37])('projects in pages of %i have no gaps or duplicates', async (size) => {
    const whole = await repo.listProjects({ limit: 1000 });
    expect(whole).toHaveLength(37);
    const pages = await pageThrough(
      (after: ProjectFilter['after']) => repo.listProjects({ after, limit: size }),
      (r) => ({ name: r.name, id: r.id }),
      size,
    );
    expect(pages.map((r) => r.id)).toEqual(whole.map((r) => r.id));
    expect(new Set(pages.map((r) => r.id)).size).toBe(37);
  });

  it('projects page correctly under a status filter and a query', async () => {
    const whole = await repo.listProjects({ status: 'active', query: 'project 3', limit: 1000 });
    expect(whole.length).toBeGreaterThan(1);
    const pages = await pageThrough(
      (after: ProjectFilter['after']) =>
        repo.listProjects({ status: 'active', query: 'project 3', after, limit: 2 }),
      (r) => ({ name: r.name, id: r.id }),
      2,
    );
    expect(pages.map((r) => r.id)).toEqual(whole.map((r) => r.id));
  });

  it('companies in pages of 5 have no gaps or duplicates', async () => {
    const whole = await repo.listCompanies({ limit: 1000 });
    expect(whole).toHaveLength(23);
    const pages = await pageThrough(
      (after: CompanyFilter['after']) => repo.listCompanies({ after, limit: 5 }),
      (r) => ({ name: r.name, id: r.id }),
      5,
    );
    expect(pages.map((r) => r.id)).toEqual(whole.map((r) => r.id));
  });

  it('contacts in pages of 4 have no gaps or duplicates', async () => {
    const whole = await repo.searchContacts({ name: 'example.com', limit: 1000 });
    expect(whole).toHaveLength(29);
    const pages = await pageThrough(
      (after: ContactFilter['after']) => repo.searchContacts({ name: 'example.com', after, limit: 4 }),
      (r) => ({ lastName: r.last_name, id: r.id }),
      4,
    );
    expect(pages.map((r) => r.id)).toEqual(whole.map((r) => r.id));
  });

  it('bids in pages of 6 have no gaps or duplicates', async () => {
    const whole = await repo.listBids({ limit: 1000 });
    expect(whole).toHaveLength(41);
    const pages = await pageThrough(
      (after: BidFilter['after']) => repo.listBids({ after, limit: 6 }),
      (r) => ({ statusSince: r.status_since, number: r.number }),
      6,
    );
    expect(pages.map((r) => r.number)).toEqual(whole.map((r) => r.number));
    expect(new Set(pages.map((r) => r.number)).size).toBe(41);
  });

  it('prepared no statement on a CRM table without a tenant predicate', () => {
    expect(guard.violations).toEqual([]);
  });
});

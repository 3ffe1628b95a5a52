import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsRepository } from '../../src/store/accounts-repository.js';
import { crmRepository } from '../../src/store/crm-repository.js';
import { crmWriter } from '../../src/store/crm-writer.js';
import type { Store } from '../../src/store/open-store.js';
import { availableDialects, createTestStore } from '../support/stores.js';
import { tenantGuard } from '../support/tenant-guard.js';
import { NOW } from './look-alike-tenants.js';

/**
 * Model-based tenant isolation (security-targets §4): random sequences of writes into three
 * tenants with colliding names, emails and bid numbers, and attempts to point at other
 * tenants' rows, interleaved with every read of the repository. Invariants: a read never returns
 * another tenant's row or another tenant's joined name/email, a unique key collides only inside one
 * tenant, and the database refuses every reference into another tenant. 200 sequences per
 * dialect; a failure prints its seed.
 */
const dialects = await availableDialects();
const TENANTS = ['t-one', 't-two', 't-three'] as const;
type Tenant = (typeof TENANTS)[number];
type Kind = 'company' | 'contact' | 'project' | 'bid';

const NAMES = ['Acme Construction', 'ACME construction', 'Granite & Steel', '100% Steel_Works'];
const EMAILS = ['jane@example.com', 'JANE@example.com', 'sam@example.com'];
const NUMBERS = [123, 124, 125];

const tenantArb = fc.constantFrom(...TENANTS);
const write = fc.oneof(
  fc.record({ op: fc.constant('company' as const), tenant: tenantArb, name: fc.constantFrom(...NAMES) }),
  fc.record({
    op: fc.constant('contact' as const),
    tenant: tenantArb,
    email: fc.constantFrom(...EMAILS),
    company: fc.nat(),
  }),
  fc.record({
    op: fc.constant('project' as const),
    tenant: tenantArb,
    name: fc.constantFrom(...NAMES),
    client: fc.nat(),
  }),
  fc.record({
    op: fc.constant('bid' as const),
    tenant: tenantArb,
    number: fc.constantFrom(...NUMBERS),
    project: fc.nat(),
    company: fc.nat(),
    contact: fc.nat(),
  }),
);
const read = fc.record({ op: fc.constant('read' as const), tenant: tenantArb, pick: fc.nat() });
const sequence = fc.array(fc.oneof({ weight: 3, arbitrary: write }, { weight: 2, arbitrary: read }), {
  minLength: 1,
  maxLength: 12,
});

describe.each(dialects)('tenant isolation as a model-based property on %s', (dialect) => {
  // SQLite: every statement on a CRM table must name its tenant (issue 9; PostgreSQL has RLS).
  const guard = tenantGuard();
  let store: Store & { url: string };
  /** The model: which tenant owns every row id, and the unique keys taken per tenant. */
  const owner = new Map<string, { tenant: Tenant; kind: Kind }>();
  const taken = new Set<string>();
  let serial = 0;

  beforeAll(async () => {
    store = await createTestStore(dialect, guard.options);
    for (const tenant of TENANTS)
      await accountsRepository(store.db).insertTenant({
        id: tenant,
        slug: tenant,
        name: tenant,
        created_at: NOW,
      });
  });
  afterAll(() => store.close());

  const idsOf = (kind: Kind) => [...owner].filter(([, row]) => row.kind === kind).map(([id]) => id);
  const pickId = (kind: Kind, n: number) => {
    const ids = idsOf(kind);
    return ids.length === 0 ? null : ids[n % ids.length]!;
  };
  const newId = (tenant: Tenant, kind: Kind) => `${tenant}:${kind}:${(serial += 1)}`;

  /** SQLite's and PostgreSQL's own codes for the two refusals (test-only per-driver knowledge). */
  function refusalOf(error: unknown): 'unique' | 'foreign key' | undefined {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505') return 'unique';
    if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503') return 'foreign key';
    return undefined;
  }

  /**
   * Inserts one row. The database must refuse it exactly when the model says so: a unique key
   * already taken in that tenant, or else a reference to another tenant's row (migration 0012).
   */
  async function insert(
    key: string,
    tenant: Tenant,
    kind: Kind,
    id: string,
    references: (string | null)[],
    work: () => Promise<void>,
  ) {
    const crosses = references.some((ref) => ref !== null && owner.get(ref)?.tenant !== tenant);
    const expected = taken.has(`${tenant}|${key}`) ? 'unique' : crosses ? 'foreign key' : undefined;
    let refused: 'unique' | 'foreign key' | undefined;
    try {
      await work();
    } catch (error) {
      // Only the two refusals count; any other failure is a failure of the test.
      refused = refusalOf(error);
      if (refused === undefined) throw error;
    }
    expect(refused, `${kind} ${key} in ${tenant}`).toBe(expected);
    if (refused === undefined) {
      taken.add(`${tenant}|${key}`);
      owner.set(id, { tenant, kind });
    }
  }

  /** Every id and every joined reference in a row must be the reader's own. */
  function assertOwn(reader: Tenant, row: Record<string, unknown> | undefined) {
    if (row === undefined) return;
    expect(owner.get(String(row.id))?.tenant, `row ${String(row.id)} read by ${reader}`).toBe(reader);
    const joins: [string, string][] = [
      ['company_id', 'company_name'],
      ['client_company_id', 'client_company_name'],
      ['contact_id', 'contact_email'],
      ['project_id', 'project_name'],
    ];
    for (const [ref, joined] of joins) {
      if (!(joined in row) || row[joined] === null) continue;
      expect(owner.get(String(row[ref]))?.tenant, `${joined} of ${String(row.id)} read by ${reader}`).toBe(
        reader,
      );
    }
  }

  async function readEverything(reader: Tenant, pick: number) {
    const repo = crmRepository(store.db, reader);
    const lists: Record<string, unknown>[][] = [
      await repo.listProjects({ limit: 500 }),
      await repo.listProjects({ query: 'acme', limit: 500 }),
      await repo.listCompanies({ limit: 500 }),
      await repo.listCompanies({ query: 'steel_', limit: 500 }),
      await repo.searchContacts({ email: 'jane@example.com', limit: 500 }),
      await repo.searchContacts({ name: 'example', limit: 500 }),
      await repo.searchContacts({ company: 'acme', limit: 500 }),
      await repo.listBids({ limit: 500 }),
    ];
    for (const number of NUMBERS) {
      const row = await repo.getBidByNumber(number);
      if (row !== undefined) lists.push([row]);
    }
    const company = pickId('company', pick);
    const project = pickId('project', pick);
    const contact = pickId('contact', pick);
    const bid = pickId('bid', pick);
    if (company !== null) {
      lists.push(await repo.contactsOfCompany(company));
      lists.push(await repo.projectsOfCompany(company));
      lists.push(await repo.listBids({ companyId: company, limit: 500 }));
      const row = await repo.getCompany(company);
      if (owner.get(company)?.tenant !== reader) expect(row).toBeUndefined();
      else expect(row?.id).toBe(company);
      const byName = await repo.findCompanyByName(row?.name ?? 'Acme Construction');
      if (byName !== undefined) assertOwn(reader, byName);
    }
    if (project !== null) {
      lists.push(await repo.bidsOfProject(project));
      lists.push(await repo.listBids({ projectId: project, limit: 500 }));
      const row = await repo.getProject(project);
      if (owner.get(project)?.tenant !== reader) expect(row).toBeUndefined();
      else expect(row?.id).toBe(project);
    }
    if (contact !== null) {
      const row = await repo.getContact(contact);
      if (owner.get(contact)?.tenant !== reader) expect(row).toBeUndefined();
      else expect(row?.id).toBe(contact);
    }
    if (bid !== null) {
      const row = await repo.getBidById(bid);
      if (owner.get(bid)?.tenant !== reader) expect(row).toBeUndefined();
      if (row !== undefined) assertOwn(reader, row);
      if (owner.get(bid)?.tenant !== reader) {
        expect(await repo.bidHistory(bid)).toEqual([]);
        expect(await repo.bidNotes(bid)).toEqual([]);
      }
    }
    for (const list of lists) for (const row of list) assertOwn(reader, row);
  }

  it('no read of one tenant ever returns another tenant’s row, over 200 random sequences', async () => {
    await fc.assert(
      fc.asyncProperty(sequence, async (commands) => {
        for (const command of commands) {
          const w = crmWriter(store.db, command.tenant);
          switch (command.op) {
            case 'company': {
              const id = newId(command.tenant, 'company');
              await insert(`company|${command.name.toLowerCase()}`, command.tenant, 'company', id, [], () =>
                w.companies([
                  {
                    id,
                    name: command.name,
                    kind: 'client',
                    city: null,
                    phone: null,
                    website: null,
                    created_at: NOW,
                  },
                ]),
              );
              break;
            }
            case 'contact': {
              const id = newId(command.tenant, 'contact');
              const company = pickId('company', command.company);
              await insert(
                `contact|${command.email.toLowerCase()}`,
                command.tenant,
                'contact',
                id,
                [company],
                () =>
                  w.contacts([
                    {
                      id,
                      company_id: company,
                      first_name: 'Pat',
                      last_name: command.tenant,
                      email: command.email,
                      phone: null,
                      title: null,
                      created_at: NOW,
                    },
                  ]),
              );
              break;
            }
            case 'project': {
              const id = newId(command.tenant, 'project');
              const client = pickId('company', command.client);
              // Project names are unique per tenant, case-insensitive (migration 0012).
              await insert(
                `project|${command.name.toLowerCase()}`,
                command.tenant,
                'project',
                id,
                [client],
                () =>
                  w.projects([
                    {
                      id,
                      name: command.name,
                      status: 'active',
                      client_company_id: client,
                      location: null,
                      value_cents: 1,
                      start_date: null,
                      end_date: null,
                      description: null,
                      created_at: NOW,
                      updated_at: NOW,
                    },
                  ]),
              );
              break;
            }
            case 'bid': {
              const project = pickId('project', command.project);
              if (project === null) break;
              const id = newId(command.tenant, 'bid');
              const company = pickId('company', command.company);
              const contact = pickId('contact', command.contact);
              await insert(
                `bid|${command.number}`,
                command.tenant,
                'bid',
                id,
                [project, company, contact],
                async () => {
                  await w.bids([
                    {
                      id,
                      number: command.number,
                      title: 'Bid',
                      project_id: project,
                      company_id: company,
                      contact_id: contact,
                      amount_cents: 100,
                      status: 'negotiation',
                      status_since: NOW,
                      due_date: null,
                      created_at: NOW,
                      updated_at: NOW,
                    },
                  ]);
                  await w.bidNotes([
                    {
                      id: `${id}:note`,
                      bid_id: id,
                      author_user_id: null,
                      body: command.tenant,
                      created_at: NOW,
                    },
                  ]);
                },
              );
              break;
            }
            case 'read':
              await readEverything(command.tenant, command.pick);
              break;
          }
        }
      }),
      { numRuns: 200 },
    );
  }, 240_000);

  it('prepared no statement on a CRM table without a tenant predicate', () => {
    expect(guard.violations).toEqual([]);
  });
});

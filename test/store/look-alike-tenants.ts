import { accountsRepository } from '../../src/store/accounts-repository.js';
import { crmWriter } from '../../src/store/crm-writer.js';
import type { Store } from '../../src/store/open-store.js';
import type { BidStatus, ProjectStatus } from '../../src/store/schema.js';

/** The instant every seeded timestamp is relative to. */
export const NOW = '2026-11-21T12:00:00.000Z';
export const at = (daysAgo: number) => new Date(Date.parse(NOW) - daysAgo * 86_400_000).toISOString();

/** Ids are `<tenant>-<kind>-<key>`, so a leaked row is recognisable by its prefix. */
export interface SeededTenant {
  id: string;
  slug: string;
  ids: (kind: string, key: string | number) => string;
}

/**
 * A tenant whose rows look exactly like every other tenant's seeded the same way: same company
 * names, same contact emails, same project names, same bid numbers. Only ids and a marker differ.
 */
export async function seedLookAlikeTenant(store: Store, slug: string): Promise<SeededTenant> {
  const id = `${slug}-tenant`;
  const ids = (kind: string, key: string | number) => `${slug}-${kind}-${key}`;
  await accountsRepository(store.db).insertTenant({ id, slug, name: `Tenant ${slug}`, created_at: at(400) });
  const write = crmWriter(store.db, id);
  await write.companies([
    {
      id: ids('company', 'acme'),
      name: 'Acme Construction',
      kind: 'general_contractor',
      city: 'Denver',
      phone: null,
      website: null,
      created_at: at(300),
    },
    {
      id: ids('company', 'pct'),
      name: '100% Steel_Works \\ Co',
      kind: 'supplier',
      city: null,
      phone: null,
      website: null,
      created_at: at(300),
    },
    {
      id: ids('company', 'plain'),
      name: '1000 Steel Works Co',
      kind: 'supplier',
      city: null,
      phone: null,
      website: null,
      created_at: at(300),
    },
    {
      id: ids('company', 'ecole'),
      name: 'École Bâtiment',
      kind: 'client',
      city: 'Montréal',
      phone: null,
      website: null,
      created_at: at(300),
    },
  ]);
  await write.contacts([
    {
      id: ids('contact', 'jane'),
      company_id: ids('company', 'acme'),
      first_name: 'Jane',
      last_name: 'Cooper',
      email: 'Jane@Example.com',
      phone: null,
      title: 'Estimator',
      created_at: at(300),
    },
    {
      id: ids('contact', 'marcus'),
      company_id: ids('company', 'acme'),
      first_name: 'Marcus',
      last_name: 'Lee',
      email: 'marcus@acme.example',
      phone: '+1 303',
      title: null,
      created_at: at(300),
    },
    {
      id: ids('contact', 'pat'),
      company_id: ids('company', 'pct'),
      first_name: 'Pat',
      last_name: 'Cooper',
      email: 'pat@steel.example',
      phone: null,
      title: 'Owner_Rep 50%',
      created_at: at(300),
    },
    {
      id: ids('contact', 'solo'),
      company_id: null,
      first_name: 'Solo',
      last_name: 'Freelancer',
      email: 'solo@example.com',
      phone: null,
      title: null,
      created_at: at(300),
    },
  ]);
  const project = (
    key: string,
    name: string,
    status: ProjectStatus,
    value: number | null,
    client: string | null,
  ) => ({
    id: ids('project', key),
    name,
    status,
    client_company_id: client === null ? null : ids('company', client),
    location: 'Boulder, CO',
    value_cents: value,
    start_date: '2026-01-01',
    end_date: '2026-12-31',
    description: `Project ${key} for ${slug}`,
    created_at: at(200),
    updated_at: at(1),
  });
  await write.projects([
    project('mob', 'Riverside Medical Office', 'active', 1_840_000_000, 'acme'),
    project('gym', 'Longmont Gym Renovation', 'active', 625_000_000, 'ecole'),
    project('wh', 'Acme Warehouse', 'bidding', 980_000_000, 'acme'),
    project('big', 'Big Dam', 'on_hold', 9_000_000_000_000, null),
    project('done', '100% Done_Site', 'completed', null, 'pct'),
  ]);
  const bid = (
    number: number,
    projectKey: string,
    status: BidStatus,
    sinceDaysAgo: number,
    company: string | null,
    contact: string | null,
  ) => ({
    id: ids('bid', number),
    number,
    title: `Bid ${number}`,
    project_id: ids('project', projectKey),
    company_id: company === null ? null : ids('company', company),
    contact_id: contact === null ? null : ids('contact', contact),
    amount_cents: number * 1_000_000,
    status,
    status_since: at(sinceDaysAgo),
    due_date: null,
    created_at: at(sinceDaysAgo + 10),
    updated_at: at(sinceDaysAgo),
  });
  await write.bids([
    bid(123, 'wh', 'negotiation', 21, 'acme', 'jane'),
    bid(124, 'mob', 'negotiation', 17, 'acme', 'marcus'),
    bid(119, 'gym', 'negotiation', 9, 'ecole', null),
    bid(120, 'mob', 'won', 200, null, null),
  ]);
  await write.bidStatusChanges([
    {
      id: ids('change', '123-0'),
      bid_id: ids('bid', 123),
      from_status: null,
      to_status: 'draft',
      changed_at: at(40),
    },
    {
      id: ids('change', '123-1'),
      bid_id: ids('bid', 123),
      from_status: 'draft',
      to_status: 'submitted',
      changed_at: at(30),
    },
    {
      id: ids('change', '123-2'),
      bid_id: ids('bid', 123),
      from_status: 'submitted',
      to_status: 'negotiation',
      changed_at: at(21),
    },
  ]);
  await write.bidNotes([
    {
      id: ids('note', '123-1'),
      bid_id: ids('bid', 123),
      author_user_id: null,
      body: `second note of ${slug}`,
      created_at: at(10),
    },
    {
      id: ids('note', '123-0'),
      bid_id: ids('bid', 123),
      author_user_id: null,
      body: `first note of ${slug}`,
      created_at: at(15),
    },
  ]);
  return { id, slug, ids };
}

import type { Kysely } from 'kysely';
import { seededRandom, pick, stableId } from '../src/domain/demo/seeded.js';
import { daysBefore } from '../src/lib/clock.js';
import { accountsRepository } from '../src/store/accounts-repository.js';
import { crmWriter } from '../src/store/crm-writer.js';
import { BID_STATUSES, PROJECT_STATUSES, type Database } from '../src/store/schema.js';

/** The benchmark tenant: 10,000 projects and 50,000 bids, the same rows on every machine. */
export const BENCH_TENANT = 'bench-scale';
export const PROJECTS = 10_000;
export const BIDS = 50_000;
const COMPANIES = 500;
const CONTACTS = 2_000;

const WORDS = [
  'North',
  'Harbor',
  'Cedar',
  'Summit',
  'Granite',
  'Lakeside',
  'Union',
  'Pioneer',
  'Ridge',
  'Mill',
];
const KINDS = [
  'Medical Office',
  'Warehouse',
  'School Wing',
  'Parking Deck',
  'Retail Center',
  'Library',
  'Clinic',
];
const CITIES = ['Denver, CO', 'Boise, ID', 'Tacoma, WA', 'Austin, TX', 'Reno, NV', 'Omaha, NE'];
const FIRST = ['Jane', 'Luis', 'Maya', 'Omar', 'Priya', 'Tom', 'Wei', 'Ava', 'Noah', 'Zoe'];
const LAST = [
  'Nguyen',
  'Garcia',
  'Smith',
  'Okafor',
  'Kowalski',
  'Haddad',
  'Larsen',
  'Moreno',
  'Ito',
  'Baker',
];

/**
 * Writes the benchmark tenant through `crmWriter` in one transaction, unless it exists. Every
 * value derives from a seeded PRNG and `now`, so two runs on the same day see the same data.
 */
export async function generateBenchTenant(db: Kysely<Database>, now: Date): Promise<boolean> {
  if ((await accountsRepository(db).findTenantBySlug(BENCH_TENANT)) !== undefined) return false;
  const random = seededRandom(20261121);
  const iso = (daysAgo: number) => daysBefore(now, daysAgo).toISOString();
  const id = (kind: string, key: number) => stableId(BENCH_TENANT, kind, String(key));
  const tenantId = stableId('tenant', BENCH_TENANT);
  const created = iso(900);

  await db.transaction().execute(async (trx) => {
    await accountsRepository(trx).insertTenant({
      id: tenantId,
      slug: BENCH_TENANT,
      name: 'Bench Scale Builders',
      created_at: created,
    });
    const write = crmWriter(trx, tenantId);
    await write.companies(
      Array.from({ length: COMPANIES }, (_, i) => ({
        id: id('company', i),
        name: `${pick(random, WORDS)} ${pick(random, ['Builders', 'Electric', 'Concrete', 'Steel', 'Design'])} ${i}`,
        kind: pick(random, [
          'client',
          'general_contractor',
          'subcontractor',
          'supplier',
          'architect',
        ] as const),
        city: pick(random, CITIES),
        phone: null,
        website: null,
        created_at: created,
      })),
    );
    await write.contacts(
      Array.from({ length: CONTACTS }, (_, i) => ({
        id: id('contact', i),
        company_id: id('company', i % COMPANIES),
        first_name: pick(random, FIRST),
        last_name: pick(random, LAST),
        email: `contact${i}@bench.example`,
        phone: null,
        title: 'Estimator',
        created_at: created,
      })),
    );
    await write.projects(
      Array.from({ length: PROJECTS }, (_, i) => {
        const start = Math.floor(random() * 700) - 200;
        return {
          id: id('project', i),
          name: `${pick(random, WORDS)} ${pick(random, KINDS)} ${String(i).padStart(5, '0')}`,
          status: pick(random, PROJECT_STATUSES),
          client_company_id: id('company', Math.floor(random() * COMPANIES)),
          location: pick(random, CITIES),
          value_cents: Math.floor(random() * 50_000_000) * 100,
          start_date: iso(start).slice(0, 10),
          end_date: iso(start - 365).slice(0, 10),
          description: `Benchmark project ${i}: ${pick(random, KINDS).toLowerCase()} with site work and MEP.`,
          created_at: iso(Math.max(start, 0) + 30),
          updated_at: iso(1),
        };
      }),
    );
    await write.bids(
      Array.from({ length: BIDS }, (_, i) => {
        const since = Math.floor(random() * 120);
        return {
          id: id('bid', i + 1),
          number: i + 1,
          title: `Bid ${i + 1} for ${pick(random, KINDS).toLowerCase()} package`,
          project_id: id('project', Math.floor(random() * PROJECTS)),
          company_id: id('company', Math.floor(random() * COMPANIES)),
          contact_id: random() < 0.8 ? id('contact', Math.floor(random() * CONTACTS)) : null,
          amount_cents: Math.floor(random() * 5_000_000) * 100,
          status: pick(random, BID_STATUSES),
          status_since: iso(since),
          due_date: null,
          created_at: iso(since + 30),
          updated_at: iso(since),
        };
      }),
    );
  });
  return true;
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/open-store.js';
import { availableDialects, createTestStore } from '../support/stores.js';
import { cli, json } from './cli-harness.js';

const dialects = await availableDialects();
const EXAMPLES = ['companies', 'contacts', 'projects', 'bids'] as const;

describe.each(dialects)('import of the docs/examples files on %s', (dialect) => {
  let store: Store & { url: string };
  let tenantId: string;
  beforeAll(async () => {
    store = await createTestStore(dialect);
    const created = await cli(store.url, [
      'tenant',
      'create',
      '--slug',
      'example-builders',
      '--name',
      'Example',
      '--json',
    ]);
    tenantId = json(created).tenant.id;
  });
  afterAll(async () => {
    await store.close();
  });

  it.each(EXAMPLES)('imports docs/examples/%s.csv cleanly', async (entity) => {
    const run = await cli(store.url, [
      'import',
      entity,
      `docs/examples/${entity}.csv`,
      '--tenant',
      'example-builders',
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = json(run);
    expect(report).toMatchObject({ ok: true, entity, tenant: 'example-builders', errors: [] });
    expect(report.imported).toBe(report.rows);
    expect(report.rows).toBeGreaterThan(0);
  });

  it('stores the example rows with derived keys, cents and resolved references', async () => {
    const companies = await store.db
      .selectFrom('companies')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .execute();
    expect(companies.map((c) => c.name_key)).toContain('aspen & pine architects, llc');
    const keystone = companies.find((c) => c.name === 'Keystone Electric')!;
    expect(keystone).toMatchObject({ kind: 'subcontractor', phone: '(303) 555-0172', website: null });

    const priya = await store.db
      .selectFrom('contacts')
      .selectAll()
      .where('email_key', '=', 'priya@keystone-electric.example')
      .executeTakeFirstOrThrow();
    expect(priya.company_id).toBe(keystone.id);

    const projects = await store.db
      .selectFrom('projects')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('name')
      .execute();
    expect(projects.map((p) => [p.name, p.status, p.value_cents])).toEqual([
      ['Cherry Creek Retail Refresh', 'active', 125_000_050],
      ['Golden Trailhead Pavilion', 'on_hold', null],
      ['Ridgeline Medical Office Building', 'bidding', 485_000_000],
    ]);
    expect(projects[2]!.description).toContain('\nBids due before');

    const bids = await store.db
      .selectFrom('bids')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('number')
      .execute();
    expect(bids.map((b) => [b.number, b.status, b.amount_cents, b.status_since])).toEqual([
      [501, 'submitted', 61_240_000, '2026-10-02T00:00:00.000Z'],
      [502, 'negotiation', 197_500_000, '2026-10-20T16:30:00.000Z'],
      [503, 'won', 4_850_000, '2026-08-28T00:00:00.000Z'],
    ]);
    // #503 names no company: it takes its contact's company.
    expect(bids[2]!.company_id).toBe(keystone.id);
  });

  it('gives every imported bid one status-change history row', async () => {
    const history = await store.db
      .selectFrom('bid_status_changes as h')
      .innerJoin('bids as b', 'b.id', 'h.bid_id')
      .where('h.tenant_id', '=', tenantId)
      .select(['b.number', 'h.from_status', 'h.to_status', 'h.changed_at'])
      .orderBy('b.number')
      .execute();
    expect(history).toEqual([
      { number: 501, from_status: null, to_status: 'submitted', changed_at: '2026-10-02T00:00:00.000Z' },
      { number: 502, from_status: null, to_status: 'negotiation', changed_at: '2026-10-20T16:30:00.000Z' },
      { number: 503, from_status: null, to_status: 'won', changed_at: '2026-08-28T00:00:00.000Z' },
    ]);
  });

  it('refuses to import the same files again: every row already exists, nothing is added', async () => {
    for (const entity of EXAMPLES) {
      const run = await cli(store.url, [
        'import',
        entity,
        `docs/examples/${entity}.csv`,
        '--tenant',
        'example-builders',
        '--json',
      ]);
      expect(run.code).toBe(1);
      const report = json<{ rows: number; errors: { message: string }[] }>(run);
      expect(report).toMatchObject({ ok: false, imported: 0 });
      expect(report.errors).toHaveLength(report.rows);
      expect(report.errors[0]!.message).toMatch(/already exists in this tenant/);
    }
    const { count } = await store.db
      .selectFrom('companies')
      .where('tenant_id', '=', tenantId)
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .executeTakeFirstOrThrow();
    expect(Number(count)).toBe(5);
  });
});

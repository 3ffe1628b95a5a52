import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import { applyImport, planImport } from '../../src/domain/import/import-csv.js';
import { fixedClock } from '../../src/lib/clock.js';
import { crmWriter } from '../../src/store/crm-writer.js';
import { openStore, type Store } from '../../src/store/open-store.js';
import { availableDialects, createTestStore, type Dialect } from '../support/stores.js';
import { cli, csv, json, scratch } from './cli-harness.js';

const dialects = await availableDialects();

/**
 * A real database failure in the middle of the write: a trigger that raises on one row of one
 * table, written per dialect (test-only SQL; the product never branches on the dialect).
 */
async function failInsertsInto(store: Store, dialect: Dialect, table: string, when: string): Promise<void> {
  if (dialect === 'sqlite') {
    await sql
      .raw(
        `create trigger fail_${table} before insert on ${table} when ${when} begin select raise(abort, 'injected failure'); end`,
      )
      .execute(store.db);
    return;
  }
  await sql
    .raw(
      `create or replace function fail_insert() returns trigger language plpgsql as $$ begin raise exception 'injected failure'; end $$`,
    )
    .execute(store.db);
  await sql
    .raw(
      `create trigger fail_${table} before insert on ${table} for each row when (${when}) execute function fail_insert()`,
    )
    .execute(store.db);
}

/**
 * The same database made unusable for a while: PostgreSQL at a port nothing listens on; SQLite
 * with another connection holding the write lock past the store's busy timeout.
 */
function databaseOutage(
  store: Store & { url: string },
  dialect: Dialect,
): { db: Store['db']; end: () => Promise<void> } {
  if (dialect === 'postgres') {
    const url = new URL(store.url);
    url.port = '1';
    const down = openStore(url.toString());
    return { db: down.db, end: () => down.close() };
  }
  const holder = new SqliteDatabase(store.url.slice('sqlite:'.length));
  holder.exec('begin exclusive');
  return {
    db: store.db,
    end: () => {
      holder.exec('rollback');
      holder.close();
      return Promise.resolve();
    },
  };
}

describe.each(dialects)('import rollback on %s', (dialect) => {
  let store: Store & { url: string };
  let tenantId: string;
  const files = scratch();
  const count = async (table: 'companies' | 'bids' | 'bid_status_changes') =>
    Number(
      (
        await store.db
          .selectFrom(table)
          .where('tenant_id', '=', tenantId)
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    store = await createTestStore(dialect);
    tenantId = json(await cli(store.url, ['tenant', 'create', '--slug', 'acme', '--name', 'Acme', '--json']))
      .tenant.id;
    const seed = async (entity: string, content: string) => {
      const run = await cli(store.url, [
        'import',
        entity,
        files.file(`${entity}.csv`, content),
        '--tenant',
        'acme',
      ]);
      expect(run.code).toBe(0);
    };
    await seed('companies', csv('name,kind', 'Acme Construction,general_contractor'));
    await seed('projects', csv('name,status', 'Harbor Tower,active'));
  });
  afterAll(async () => {
    files.dispose();
    await store.close();
  });

  it('rolls back every chunk already written when the database fails on row 700 of 800', async () => {
    await failInsertsInto(store, dialect, 'companies', "NEW.name = 'Company 0700'");
    const rows = Array.from({ length: 800 }, (_, i) => `Company ${String(i + 1).padStart(4, '0')},supplier`);
    const run = await cli(store.url, [
      'import',
      'companies',
      files.file('many.csv', csv('name,kind', ...rows)),
      '--tenant',
      'acme',
      '--json',
    ]);
    expect(run.code).toBe(1);
    // A failing trigger is a server fault: not the caller's conflict, and no "run it again".
    const failure = JSON.parse(run.stderr) as Record<string, unknown>;
    expect(failure).toMatchObject({
      code: 'failed',
      error: expect.stringMatching(
        /server fault and was rolled back; nothing was imported: .*injected failure/,
      ),
    });
    expect(failure).not.toHaveProperty('hint');
    expect(await count('companies')).toBe(1);
  });

  it('rolls back the bids when writing their status history fails', async () => {
    await failInsertsInto(store, dialect, 'bid_status_changes', "NEW.to_status = 'lost'");
    const bids = csv(
      'number,title,project,amount,status',
      '1,A,Harbor Tower,100,draft',
      '2,B,Harbor Tower,100,lost',
    );
    const run = await cli(store.url, ['import', 'bids', files.file('bids.csv', bids), '--tenant', 'acme']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Error: The import failed on a server fault and was rolled back');
    expect(run.stderr).not.toContain('Hint:');
    expect([await count('bids'), await count('bid_status_changes')]).toEqual([0, 0]);
  });

  it('reports a row another writer added after validation as a rollback, not a half import', async () => {
    const clock = fixedClock('2026-11-21T12:00:00.000Z');
    const request = {
      entity: 'companies' as const,
      tenantSlug: 'acme',
      csv: new TextEncoder().encode(csv('name,kind', 'Raced Co,client', 'Calm Co,client')),
    };
    const plan = await planImport(store.db, clock, request);
    expect(plan.errors).toEqual([]);
    // Someone else inserts "RACED CO" between validation and the write; the unique key catches it.
    await crmWriter(store.db, tenantId).companies([
      {
        id: 'raced',
        name: 'RACED CO',
        kind: 'client',
        city: null,
        phone: null,
        website: null,
        created_at: '2026-11-21T12:00:00.000Z',
      },
    ]);
    await expect(applyImport(store.db, plan)).rejects.toMatchObject({
      name: 'DomainError',
      code: 'conflict',
      hint: expect.stringContaining('Run the same import again'),
    });
    const names = await store.db
      .selectFrom('companies')
      .where('tenant_id', '=', tenantId)
      .select('name')
      .orderBy('name')
      .execute();
    expect(names.map((n) => n.name)).toEqual(['Acme Construction', 'RACED CO']);
    // Run again, validation now names the row.
    const again = await planImport(store.db, clock, request);
    expect(again.errors).toEqual([
      { row: 2, column: 'name', message: 'a company named "Raced Co" already exists in this tenant' },
    ]);
  });

  it('reports an unreachable or locked database as unavailable (ours, retry later), not as a conflict', async () => {
    const clock = fixedClock('2026-11-21T12:00:00.000Z');
    const request = {
      entity: 'companies' as const,
      tenantSlug: 'acme',
      csv: new TextEncoder().encode(csv('name,kind', 'Later Co,client')),
    };
    const plan = await planImport(store.db, clock, request);
    expect(plan.errors).toEqual([]);
    const before = await count('companies');
    const outage = databaseOutage(store, dialect);
    try {
      const failure = await applyImport(outage.db, plan).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(DomainError);
      expect(failure).toMatchObject({ code: 'unavailable', retryAfterSeconds: expect.any(Number) });
    } finally {
      await outage.end();
    }
    expect(await count('companies')).toBe(before);
  });
});

import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../../src/domain/audit/audit-log.js';
import { loadDemoData } from '../../src/domain/demo/load-demo.js';
import { fixedClock } from '../../src/lib/clock.js';
import { connectionsRepository } from '../../src/oauth/connections.js';
import { type Store, openStore } from '../../src/store/open-store.js';
import type { Database } from '../../src/store/schema.js';
import { availableDialects, createTestDatabase } from '../support/stores.js';
import { NOW } from './look-alike-tenants.js';

/**
 * Migration 0015 (tenant references of connected apps and the audit log) on a database built by
 * the real migrations up to 0014 and holding data: a connection of a user outside its tenant and
 * an audit entry of a tenant that does not exist make it refuse, naming them and changing
 * nothing; once corrected it applies, and the auth-epoch triggers of 0014 still fire.
 */
const dialects = await availableDialects();
const MIGRATION = '0015-tenant-references';

const failureOf = (work: Promise<unknown>) =>
  work.then(
    () => 'succeeded',
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );

const epoch = async (db: Kysely<Database>) =>
  Number(
    (await sql<{ value: unknown }>`select value from auth_epoch where id = 1`.execute(db)).rows[0]?.value,
  );

describe.each(dialects)('migration 0015 on a populated %s database', (dialect) => {
  let store: Store;
  beforeAll(async () => {
    const database = await createTestDatabase(dialect);
    store = openStore(database.url);
    await store.migrate('0014-auth-epoch');
    await loadDemoData(store.db, fixedClock(NOW));
  });
  afterAll(() => store.close());

  it('refuses a connection outside its user’s tenant and an audit entry of no tenant, then applies once corrected', async () => {
    const tenants = await store.db.selectFrom('tenants').select('id').orderBy('id').execute();
    const [member] = await store.db
      .selectFrom('memberships')
      .select(['tenant_id', 'user_id'])
      .orderBy('tenant_id')
      .execute();
    const other = tenants.find((t) => t.id !== member?.tenant_id)?.id ?? '';
    const connection = {
      user_id: member?.user_id ?? '',
      client_id: 'client',
      client_name: 'Client',
      redirect_host: 'app.example',
      scopes: 'projects:read',
      created_at: NOW,
    };
    await connectionsRepository(store.db).create({
      ...connection,
      grant_id: 'g-own',
      tenant_id: member?.tenant_id ?? '',
    });
    await connectionsRepository(store.db).create({ ...connection, grant_id: 'g-cross', tenant_id: other });
    const orphan = await appendAudit(store.db, fixedClock(NOW), {
      tenantId: 'gone-tenant',
      userId: null,
      clientId: null,
      action: 'test.entry',
      decision: 'allowed',
    });

    const refusal = await failureOf(store.migrate(MIGRATION));
    expect(refusal).toContain(`Migration ${MIGRATION} refused`);
    expect(refusal).toContain(
      `oauth_connections g-cross binds user ${member?.user_id} to tenant ${other}, of which the user is not a member`,
    );
    expect(refusal).toContain(`audit_log ${orphan} names tenant gone-tenant, which does not exist`);
    expect(refusal).not.toContain('g-own');
    expect(refusal).toContain('Nothing was changed');

    await store.db.deleteFrom('oauth_connections').where('grant_id', '=', 'g-cross').execute();
    await store.db.updateTable('audit_log').set({ tenant_id: null }).where('id', '=', orphan).execute();
    expect(await store.migrate(MIGRATION)).toEqual([MIGRATION]);
    expect(await store.db.selectFrom('oauth_connections').select('grant_id').execute()).toEqual([
      { grant_id: 'g-own' },
    ]);
    // The rebuild kept 0014's triggers: revoking the connection still ends cached verifications.
    const before = await epoch(store.db);
    await store.db
      .updateTable('oauth_connections')
      .set({ revoked_at: NOW })
      .where('grant_id', '=', 'g-own')
      .execute();
    expect(await epoch(store.db)).toBe(before + 1);
  });
});

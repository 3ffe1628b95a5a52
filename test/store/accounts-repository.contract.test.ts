import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsRepository } from '../../src/store/accounts-repository.js';
import type { Store } from '../../src/store/open-store.js';
import { availableDialects, createTestStore } from '../support/stores.js';
import { NOW, type SeededTenant, seedLookAlikeTenant } from './look-alike-tenants.js';

/** Tenants, users and memberships: the rows that belong to no single tenant. */
const dialects = await availableDialects();

describe.each(dialects)('the accounts repository on %s', (dialect) => {
  let store: Store & { url: string };
  let a: SeededTenant;
  let b: SeededTenant;
  beforeAll(async () => {
    store = await createTestStore(dialect);
    a = await seedLookAlikeTenant(store, 'alpha');
    b = await seedLookAlikeTenant(store, 'bravo');
  });
  afterAll(() => store.close());
  const accounts = () => accountsRepository(store.db);

  it('listTenants is sorted by slug; findTenantBySlug and findTenantById find one', async () => {
    const slugs = (await accounts().listTenants()).map((t) => t.slug);
    expect(slugs).toEqual([...slugs].sort());
    expect(slugs).toEqual(expect.arrayContaining(['alpha', 'bravo']));
    expect(await accounts().findTenantBySlug('alpha')).toEqual({
      id: a.id,
      slug: 'alpha',
      name: 'Tenant alpha',
    });
    expect(await accounts().findTenantById(b.id)).toEqual({
      id: b.id,
      slug: 'bravo',
      name: 'Tenant bravo',
    });
    expect(await accounts().findTenantBySlug('nope')).toBeUndefined();
    expect(await accounts().findTenantById('nope')).toBeUndefined();
  });

  it('refuses a second tenant with the same slug', async () => {
    await expect(
      accounts().insertTenant({ id: 'dup', slug: 'alpha', name: 'Dup', created_at: NOW }),
    ).rejects.toThrow();
  });

  it('stores user emails lower-cased and finds them case-insensitively', async () => {
    await accounts().insertUser({
      id: 'user-kim',
      email: '  Kim@Example.COM ',
      name: 'Kim',
      created_at: NOW,
    });
    expect(await accounts().findUserByEmail('KIM@example.com')).toEqual({
      id: 'user-kim',
      email: 'kim@example.com',
      name: 'Kim',
    });
    await expect(
      accounts().insertUser({ id: 'user-kim-2', email: 'kim@example.com', name: 'Kim 2', created_at: NOW }),
    ).rejects.toThrow();
    expect(await accounts().findUserByEmail('nobody@example.com')).toBeUndefined();
  });

  it('upsertMembership adds a membership and updates its role; membershipsOfUser lists them by tenant name', async () => {
    await accounts().insertUser({ id: 'user-lou', email: 'lou@example.com', name: 'Lou', created_at: NOW });
    await accounts().upsertMembership({
      tenant_id: b.id,
      user_id: 'user-lou',
      role: 'member',
      created_at: NOW,
    });
    await accounts().upsertMembership({
      tenant_id: a.id,
      user_id: 'user-lou',
      role: 'member',
      created_at: NOW,
    });
    await accounts().upsertMembership({
      tenant_id: a.id,
      user_id: 'user-lou',
      role: 'admin',
      created_at: NOW,
    });
    expect(await accounts().membershipsOfUser('user-lou')).toEqual([
      { tenant_id: a.id, slug: 'alpha', name: 'Tenant alpha', role: 'admin' },
      { tenant_id: b.id, slug: 'bravo', name: 'Tenant bravo', role: 'member' },
    ]);
    expect(await accounts().membershipsOfUser('user-kim')).toEqual([]);
    const count = await sql<{
      n: number | string;
    }>`select count(*) as n from memberships where user_id = ${'user-lou'}`.execute(store.db);
    expect(Number(count.rows[0]?.n)).toBe(2);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import { crmRepository } from '../../src/store/crm-repository.js';
import type { Store } from '../../src/store/open-store.js';
import { availableDialects, createTestStore } from '../support/stores.js';

/**
 * The store's NUL backstop (issue 9, finding 10): the faces refuse U+0000 at their edges; a string
 * that slips past one is refused by the store as bad input (`invalid_input`, which every face
 * renders as the caller's error, never a 500) before the driver sees it — on SQLite exactly as on
 * PostgreSQL, whose driver would otherwise fail with "invalid byte sequence", a server fault.
 */
const dialects = await availableDialects();
const NUL = '\u0000';

describe.each(dialects)('NUL parameters on %s', (dialect) => {
  let store: Store;
  beforeAll(async () => {
    store = await createTestStore(dialect);
  });
  afterAll(async () => {
    await store.close();
  });

  const refusal = async (query: Promise<unknown>) => {
    const error = await query.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  };

  it('refuses a built query, a compiled shape and a raw value as invalid_input', async () => {
    const repo = crmRepository(store.db, 'tenant-a');
    // Each query starts only when its turn comes: started together, a later one's refusal would
    // be an unhandled rejection while the loop still awaits an earlier one.
    for (const query of [
      () => repo.searchContacts({ name: `jo${NUL}`, limit: 5 }),
      () => repo.listProjects({ limit: 5, status: `active${NUL}` as 'active' }),
      () =>
        store.db
          .selectFrom('tenants')
          .select('id')
          .where('slug', 'in', ['a', `b${NUL}`])
          .execute(),
    ]) {
      const error = await refusal(query());
      expect(error.code).toBe('invalid_input');
      expect(error.message).toContain('NUL character');
    }
  });

  it('writes nothing of a transaction the refused value was part of, and the store stays usable', async () => {
    const tenant = (slug: string, name: string) => ({
      id: slug,
      slug,
      name,
      created_at: '2026-11-21T12:00:00.000Z',
    });
    const write = store.db.transaction().execute(async (tx) => {
      await tx.insertInto('tenants').values(tenant('nul-first', 'First')).execute();
      await tx
        .insertInto('tenants')
        .values(tenant('nul-second', `Sec${NUL}ond`))
        .execute();
    });
    expect((await refusal(write)).code).toBe('invalid_input');
    const slugs = await store.db
      .selectFrom('tenants')
      .select('slug')
      .where('slug', 'like', 'nul-%')
      .execute();
    expect(slugs).toEqual([]);
    await store.db.insertInto('tenants').values(tenant('nul-after', 'After')).execute();
    expect(
      await store.db.selectFrom('tenants').select('name').where('slug', '=', 'nul-after').execute(),
    ).toEqual([{ name: 'After' }]);
  });
});

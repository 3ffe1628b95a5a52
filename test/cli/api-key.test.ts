import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/stores.js';
import { cli, json } from './cli-harness.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase('sqlite');
  await cli(database.url, ['demo', 'load']);
});
afterAll(() => database.dispose());
const run = (...argv: string[]) => cli(database.url, argv);

describe('api-key create, list, revoke', () => {
  it('creates a key for a tenant, prints it once, and lists it by prefix without the key', async () => {
    const created = await run(
      'api-key',
      'create',
      '--tenant',
      'summit-ridge',
      '--name',
      'PING8 front',
      '--scopes',
      'email:preview,email:send',
      '--on-behalf-of',
      '--json',
    );
    expect(created.code).toBe(0);
    const key = json<{ key: string; prefix: string; id: string }>(created);
    expect(key).toMatchObject({
      tenant: 'summit-ridge',
      name: 'PING8 front',
      scopes: ['email:preview', 'email:send'],
      on_behalf_of: true,
    });
    expect(key.key).toMatch(/^wk_live_[0-9a-f]{64}$/);
    const listed = await run('api-key', 'list', '--tenant', 'summit-ridge');
    expect(listed.stdout).toContain(key.prefix);
    expect(listed.stdout).not.toContain(key.key);
    const text = await run('api-key', 'create', '--tenant', 'summit-ridge');
    expect(text.stdout).toMatch(/^wk_live_[0-9a-f]{64}\n/);
    expect(text.stdout).toContain('only time it is shown');

    const revoked = await run('api-key', 'revoke', key.prefix, '--json');
    expect(revoked.code).toBe(0);
    expect(json(revoked).revoked_at).not.toBeNull();
    const { keys } = json<{ keys: { id: string }[] }>(await run('api-key', 'list', '--json'));
    expect(keys.find((k) => k.id === key.id)).toMatchObject({ revoked_at: expect.any(String) });
  });

  it('exits 1 with a hint for an unknown tenant, scope or key; 2 without --tenant', async () => {
    const tenant = await run('api-key', 'create', '--tenant', 'nope');
    expect(tenant.code).toBe(1);
    expect(tenant.stderr).toContain('tenant list');
    const scope = await run('api-key', 'create', '--tenant', 'summit-ridge', '--scopes', 'admin', '--json');
    expect(scope.code).toBe(1);
    expect(JSON.parse(scope.stderr)).toMatchObject({
      code: 'invalid_input',
      hint: expect.stringContaining('projects:read'),
    });
    expect((await run('api-key', 'revoke', 'wk_live_00000000')).code).toBe(1);
    expect((await run('api-key', 'create')).code).toBe(2);
  });
});

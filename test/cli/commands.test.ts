import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.js';
import { storeName } from '../../src/cli/run-cli.js';
import { synopsis, usage } from '../../src/cli/usage.js';
import { availableDialects, createTestDatabase, type TestDatabase } from '../support/stores.js';
import { cli, json } from './cli-harness.js';

const dialects = await availableDialects();

describe('CLI usage', () => {
  it('prints usage generated from the command table with --help, exit 0', async () => {
    const run = await cli('sqlite::memory:', ['--help']);
    expect(run.code).toBe(0);
    for (const command of COMMANDS) expect(run.stdout).toContain(synopsis(command));
    expect(run.stdout).toBe(usage());
  });

  it('rejects an unknown command with exit 2 and the usage', async () => {
    const run = await cli('sqlite::memory:', ['frobnicate', '--json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Unknown command: frobnicate');
  });

  it('rejects an unknown option with exit 2', async () => {
    const run = await cli('sqlite::memory:', ['tenant', 'list', '--bogus']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--bogus');
  });

  it('rejects missing or extra positional arguments with exit 2', async () => {
    expect((await cli('sqlite::memory:', ['import', 'companies', '--tenant', 'x'])).code).toBe(2);
    const extra = await cli('sqlite::memory:', ['tenant', 'list', 'extra']);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain('tenant list takes no arguments; got: extra');
  });

  it('reports invalid configuration with exit 2 before touching a database', async () => {
    const run = await cli('mysql://nope', ['tenant', 'list', '--json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('WORKONWARD_DATABASE_URL');
  });
});

describe.each(dialects)('CLI commands with --json on %s', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
  });
  afterAll(async () => {
    await database.dispose();
  });
  const run = (...argv: string[]) => cli(database.url, argv);

  it('migrate applies the migrations once, then reports none', async () => {
    const first = await run('migrate', '--json');
    expect(first.code).toBe(0);
    expect(json(first).applied.length).toBeGreaterThan(0);
    expect(json(await run('migrate', '--json'))).toEqual({ applied: [] });
    expect((await run('migrate')).stdout).toBe('Up to date.\n');
  });

  it('demo load loads both demo tenants, then skips them', async () => {
    const first = json(await run('demo', 'load', '--json'));
    expect(first.loaded).toHaveLength(2);
    expect(first.skipped).toEqual([]);
    const second = json(await run('demo', 'load', '--json'));
    expect(second).toEqual({ loaded: [], skipped: first.loaded });
  });

  it('tenant create makes a tenant and tenant list shows it', async () => {
    const created = await run(
      'tenant',
      'create',
      '--slug',
      'acme-builders',
      '--name',
      'Acme Builders',
      '--json',
    );
    expect(created.code).toBe(0);
    expect(json(created).tenant).toMatchObject({ slug: 'acme-builders', name: 'Acme Builders' });
    const listed = json<{ tenants: { slug: string }[] }>(await run('tenant', 'list', '--json'));
    expect(listed.tenants.map((t) => t.slug)).toContain('acme-builders');
    expect((await run('tenant', 'list')).stdout).toContain('acme-builders\tAcme Builders');
  });

  it('tenant create refuses a taken slug (exit 1, JSON error with a hint) and a missing option (exit 2)', async () => {
    const taken = await run('tenant', 'create', '--slug', 'acme-builders', '--name', 'Again', '--json');
    expect(taken.code).toBe(1);
    expect(JSON.parse(taken.stderr)).toMatchObject({
      code: 'invalid_input',
      error: expect.stringContaining('already exists'),
    });
    const missing = await run('tenant', 'create', '--slug', 'no-name', '--json');
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stderr)).toEqual({ error: '--name is required', code: 'usage' });
  });

  it('user add creates the user, adds the membership and can change the role', async () => {
    const added = await run(
      'user',
      'add',
      '--email',
      'Jo@Acme.example',
      '--tenant',
      'acme-builders',
      '--json',
    );
    expect(added.code).toBe(0);
    expect(json(added)).toMatchObject({ email: 'jo@acme.example', tenant: 'acme-builders', role: 'member' });
    const promoted = json(
      await run(
        'user',
        'add',
        '--email',
        'jo@acme.example',
        '--tenant',
        'acme-builders',
        '--role',
        'admin',
        '--json',
      ),
    );
    expect(promoted).toMatchObject({ role: 'admin', user_id: json(added).user_id });
  });

  it('audit export of an unknown tenant exits 1 (as docs/cli.md says), naming the store it read', async () => {
    const unknown = await run('audit', 'export', '--tenant', 'nope');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No tenant "nope"');
    expect(unknown.stderr).toContain(`Store: ${storeName(database.url)}`);
    const json = await run('audit', 'export', '--tenant', 'nope', '--json');
    expect(JSON.parse(json.stderr)).toMatchObject({ code: 'not_found', store: storeName(database.url) });
  });

  it('never shows a database password in the store it names', () => {
    expect(storeName('postgres://app:s3cret@db.example:5432/workonward?sslmode=require')).toBe(
      'postgres://app@db.example:5432/workonward',
    );
  });

  it('user add refuses an unknown tenant and a bad role with exit 1', async () => {
    const unknown = await run('user', 'add', '--email', 'a@b.example', '--tenant', 'nope', '--json');
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stderr).error).toContain('Tenant "nope" does not exist');
    const role = await run(
      'user',
      'add',
      '--email',
      'a@b.example',
      '--tenant',
      'acme-builders',
      '--role',
      'king',
    );
    expect(role.code).toBe(1);
    expect(role.stderr).toContain('"king" is not a role');
  });
});

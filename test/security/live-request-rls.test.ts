import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/runtime.js';
import { crmRepository } from '../../src/store/crm-repository.js';
import { DEFAULT_RUNTIME_ROLE } from '../../src/store/open-store.js';
import { api, apiKey } from '../api/support.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { availableDialects } from '../support/stores.js';
import { forgetTenantPredicates } from './forgetful-queries.js';

/**
 * Tenant isolation of live requests is enforced by PostgreSQL, not only by the repositories
 * (issue 9): the server below runs with a store plugin that strips every `tenant_id = ?` from
 * every query — as if each code path had lost its manual filter — and still, over a real MCP
 * client and /api/v1, each tenant sees only its own rows, because every port call runs as the
 * runtime role with the tenant set. The same stripped queries made as the owner see both tenants
 * (the control: without the runtime role this test fails).
 */
const onPostgres = (await availableDialects()).includes('postgres');

describe.runIf(onPostgres)('live requests run as the runtime role (PostgreSQL row-level security)', () => {
  let server: TestServer | undefined;
  let runtime: Runtime;
  let url: string;
  const ids: Record<string, Set<string>> = {};
  let summit: string;
  let harbor: string;

  beforeAll(async () => {
    server = await startTestServer({
      dialect: 'postgres',
      env: { WORKONWARD_MAIL_WORKER: '0' },
      storeOptions: { plugins: [forgetTenantPredicates] },
    });
    runtime = server.runtime;
    url = server.url;
    const db = runtime.store.db;
    for (const t of await db.selectFrom('tenants').select(['id', 'slug']).execute()) {
      if (t.slug === 'summit-ridge') summit = t.id;
      if (t.slug === 'harbor-line') harbor = t.id;
    }
    for (const table of ['projects', 'contacts', 'companies', 'bids'] as const)
      for (const row of await db.selectFrom(table).select(['id', 'tenant_id']).execute())
        (ids[row.tenant_id] ??= new Set()).add(row.id);
    expect(ids[summit]?.size).toBeGreaterThan(0);
    expect(ids[harbor]?.size).toBeGreaterThan(0);
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** Which tenants' row ids appear anywhere in `answer`. */
  const tenantsIn = (answer: unknown): string[] => {
    const text = JSON.stringify(answer);
    return Object.entries(ids)
      .filter(([, set]) => [...set].some((id) => text.includes(id)))
      .map(([tenant]) => tenant)
      .sort();
  };

  it('control: as the owner, the stripped repository query sees both tenants', async () => {
    const listed = await crmRepository(runtime.store.db, summit).listProjects({ limit: 1000 });
    expect(tenantsIn(listed)).toEqual([summit, harbor].sort());
  });

  it('an MCP tool call, resource read and search see only the principal’s tenant', async () => {
    const client = new Client({ name: 'live-rls', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', url)));
    try {
      const answers = [
        await client.callTool({ name: 'projects.list', arguments: { limit: 50 } }),
        await client.callTool({ name: 'companies.list', arguments: { limit: 50 } }),
        await client.callTool({ name: 'contacts.search', arguments: { name: 'a', limit: 50 } }),
        await client.callTool({ name: 'bids.list', arguments: { limit: 50 } }),
        await client.callTool({ name: 'search', arguments: { query: 'a' } }),
        await client.listResources(),
      ];
      for (const answer of answers) {
        expect((answer as { isError?: boolean }).isError, JSON.stringify(answer).slice(0, 300)).toBeFalsy();
        expect(tenantsIn(answer)).toEqual([summit]);
      }
      // Another tenant's project by its id: not found (its id is echoed back, nothing else). The
      // owner's queries here forget their tenant too, so the project is picked by tenant in JS.
      const foreign = (
        await runtime.store.db.selectFrom('projects').select(['id', 'name', 'tenant_id']).execute()
      ).find((p) => p.tenant_id === harbor)!;
      const refused = await client.callTool({ name: 'fetch', arguments: { id: `project:${foreign.id}` } });
      expect(JSON.stringify(refused)).not.toContain(foreign.name);
      expect((refused as { isError?: boolean }).isError, JSON.stringify(refused)).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('an /api/v1 call sees only its key’s tenant', async () => {
    const key = await apiKey(runtime, 'harbor-line');
    for (const path of [
      '/projects?limit=100',
      '/companies?limit=100',
      '/contacts?name=a&limit=100',
      '/bids?limit=100',
    ]) {
      const answer = await api(url, key, 'GET', path);
      expect(answer.status, path).toBe(200);
      expect(tenantsIn(answer.body), path).toEqual([harbor]);
    }
  });

  it('the runtime role is the configured one, not superuser, and the owner keeps its rights outside requests', async () => {
    const { rows } = await sql<{ rolsuper: boolean; rolbypassrls: boolean }>`
      select rolsuper, rolbypassrls from pg_roles where rolname = ${DEFAULT_RUNTIME_ROLE}`.execute(
      runtime.store.db,
    );
    expect(rows).toEqual([{ rolsuper: false, rolbypassrls: false }]);
    const seen = await runtime.store.asTenant(harbor, async () => {
      const who = await sql<{ role: string }>`select current_user as role`.execute(runtime.store.db);
      const tenants = await runtime.store.db.selectFrom('projects').select('tenant_id').distinct().execute();
      return { role: who.rows[0]?.role, tenants: tenants.map((t) => t.tenant_id) };
    });
    expect(seen).toEqual({ role: DEFAULT_RUNTIME_ROLE, tenants: [harbor] });
    const after = await sql<{ role: string }>`select current_user as role`.execute(runtime.store.db);
    expect(after.rows[0]?.role).not.toBe(DEFAULT_RUNTIME_ROLE);
  });
});

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { addUserToTenant, createTenant } from '../../src/domain/accounts/accounts-service.js';
import { mirrorAccountTenant } from '../../src/domain/accounts/first-run.js';
import { createApiKey } from '../../src/domain/api-keys/api-keys.js';
import { systemClock } from '../../src/lib/clock.js';
import { BackendClient } from '../../src/ports/remote/backend-client.js';
import { remoteAccount } from '../../src/ports/remote/remote-account.js';
import { decideSignIn } from '../../src/web/sign-in-policy.js';
import { bundleCli } from '../cluster/support/instance.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { createTestStore } from '../support/stores.js';
import { cliCommand, freePort, guideBlock, serve } from './support/guide-processes.js';

/**
 * Issue 7: a front pointed at a store that already holds a tenant besides its key's account (a
 * store used in embedded mode, or by a front for another account; under the account's slug or
 * not) refuses to start, naming the tenants and the fix, in both auth modes: every tool acts in
 * the account, so another tenant's members and grants would act in it, with consent pages and
 * audit rows naming the other tenant. Pasted as the guide gives it, with no store of its own
 * named, it starts on its own file beside such a store. The real CLI, over a live backend.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');

describe('a front on a store that holds another tenant', { timeout: 120_000 }, () => {
  const dirs: string[] = [];
  let cli: string;
  let backend: TestServer;
  let apiKey: string;

  beforeAll(async () => {
    cli = await bundleCli();
    backend = await startTestServer();
    ({ key: apiKey } = await createApiKey(backend.runtime.store.db, backend.runtime.clock, {
      tenantSlug: 'summit-ridge',
      onBehalfOf: true,
      createdBy: 'test',
    }));
  }, 120_000);
  afterAll(async () => {
    await backend.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  function tempDir(): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'wk-front-taken-'));
    dirs.push(dir);
    return dir;
  }

  /** A data directory as embedded mode left it: one tenant of its own. */
  function usedStore(slug: string): string {
    const dir = tempDir();
    cliCommand(cli, dir, ['tenant', 'create', '--slug', slug, '--name', 'Old Tenant']);
    return dir;
  }

  /** The embedded store `dataDir` holds, named explicitly: a front sharing it. */
  const sharedStore = (dataDir: string) => ({
    WORKONWARD_DATABASE_URL: `sqlite:${path.join(dataDir, 'workonward.sqlite')}`,
  });

  /**
   * `npx workonward-mcp` with the guide's block over `dataDir`: its exit code and stderr. Not
   * spawnSync: the backend answering the front runs in this process.
   */
  function startFront(dataDir: string, env: Record<string, string> = {}) {
    const child = spawn(process.execPath, [cli], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        ...guideBlock({ apiKey, baseUrl: backend.url, issuer: 'http://127.0.0.1:8788', dryRun: '1' }),
        WORKONWARD_MCP_PORT: '0',
        WORKONWARD_DATA_DIR: dataDir,
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // A front that started after all would serve until killed: the test's timeout ends it.
    return new Promise<{ code: number | null; stderr: string }>((resolve) =>
      child.once('exit', (code) => {
        resolve({ code, stderr });
      }),
    );
  }

  it.each([
    ['oauth', 'summit-ridge', {}],
    ['none', 'summit-ridge', { WORKONWARD_MCP_AUTH: 'none' }],
    ['oauth', 'old-builders', {}],
  ])(
    'WORKONWARD_MCP_AUTH=%s, the store holding %s: exits 1 naming the tenants and the fix; the store is left as it was',
    async (_, slug, env) => {
      const dataDir = usedStore(slug);
      const { code, stderr } = await startFront(dataDir, { ...sharedStore(dataDir), ...env });
      expect(code, stderr).toBe(1);
      expect(stderr).toContain(
        'this store holds tenants other than the account of WORKONWARD_API_KEY ("Summit Ridge Builders" (summit-ridge, id ',
      );
      expect(stderr).toContain(`"Old Tenant" (${slug}, id `);
      expect(stderr).toContain('Hint: Start the front on an empty WORKONWARD_DATA_DIR');
      expect(stderr).not.toContain(apiKey);
      const tenants = cliCommand(cli, dataDir, ['tenant', 'list']);
      expect(tenants.trim()).toBe(`${slug}\tOld Tenant`);
    },
  );

  it("the guide's block pasted where `npm start` left ./data: the front starts on its own file and serves; the demo data is untouched", async () => {
    const dataDir = tempDir();
    // `npm start`, as package.json runs it: development mode loads the two demo tenants.
    const embedded = serve(cli, {
      WORKONWARD_ENV: 'development',
      WORKONWARD_MCP_TRANSPORT: 'http',
      WORKONWARD_MCP_AUTH: 'oauth',
      WORKONWARD_MCP_PORT: String(await freePort()),
      WORKONWARD_DATA_DIR: dataDir,
    });
    await embedded.started();
    await embedded.stop();
    const demoTenants = cliCommand(cli, dataDir, ['tenant', 'list']);
    expect(demoTenants).toContain('summit-ridge');
    expect(demoTenants).toContain('harbor-line');

    const port = await freePort();
    const block = guideBlock({ apiKey, baseUrl: backend.url, issuer: 'http://127.0.0.1:8788', dryRun: '1' });
    const front = serve(cli, { ...block, WORKONWARD_MCP_PORT: String(port), WORKONWARD_DATA_DIR: dataDir });
    try {
      await front.started();
      const response = await fetch(`http://127.0.0.1:${port}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: '{}',
      });
      expect(response.status, front.log()).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('resource_metadata=');
    } finally {
      await front.stop();
    }
    const remote = { WORKONWARD_BASE_URL: backend.url, WORKONWARD_API_KEY: apiKey };
    expect(cliCommand(cli, dataDir, ['tenant', 'list'], remote).trim()).toBe(
      'summit-ridge\tSummit Ridge Builders',
    );
    expect(cliCommand(cli, dataDir, ['tenant', 'list'])).toBe(demoTenants);
  });

  it('a front that finds such a store only after start (the backend was down) admits nobody at sign-in, members of the other tenant included', async () => {
    const account = remoteAccount(
      new BackendClient({ baseUrl: backend.url, apiKey, timeoutMs: 5000, attempts: 1 }),
    );
    const { tenant } = await account.account();
    const own = await createTestStore('sqlite');
    const used = await createTestStore('sqlite');
    try {
      const config = loadConfig({
        ...guideBlock({ apiKey, baseUrl: backend.url, issuer: 'http://127.0.0.1:8788', dryRun: '1' }),
        WORKONWARD_DATABASE_URL: own.url,
      });
      // The front's own store: you@gitdate.ink joins the account on its first sign-in.
      await mirrorAccountTenant(own.db, systemClock, tenant);
      expect(await decideSignIn(config, own.db, 'you@gitdate.ink', account)).toMatchObject({
        allowed: true,
        join: { tenantId: tenant.id, role: 'owner' },
      });
      // A store embedded mode left, where you@gitdate.ink is even an owner: refused, saying why.
      await createTenant(used.db, systemClock, { slug: 'old-builders', name: 'Old Tenant' });
      await addUserToTenant(used.db, systemClock, {
        email: 'you@gitdate.ink',
        tenantSlug: 'old-builders',
        role: 'owner',
      });
      expect(await decideSignIn(config, used.db, 'you@gitdate.ink', account)).toMatchObject({
        allowed: false,
        code: 'front store holds other tenants',
        reason: expect.stringContaining('"Old Tenant" (old-builders, id '),
        fix: expect.stringContaining('empty WORKONWARD_DATA_DIR'),
      });
    } finally {
      await own.close();
      await used.close();
    }
  });
});

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/domain/api-keys/api-keys.js';
import { bundleCli } from '../cluster/support/instance.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { cliCommand, guideBlock } from './support/guide-processes.js';

/**
 * Issue 7: a front started on a store that already holds a tenant besides its key's account (a
 * store used in embedded mode, or by a front for another account; under the account's slug or
 * not) refuses to start, naming the tenants and the fix, in both auth modes: every tool acts in
 * the account, so another tenant's members and grants would act in it, with consent pages and
 * audit rows naming the other tenant. The real CLI, as operators start it, over a live backend.
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

  /** A data directory as embedded mode left it: one tenant of its own. */
  function usedStore(slug: string): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'wk-front-taken-'));
    dirs.push(dir);
    cliCommand(cli, dir, ['tenant', 'create', '--slug', slug, '--name', 'Old Tenant']);
    return dir;
  }

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
      const { code, stderr } = await startFront(dataDir, env);
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
});

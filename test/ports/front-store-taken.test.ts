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
 * Issue 7: a front started on a store that already holds a tenant under its key's account slug
 * (a store used in embedded mode, or by a front for another backend) refuses to start, naming
 * both tenants and the fix, in both auth modes: acting in the account on top of another tenant's
 * sign-ins, grants and audit log would put them in the wrong account. The real CLI, as operators
 * start it, over a live backend.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');

describe('a front on a store whose tenant holds the account slug', { timeout: 120_000 }, () => {
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

  /** A data directory as embedded mode left it: its own tenant `summit-ridge`. */
  function usedStore(): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'wk-front-taken-'));
    dirs.push(dir);
    cliCommand(cli, dir, ['tenant', 'create', '--slug', 'summit-ridge', '--name', 'Old Summit']);
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
    ['oauth', {}],
    ['none', { WORKONWARD_MCP_AUTH: 'none' }],
  ])(
    'WORKONWARD_MCP_AUTH=%s: exits 1 naming both tenants and the fix; the store is left as it was',
    async (_, env) => {
      const dataDir = usedStore();
      const { code, stderr } = await startFront(dataDir, env);
      expect(code, stderr).toBe(1);
      expect(stderr).toContain('this store already holds a tenant "summit-ridge" ("Old Summit"');
      expect(stderr).toContain('not the account of WORKONWARD_API_KEY ("Summit Ridge Builders"');
      expect(stderr).toContain('Fix: start the front on an empty WORKONWARD_DATA_DIR');
      expect(stderr).not.toContain(apiKey);
      const tenants = cliCommand(cli, dataDir, ['tenant', 'list']);
      expect(tenants.trim()).toBe('summit-ridge\tOld Summit');
    },
  );
});

import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects, createTestDatabase, type TestDatabase } from '../support/stores.js';
import { csv, foreignSchemaRace, scratch } from './cli-harness.js';

/**
 * The real binary, spawned as `npx workonward-mcp` runs it (`node --import tsx src/main.ts`), with
 * its configuration in the environment: exit codes, stdout/stderr, and serve's clean shutdown.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const [dialect] = await availableDialects();

interface Spawned {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function spawnCli(
  args: string[],
  env: Record<string, string>,
  onStdout?: (text: string, kill: () => void) => void,
): Promise<Spawned> {
  const run = await spawnOnce(args, env, onStdout);
  return foreignSchemaRace(run.stderr) ? spawnOnce(args, env, onStdout) : run;
}

function spawnOnce(
  args: string[],
  env: Record<string, string>,
  onStdout?: (text: string, kill: () => void) => void,
) {
  return new Promise<Spawned>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', WORKONWARD_LOG_LEVEL: 'silent', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      onStdout?.(stdout, () => child.kill('SIGTERM'));
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
    if (args[0] === 'serve')
      child.stdin.write(
        `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } })}\n`,
      );
    else child.stdin.end();
  });
}

describe(`the spawned CLI on ${dialect ?? 'sqlite'}`, () => {
  let database: TestDatabase;
  const files = scratch();
  let env: Record<string, string>;
  beforeAll(async () => {
    database = await createTestDatabase(dialect ?? 'sqlite');
    env = { WORKONWARD_DATABASE_URL: database.url };
  });
  afterAll(async () => {
    files.dispose();
    await database.dispose();
  });

  it('creates a tenant and imports a file, printing JSON and exiting 0', async () => {
    const created = await spawnCli(['tenant', 'create', '--slug', 'acme', '--name', 'Acme', '--json'], env);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout).tenant.slug).toBe('acme');
    // The authorization-server engine's Node-version warning belongs to `serve` only.
    expect(created.stderr).not.toContain('oidc-provider');
    const imported = await spawnCli(
      ['import', 'companies', 'docs/examples/companies.csv', '--tenant', 'acme', '--json'],
      env,
    );
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ ok: true, imported: 5, rows: 5 });
  });

  it('exits 1 with the row errors when a file has a bad row', async () => {
    const bad = files.file('bad.csv', csv('name,kind', 'Fine,client', 'Broken,castle'));
    const run = await spawnCli(['import', 'companies', bad, '--tenant', 'acme'], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('line 3, column kind: must be one of');
  });

  it('exits 2 on bad usage', async () => {
    const run = await spawnCli(['import', 'widgets', 'x.csv', '--tenant', 'acme'], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Unknown command: import widgets x.csv');
  });

  it('serve --json answers MCP on stdio and exits 0 on SIGTERM', async () => {
    const run = await spawnCli(
      ['serve', '--json'],
      {
        ...env,
        WORKONWARD_MCP_TRANSPORT: 'stdio',
        WORKONWARD_MCP_TENANT: 'acme',
        // The runtime builds its mail sender at start; give it a valid sender address.
        WORKONWARD_MAIL_FROM: 'Workonward <mail@workonward.example>',
      },
      (stdout, kill) => {
        if (stdout.includes('\n')) kill();
      },
    );
    expect(run.code).toBe(0);
    const response = JSON.parse(run.stdout.split('\n')[0]!);
    expect(response).toMatchObject({
      jsonrpc: '2.0',
      id: 1,
      result: { serverInfo: { name: expect.any(String) } },
    });
  });
});

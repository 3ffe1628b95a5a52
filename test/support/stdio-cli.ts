import path from 'node:path';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/client/stdio';
import { loadDemoData } from '../../src/domain/demo/load-demo.js';
import { systemClock } from '../../src/lib/clock.js';
import { openStore } from '../../src/store/open-store.js';
import { createTestDatabase, type Dialect, type TestDatabase } from './stores.js';

/** The CLI over stdio, as `npx workonward-mcp` runs it, on a database an operator prepared. */
const ROOT = path.resolve(import.meta.dirname, '../..');

/** A migrated database with the demo tenants, loaded relative to now (the child uses the real clock). */
export async function demoDatabase(dialect: Dialect): Promise<TestDatabase> {
  const database = await createTestDatabase(dialect);
  const store = openStore(database.url);
  try {
    await store.migrate();
    await loadDemoData(store.db, systemClock);
  } finally {
    await store.close();
  }
  return database;
}

/** A stdio transport to `node --import tsx src/main.ts` serving the summit-ridge tenant. */
export function cliTransport(
  databaseUrl: string,
  options: { logLevel?: string; stderr?: 'pipe' } = {},
): StdioClientTransport {
  return new StdioClientTransport({
    command: process.execPath,
    args: ['--import', 'tsx', 'src/main.ts'],
    cwd: ROOT,
    env: {
      ...getDefaultEnvironment(),
      WORKONWARD_DATABASE_URL: databaseUrl,
      WORKONWARD_MCP_TENANT: 'summit-ridge',
      WORKONWARD_LOG_LEVEL: options.logLevel ?? 'silent',
    },
    ...(options.stderr !== undefined && { stderr: options.stderr }),
  });
}

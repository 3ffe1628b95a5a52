import pg from 'pg';
import { POSTGRES_URL, testSchemaPrefix } from './stores.js';

function runIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Drops this run's PostgreSQL test schemas when it ends, and schemas left behind by runs whose
 * process is gone (a killed run) when it starts. Schemas of runs still going are left alone.
 */
async function dropTestSchemas(belongsHere: (pid: number) => boolean): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
  } catch {
    return; // No PostgreSQL here: the suites themselves report that (and fail when it is required).
  }
  try {
    const { rows } = await client.query<{ name: string }>(
      "select nspname as name from pg_namespace where nspname ~ '^t_[0-9]+_[0-9a-f]{12}$'",
    );
    for (const { name } of rows) {
      const pid = Number(name.split('_')[1]);
      if (name.startsWith(testSchemaPrefix(pid)) && belongsHere(pid)) {
        await client.query(`drop schema if exists ${name} cascade`);
      }
    }
  } finally {
    await client.end();
  }
}

export const setup = () => dropTestSchemas((pid) => !runIsAlive(pid));
export const teardown = () => dropTestSchemas((pid) => pid === process.pid);

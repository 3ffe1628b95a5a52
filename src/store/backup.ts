import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.js';

/** What a backup holds, counted in the copy itself (a check that it is whole and ours). */
export interface BackupSummary {
  readonly tenants: number;
  readonly messages: number;
  readonly connections: number;
  readonly auditEntries: number;
}

/** The SQLite file a `sqlite:` store URL names, or undefined for PostgreSQL. */
export function sqliteFileOf(url: string): string | undefined {
  return url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : undefined;
}

function summarize(file: string): BackupSummary {
  const copy = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  try {
    const check = copy.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(`${file} fails SQLite's integrity check: ${String(check)}`);
    const count = (table: string) => {
      const row = copy.prepare(`select count(*) as n from ${table}`).get() as { n: number };
      return row.n;
    };
    const ours = copy
      .prepare("select count(*) as n from sqlite_master where type = 'table' and name = 'kysely_migration'")
      .get() as { n: number };
    if (ours.n === 0) throw new Error(`${file} is not a workonward-mcp database (no migration table).`);
    return {
      tenants: count('tenants'),
      messages: count('mail_outbox'),
      connections: count('oauth_connections'),
      auditEntries: count('audit_log'),
    };
  } finally {
    copy.close();
  }
}

/**
 * SQLite's online backup API: a consistent copy of the live database while the server keeps
 * writing (WAL); every transaction committed before the copy started is in it. All pages go in
 * one step: copied in small steps, a backup restarts whenever another connection writes between
 * them, and under a steady stream of sends it would never finish.
 */
export async function backupSqlite(source: string, destination: string): Promise<BackupSummary> {
  if (existsSync(destination)) throw new Error(`${destination} exists; choose a new file name.`);
  const live = new SqliteDatabase(source, { fileMustExist: true });
  try {
    live.pragma('busy_timeout = 5000');
    await live.backup(destination, { progress: ({ totalPages }) => totalPages });
  } finally {
    live.close();
  }
  return summarize(destination);
}

/** True when the SQLite file is absent, empty, or holds no table yet. */
function sqliteEmpty(file: string): boolean {
  if (!existsSync(file) || statSync(file).size === 0) return true;
  const db = new SqliteDatabase(file, { readonly: true });
  try {
    const row = db.prepare("select count(*) as n from sqlite_master where type = 'table'").get() as {
      n: number;
    };
    return row.n === 0;
  } finally {
    db.close();
  }
}

/** Copies a checked backup into an empty SQLite store (never over existing data). */
export async function restoreSqlite(backup: string, target: string): Promise<BackupSummary> {
  const summary = summarize(backup);
  if (!sqliteEmpty(target))
    throw new Error(`${target} already holds data; restore only into an empty store (a new file).`);
  mkdirSync(path.dirname(target), { recursive: true });
  const source = new SqliteDatabase(backup, { readonly: true, fileMustExist: true });
  try {
    await source.backup(target, { progress: ({ totalPages }) => totalPages });
  } finally {
    source.close();
  }
  return summary;
}

/** The PostgreSQL schema the store's connection uses, and whether it holds any table yet. */
export async function postgresTarget(db: Kysely<Database>): Promise<{ schema: string; empty: boolean }> {
  const { rows } = await sql<{ schema: string; tables: number }>`
    select current_schema() as schema,
      (select count(*) from information_schema.tables where table_schema = current_schema())::int as tables
  `.execute(db);
  const row = rows[0];
  return { schema: row?.schema ?? 'public', empty: (row?.tables ?? 0) === 0 };
}

import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import {
  BACKSTOP_AUTOCHECKPOINT_PAGES,
  SQLITE_AUTOCHECKPOINT_PAGES,
  checkpointInThread,
} from '../../src/store/wal-checkpointer.js';

const dir = mkdtempSync(path.join(tmpdir(), 'workonward-checkpoints-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A WAL-mode file with a table, as the store opens it. */
function walFile(name: string) {
  const file = path.join(dir, name);
  const connection = new SqliteDatabase(file);
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = FULL');
  connection.exec('create table pages (id integer primary key, body blob)');
  return { file, connection };
}

async function until(done: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const autocheckpoint = (connection: SqliteDatabase.Database) =>
  connection.pragma('wal_autocheckpoint', { simple: true });

/** `commits` transactions of 10 rows of 4,000 bytes each (~40 KB a commit). */
function commitPages(connection: SqliteDatabase.Database, commits: number): void {
  const insert = connection.prepare('insert into pages (body) values (?)');
  for (let i = 0; i < commits; i += 1)
    connection.transaction(() => {
      for (let j = 0; j < 10; j += 1) insert.run(Buffer.alloc(4000, i));
    })();
}

it('copies committed pages into the database file from its own thread, the connection checkpointing only as a backstop', async () => {
  const { file, connection } = walFile('copies.sqlite');
  const failures: unknown[] = [];
  const checkpointer = checkpointInThread(connection, file, {
    onFailure: (error) => failures.push(error),
    everyMs: 10,
  });
  try {
    await until(() => autocheckpoint(connection) === BACKSTOP_AUTOCHECKPOINT_PAGES, 'the thread');
    const before = statSync(file).size;
    // ~2 MB in 50 commits: far below the backstop, so the connection itself never checkpoints.
    commitPages(connection, 50);
    await until(() => statSync(file).size > before + 1_500_000, 'the pages in the database file');
    // Another connection (a backup, another process) reads every row, checkpointed or not.
    const reader = new SqliteDatabase(file, { readonly: true });
    expect(reader.prepare('select count(*) as n from pages').get()).toEqual({ n: 500 });
    reader.close();
    expect(failures).toEqual([]);
  } finally {
    await checkpointer.stop();
    connection.close();
  }
});

it('still copies the commits that come after a quiet spell, once its passes have backed off', async () => {
  const { file, connection } = walFile('quiet.sqlite');
  const failures: unknown[] = [];
  const checkpointer = checkpointInThread(connection, file, {
    onFailure: (error) => failures.push(error),
    everyMs: 10,
    idleMs: 200,
  });
  try {
    await until(() => autocheckpoint(connection) === BACKSTOP_AUTOCHECKPOINT_PAGES, 'the thread');
    // Passes that find nothing new: the wait doubles to its longest (10 → 200 ms).
    await new Promise((resolve) => setTimeout(resolve, 800));
    const before = statSync(file).size;
    commitPages(connection, 20);
    await until(() => statSync(file).size > before + 600_000, 'the pages in the database file');
    expect(failures).toEqual([]);
  } finally {
    await checkpointer.stop();
    connection.close();
  }
});

it('falls back to SQLite’s own checkpoints when the thread dies, and says so once', async () => {
  const { file, connection } = walFile('dies.sqlite');
  const failures: unknown[] = [];
  const checkpointer = checkpointInThread(connection, file, { onFailure: (error) => failures.push(error) });
  try {
    await until(() => autocheckpoint(connection) === BACKSTOP_AUTOCHECKPOINT_PAGES, 'the thread');
    await checkpointer.thread.terminate();
    await until(() => failures.length > 0, 'the failure');
    expect(autocheckpoint(connection)).toBe(SQLITE_AUTOCHECKPOINT_PAGES);
    await checkpointer.stop();
    expect(failures).toHaveLength(1);
    expect(String(failures[0])).toContain('checkpoint thread exited');
  } finally {
    connection.close();
  }
});

it('a stopped thread has exited and closed its connection, without a failure', async () => {
  const { file, connection } = walFile('stops.sqlite');
  const failures: unknown[] = [];
  const checkpointer = checkpointInThread(connection, file, { onFailure: (error) => failures.push(error) });
  await until(() => autocheckpoint(connection) === BACKSTOP_AUTOCHECKPOINT_PAGES, 'the thread');
  await checkpointer.stop();
  expect(checkpointer.thread.threadId).toBe(-1);
  expect(autocheckpoint(connection)).toBe(SQLITE_AUTOCHECKPOINT_PAGES);
  connection.exec('insert into pages (body) values (null)');
  // The store's connection is the last one: closing checkpoints everything and removes the WAL.
  connection.close();
  expect(existsSync(`${file}-wal`)).toBe(false);
  expect(failures).toEqual([]);
});

it('a store opened with walCheckpoints runs the thread and stops it on close; a stop before it is up is clean', async () => {
  const failures: unknown[] = [];
  const file = path.join(dir, 'store.sqlite');
  const store = openStore(`sqlite:${file}`, {
    walCheckpoints: { onFailure: (error) => failures.push(error) },
  });
  await store.migrate();
  const setting = async () =>
    (await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(store.db)).rows[0]
      ?.wal_autocheckpoint;
  const end = Date.now() + 10_000;
  while ((await setting()) !== BACKSTOP_AUTOCHECKPOINT_PAGES && Date.now() < end)
    await new Promise((resolve) => setTimeout(resolve, 10));
  expect(await setting()).toBe(BACKSTOP_AUTOCHECKPOINT_PAGES);
  await store.close();
  expect(existsSync(`${file}-wal`)).toBe(false);
  // Closed at once after opening: the thread may not have opened its connection yet.
  const quick = openStore(`sqlite:${file}`, {
    walCheckpoints: { onFailure: (error) => failures.push(error) },
  });
  await quick.close();
  expect(failures).toEqual([]);
});

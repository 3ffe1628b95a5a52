import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';

const dir = mkdtempSync(path.join(tmpdir(), 'workonward-pragmas-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

it('opens SQLite in WAL mode with FULL sync, foreign keys on and a busy timeout', async () => {
  const store = openStore(`sqlite:${path.join(dir, 'settings.sqlite')}`);
  const pragma = async (name: string) =>
    Object.values((await sql.raw(`pragma ${name}`).execute(store.db)).rows[0] as object)[0] as unknown;
  try {
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('synchronous')).toBe(2); // FULL: an acknowledged send survives power loss
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('busy_timeout')).toBe(5000);
  } finally {
    await store.close();
  }
});

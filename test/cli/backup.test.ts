import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { connectedClient, mcpRequest } from '../oauth/support/flow.js';
import { type OAuthTestServer, startOAuthServer } from '../oauth/support/oauth-server.js';
import { createTestDatabase } from '../support/stores.js';
import { cli } from './cli-harness.js';
import { sendEmailCall } from '../cluster/support/load.js';

/** `backup` and `restore`: a backup taken while sends are being acknowledged restores whole. */
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'workonward-backup-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function sendMessageId(
  server: OAuthTestServer,
  token: string,
  key: string,
): Promise<string | undefined> {
  const response = await mcpRequest(server, token, sendEmailCall(key));
  return /"message_id":"(msg_[^"]+)"/.exec(await response.text())?.[1];
}

describe('backup and restore on SQLite', () => {
  let server: OAuthTestServer;
  beforeAll(async () => {
    server = await startOAuthServer({
      env: {
        WORKONWARD_MCP_RECIPIENT_ALLOWLIST: '@gitdate\\.ink$',
        WORKONWARD_MAIL_WORKER: '0',
        WORKONWARD_MAIL_RATE_PER_MINUTE: '100000',
        WORKONWARD_MAIL_QUOTA_PER_DAY: '100000',
        WORKONWARD_MCP_GRANT_CALLS_PER_MINUTE: '100000',
      },
    });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('a backup taken under load holds every send acknowledged before it and every grant', async () => {
    const { clientId, tokens } = await connectedClient(server, { scopes: ['email:send', 'projects:read'] });
    const token = tokens.body.access_token ?? '';
    const acknowledged = new Map<string, string>();
    let sending = true;
    let n = 0;
    let reachedThirty: () => void = () => undefined;
    const thirty = new Promise<void>((resolve) => {
      reachedThirty = resolve;
    });
    const senders = Array.from({ length: 3 }, async () => {
      while (sending) {
        const key = `backup-${n++}`;
        const id = await sendMessageId(server, token, key);
        if (id !== undefined) acknowledged.set(key, id);
        if (acknowledged.size >= 30) reachedThirty();
      }
    });
    // The backup starts under load: once 30 sends are acknowledged (a sender failing ends the wait).
    await Promise.race([thirty, Promise.all(senders)]);
    const before = new Map(acknowledged);
    expect(before.size).toBeGreaterThanOrEqual(30);
    const file = path.join(dir, 'under-load.sqlite');
    const backup = await cli(server.config.store.url, ['backup', file, '--json']);
    sending = false;
    await Promise.all(senders);
    expect(backup.code, backup.stderr).toBe(0);
    expect(JSON.parse(backup.stdout)).toMatchObject({ dialect: 'sqlite', file });
    expect(acknowledged.size).toBeGreaterThan(before.size); // sends went on during the backup

    const restoredUrl = `sqlite:${path.join(dir, 'restored', 'workonward.sqlite')}`;
    const restore = await cli(restoredUrl, ['restore', file, '--json']);
    expect(restore.code, restore.stderr).toBe(0);
    const summary = JSON.parse(restore.stdout) as { messages: number; connections: number };
    expect(summary.messages).toBeGreaterThanOrEqual(before.size);

    const restored = openStore(restoredUrl);
    try {
      const rows = await restored.db.selectFrom('mail_outbox').select(['id', 'idempotency_key']).execute();
      const byKey = new Map(rows.map((r) => [r.idempotency_key, r.id]));
      for (const [key, id] of before) expect(byKey.get(key), key).toBe(id);
      const grant = await restored.db
        .selectFrom('oauth_connections')
        .select(['grant_id', 'scopes'])
        .where('client_id', '=', clientId)
        .execute();
      expect(grant).toHaveLength(1);
      const queued = await restored.db
        .selectFrom('audit_log')
        .select('details')
        .where('action', '=', 'email.send_email')
        .where('decision', '=', 'queued')
        .execute();
      expect(queued.length).toBe(rows.length); // every restored row with its audit entry
    } finally {
      await restored.close();
    }
  });

  it('refuses to restore over a store that holds data, and to overwrite a file with a backup', async () => {
    const file = path.join(dir, 'second.sqlite');
    expect((await cli(server.config.store.url, ['backup', file])).code).toBe(0);
    const again = await cli(server.config.store.url, ['backup', file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('exists');
    const over = await cli(server.config.store.url, ['restore', file]);
    expect(over.code).toBe(1);
    expect(over.stderr).toContain('already holds data');
  });

  it('refuses a file that is not a workonward-mcp database', async () => {
    const empty = `sqlite:${path.join(dir, 'empty-source.sqlite')}`;
    const stranger = path.join(dir, 'stranger.sqlite');
    const db = openStore(`sqlite:${stranger}`);
    await db.close();
    const result = await cli(empty, ['restore', stranger]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('not a workonward-mcp database');
  });
});

describe('backup and restore on PostgreSQL', () => {
  it('prints the pg_dump command for the deployment’s schema, and pg_restore only into an empty one', async () => {
    const database = await createTestDatabase('postgres');
    const schema = new URL(database.url).searchParams.get('options')?.split('=')[1] ?? '';
    const empty = await cli(database.url, ['restore', 'backup.dump', '--json']);
    expect(empty.code, empty.stderr).toBe(0);
    expect(JSON.parse(empty.stdout)).toMatchObject({ dialect: 'postgres', schema });
    expect(empty.stdout).toContain('pg_restore');
    expect((await cli(database.url, ['migrate'])).code).toBe(0);
    const dump = await cli(database.url, ['backup', 'backup.dump']);
    expect(dump.code, dump.stderr).toBe(0);
    expect(dump.stdout).toContain(`pg_dump --format=custom --no-owner --no-privileges --schema=${schema}`);
    expect(dump.stdout).toContain('kysely_migration');
    expect(dump.stdout).not.toContain('postgres://'); // the URL may carry a password: never printed
    const full = await cli(database.url, ['restore', 'backup.dump']);
    expect(full.code).toBe(1);
    expect(full.stderr).toContain('already holds tables');
    await database.dispose();
  });
});

import { backupSqlite, postgresTarget, restoreSqlite, sqliteFileOf } from '../../store/backup.js';
import { openStore } from '../../store/open-store.js';
import type { Command, CommandResult } from '../command.js';

const KEY_NOTE =
  'Keep WORKONWARD_MCP_OAUTH_SIGNING_KEY with it (stored apart, as secret): sealed secrets, cookies and cursors are keyed from it, so a restore under another key drops what it cannot open (docs/operations.md, Changing the signing key).';

/** What pg_dump must be told, for the schema this deployment uses. */
function pgDumpAdvice(schema: string, file: string): CommandResult {
  const command = `pg_dump --format=custom --no-owner --no-privileges --schema=${schema} --file=${file} "$WORKONWARD_DATABASE_URL"`;
  return {
    data: {
      dialect: 'postgres',
      schema,
      command,
      includes: 'every table of the schema, data and definitions',
    },
    text: [
      'PostgreSQL is backed up with its own tool; run:',
      `  ${command}`,
      `It must include every table of schema ${schema}, data and definitions: kysely_migration (so a restore is not migrated twice), the outbox (mail_outbox, mail_idempotency), audit_log, the oauth_* tables (clients, grants, tokens), accounts and CRM data. pg_dump takes a consistent snapshot while the instances keep running.`,
      KEY_NOTE,
    ].join('\n'),
  };
}

/** `backup FILE`: an online copy of a SQLite store; on PostgreSQL, the pg_dump command to run. */
export const backupCommand: Command = {
  words: ['backup'],
  positionals: ['FILE'],
  summary:
    'Back up the store while it serves (SQLite: online copy to FILE; PostgreSQL: prints the pg_dump command)',
  async run({ config, args }) {
    const file = args[0] ?? '';
    const sqlite = sqliteFileOf(config.store.url);
    if (sqlite === undefined) {
      const store = openStore(config.store.url);
      try {
        return pgDumpAdvice((await postgresTarget(store.db)).schema, file);
      } finally {
        await store.close();
      }
    }
    const summary = await backupSqlite(sqlite, file);
    return {
      data: { dialect: 'sqlite', file, ...summary },
      text: `Backed up to ${file}: ${summary.tenants} tenants, ${summary.messages} outbox messages, ${summary.connections} connected apps, ${summary.auditEntries} audit entries. Integrity check ok.\n${KEY_NOTE}`,
    };
  },
};

/** `restore FILE`: into an empty store only (SQLite: copies it in; PostgreSQL: prints pg_restore). */
export const restoreCommand: Command = {
  words: ['restore'],
  positionals: ['FILE'],
  summary:
    'Restore a backup into an empty store (SQLite: copies FILE in; PostgreSQL: prints the pg_restore command)',
  async run({ config, args }) {
    const file = args[0] ?? '';
    const sqlite = sqliteFileOf(config.store.url);
    if (sqlite === undefined) {
      const store = openStore(config.store.url);
      try {
        const { schema, empty } = await postgresTarget(store.db);
        if (!empty)
          return {
            ok: false,
            data: { error: 'not_empty', schema },
            text: `Schema ${schema} already holds tables; restore only into an empty database or schema.`,
          };
        const command = `pg_restore --no-owner --no-privileges --exit-on-error --dbname="$WORKONWARD_DATABASE_URL" ${file}`;
        return {
          data: { dialect: 'postgres', schema, command },
          text: `Schema ${schema} is empty. Run:\n  ${command}\nthen start the instances (they apply any newer migrations).\n${KEY_NOTE}`,
        };
      } finally {
        await store.close();
      }
    }
    const summary = await restoreSqlite(file, sqlite);
    const store = openStore(config.store.url);
    const applied = await store.migrate().finally(() => store.close());
    return {
      data: { dialect: 'sqlite', file: sqlite, ...summary, migrationsApplied: applied },
      text: `Restored ${file} into ${sqlite}: ${summary.tenants} tenants, ${summary.messages} outbox messages, ${summary.connections} connected apps, ${summary.auditEntries} audit entries.${applied.length > 0 ? ` Migrated: ${applied.join(', ')}.` : ''}`,
    };
  },
};

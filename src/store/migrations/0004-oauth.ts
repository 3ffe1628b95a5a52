import type { Kysely, Migration } from 'kysely';

/**
 * The authorization server's state. `oauth_models` holds every oidc-provider model (clients,
 * grants, codes, tokens, sessions, interactions) keyed by (model, id) — bearer-secret ids are
 * stored as SHA-256 — with the secondary keys the engine looks things up by. The other tables are
 * ours: signing keys (encrypted at rest), connected apps (grant → tenant and granted scopes), web
 * sessions, sign-in codes and the refresh-token grace replays.
 */
export const oauth: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('oauth_models')
      .addColumn('model', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('grant_id', 'text')
      .addColumn('uid', 'text')
      .addColumn('user_code', 'text')
      .addColumn('payload', 'text', (c) => c.notNull())
      /** Epoch milliseconds; null = no expiry. */
      .addColumn('expires_at', 'bigint')
      .addColumn('consumed_at', 'bigint')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('oauth_models_pk', ['model', 'id'])
      .execute();
    await db.schema.createIndex('oauth_models_grant').on('oauth_models').columns(['grant_id']).execute();
    await db.schema.createIndex('oauth_models_uid').on('oauth_models').columns(['model', 'uid']).execute();
    await db.schema
      .createIndex('oauth_models_user_code')
      .on('oauth_models')
      .columns(['model', 'user_code'])
      .execute();
    await db.schema.createIndex('oauth_models_expiry').on('oauth_models').columns(['expires_at']).execute();

    await db.schema
      .createTable('oauth_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      /** AES-256-GCM sealed private JWK (see src/oauth/sealed.ts). */
      .addColumn('sealed_jwk', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('retired_at', 'text')
      .execute();

    await db.schema
      .createTable('oauth_connections')
      .addColumn('grant_id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('client_name', 'text', (c) => c.notNull())
      .addColumn('redirect_host', 'text', (c) => c.notNull())
      /** Space-separated granted scopes (only ever narrowed after consent). */
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_used_at', 'text')
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema
      .createIndex('oauth_connections_user')
      .on('oauth_connections')
      .columns(['user_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('web_sessions')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('tenant_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('sign_in_codes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('code_hash', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('consumed_at', 'text')
      .execute();
    await db.schema
      .createIndex('sign_in_codes_email')
      .on('sign_in_codes')
      .columns(['email', 'created_at'])
      .execute();

    await db.schema
      .createTable('oauth_refresh_replays')
      .addColumn('parent_hash', 'text', (c) => c.primaryKey())
      .addColumn('child_hash', 'text', (c) => c.notNull())
      /** The token response sealed with AES-256-GCM, replayed within the grace window only. */
      .addColumn('sealed_response', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};

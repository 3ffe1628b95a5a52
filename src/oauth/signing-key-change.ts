import type { Kysely, Transaction } from 'kysely';
import { appendAudits } from '../domain/audit/audit-log.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { KeyRing } from '../lib/secrets.js';
import type { Database } from '../store/schema.js';
import { addSigningKeySet } from './key-store.js';
import { Sealer } from './sealed.js';

/** What a change of WORKONWARD_MCP_OAUTH_SIGNING_KEY did to the stored sealed state. */
export interface KeyChange {
  /** Values sealed under WORKONWARD_MCP_OAUTH_SIGNING_KEY_PREVIOUS, now sealed under the current key. */
  readonly rewrapped: { readonly signingKeys: number; readonly clientSecrets: number };
  /** Signing keys sealed under a key that is no longer configured: retired, never used again. */
  readonly retiredSigningKeys: number;
  /** Clients whose secret no configured key opens: deleted, so they register again (DCR). */
  readonly droppedClients: readonly string[];
  /** Connections of those clients, revoked: the apps that must reconnect. */
  readonly revokedConnections: readonly { readonly clientName: string; readonly grantId: string }[];
}

type Trx = Transaction<Database>;

/**
 * Brings the store in line with the configured signing key before the authorization server
 * reads it, so a new WORKONWARD_MCP_OAUTH_SIGNING_KEY never stops the server (issue 7 item 4).
 * Nothing happens when every live signing key opens under the current key. Otherwise, in one
 * transaction: what the previous key opens is re-sealed under the current one; what no configured
 * key opens is retired (signing keys) or deleted with its connections (confidential clients,
 * refresh replays); and a fresh signing key set is added (the rotation). Returns undefined when
 * the key did not change.
 */
export async function reconcileSigningKeyChange(
  db: Kysely<Database>,
  keys: KeyRing,
  clock: Clock,
): Promise<KeyChange | undefined> {
  const signing = new Sealer(keys, 'oauth-signing-keys');
  return db.transaction().execute(async (trx) => {
    const live = await trx
      .selectFrom('oauth_keys')
      .select(['id', 'sealed_jwk'])
      .where('retired_at', 'is', null)
      .execute();
    const opened = live.map((row) => ({ row, opened: signing.tryOpen(row.sealed_jwk) }));
    if (opened.every((entry) => entry.opened?.under === 'current')) return undefined;

    const now = clock.now().toISOString();
    let rewrappedKeys = 0;
    let retired = 0;
    for (const { row, opened: result } of opened) {
      if (result?.under === 'current') continue;
      if (result === undefined) retired++;
      else rewrappedKeys++;
      await trx
        .updateTable('oauth_keys')
        .set(result === undefined ? { retired_at: now } : { sealed_jwk: signing.seal(result.plaintext) })
        .where('id', '=', row.id)
        .execute();
    }
    const clients = await reconcileClientSecrets(trx, new Sealer(keys, 'oauth-client-secrets'));
    const revoked = await revokeConnectionsOf(trx, clients.dropped, now);
    await reconcileRefreshReplays(trx, new Sealer(keys, 'oauth-refresh-replays'));
    await addSigningKeySet(trx, signing, clock, false);
    await appendAudits(
      trx,
      clock,
      revoked.map((connection) => ({
        tenantId: connection.tenantId,
        userId: connection.userId,
        clientId: connection.clientId,
        action: 'oauth.connection_revoked',
        decision: 'allowed',
        reason:
          'WORKONWARD_MCP_OAUTH_SIGNING_KEY changed and the client secret sealed under the old key cannot be opened; the app must reconnect',
        details: { grant_id: connection.grantId },
      })),
    );
    return {
      rewrapped: { signingKeys: rewrappedKeys, clientSecrets: clients.rewrapped },
      retiredSigningKeys: retired,
      droppedClients: clients.dropped,
      revokedConnections: revoked.map((c) => ({ clientName: c.clientName, grantId: c.grantId })),
    };
  });
}

async function reconcileClientSecrets(trx: Trx, sealer: Sealer) {
  const rows = await trx
    .selectFrom('oauth_models')
    .select(['id', 'payload'])
    .where('model', '=', 'Client')
    .execute();
  let rewrapped = 0;
  const dropped: string[] = [];
  for (const row of rows) {
    const payload = JSON.parse(row.payload) as { client_secret?: unknown };
    if (typeof payload.client_secret !== 'string') continue;
    const opened = sealer.tryOpen(payload.client_secret);
    if (opened?.under === 'current') continue;
    if (opened === undefined) {
      dropped.push(row.id);
      await trx.deleteFrom('oauth_models').where('model', '=', 'Client').where('id', '=', row.id).execute();
      continue;
    }
    rewrapped++;
    payload.client_secret = sealer.seal(opened.plaintext);
    await trx
      .updateTable('oauth_models')
      .set({ payload: JSON.stringify(payload) })
      .where('model', '=', 'Client')
      .where('id', '=', row.id)
      .execute();
  }
  return { rewrapped, dropped };
}

async function revokeConnectionsOf(trx: Trx, clientIds: readonly string[], at: string) {
  if (clientIds.length === 0) return [];
  const rows = await trx
    .selectFrom('oauth_connections')
    .select(['grant_id', 'client_id', 'client_name', 'tenant_id', 'user_id'])
    .where('client_id', 'in', clientIds)
    .where('revoked_at', 'is', null)
    .execute();
  const grants = rows.map((row) => row.grant_id);
  if (grants.length > 0) {
    await trx
      .updateTable('oauth_connections')
      .set({ revoked_at: at })
      .where('grant_id', 'in', grants)
      .execute();
    await trx.deleteFrom('oauth_models').where('grant_id', 'in', grants).execute();
  }
  return rows.map((row) => ({
    grantId: row.grant_id,
    clientId: row.client_id,
    clientName: row.client_name,
    tenantId: row.tenant_id,
    userId: row.user_id,
  }));
}

/** Grace-window replays live seconds: re-seal what the previous key opens, drop the rest. */
async function reconcileRefreshReplays(trx: Trx, sealer: Sealer) {
  const rows = await trx
    .selectFrom('oauth_refresh_replays')
    .select(['parent_hash', 'sealed_response'])
    .execute();
  for (const row of rows) {
    const opened = sealer.tryOpen(row.sealed_response);
    if (opened?.under === 'current') continue;
    if (opened === undefined)
      await trx.deleteFrom('oauth_refresh_replays').where('parent_hash', '=', row.parent_hash).execute();
    else
      await trx
        .updateTable('oauth_refresh_replays')
        .set({ sealed_response: sealer.seal(opened.plaintext) })
        .where('parent_hash', '=', row.parent_hash)
        .execute();
  }
}

/** The one log line an operator reads after changing the key: what it cost and what to do. */
export function logKeyChange(logger: Logger, change: KeyChange, previousConfigured: boolean): void {
  const apps = [...new Set(change.revokedConnections.map((c) => c.clientName))];
  const cost =
    change.droppedClients.length === 0
      ? 'no connection was dropped'
      : `${change.revokedConnections.length} connection(s) of ${change.droppedClients.length} client(s) with a client secret were revoked (${apps.join(', ') || 'none in use'}): those apps must reconnect; ChatGPT and other DCR clients register again on their own; connections of public clients keep working`;
  const next = previousConfigured
    ? 'Keep WORKONWARD_MCP_OAUTH_SIGNING_KEY_PREVIOUS for 14 days (browser sessions, pending sign-in codes), then remove it'
    : 'To change the key without dropping anything, set WORKONWARD_MCP_OAUTH_SIGNING_KEY_PREVIOUS to the old key for the restart';
  logger.warn(
    {
      event: 'oauth.signing_key_changed',
      rewrappedSigningKeys: change.rewrapped.signingKeys,
      rewrappedClientSecrets: change.rewrapped.clientSecrets,
      retiredSigningKeys: change.retiredSigningKeys,
      droppedClients: change.droppedClients.length,
      revokedConnections: change.revokedConnections.length,
    },
    `WORKONWARD_MCP_OAUTH_SIGNING_KEY changed: authorization-server signing keys rotated (${change.rewrapped.signingKeys} re-sealed under the new key, ${change.retiredSigningKeys} sealed under an unknown key retired); ${cost}; browser sign-ins in progress start over. ${next}.`,
  );
}

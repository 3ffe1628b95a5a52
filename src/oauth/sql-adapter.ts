import { pruneRateLimits } from '../store/rate-limits.js';
import type { Kysely } from 'kysely';
import { type Adapter, type AdapterPayload, errors } from 'oidc-provider';
import { type Clock, epochMs } from '../lib/clock.js';
import { sha256 } from '../lib/secrets.js';
import type { Database } from '../store/schema.js';
import type { Sealer } from './sealed.js';

/**
 * Models whose id is a bearer secret (a token, a code, a cookie value): stored as SHA-256 with the
 * id removed from the payload, so a database dump yields nothing usable. Clients and grants keep
 * their ids (they are identifiers, not credentials); a client secret is sealed instead.
 */
const HASHED = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'ClientCredentials',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'RegistrationAccessToken',
  'InitialAccessToken',
  'PushedAuthorizationRequest',
  'Session',
  'Interaction',
]);

export const UNUSED_CLIENT_TTL_MS = 30 * 86_400_000;

/** A client that has been issued a token stays registered for as long as connections use it. */
export async function markClientUsed(db: Kysely<Database>, clientId: string): Promise<void> {
  await db
    .updateTable('oauth_models')
    .set({ expires_at: null })
    .where('model', '=', 'Client')
    .where('id', '=', clientId)
    .where('expires_at', 'is not', null)
    .execute();
}

/** Deletes what has expired (tokens, codes, sessions, unused clients, sign-in codes, grace replays, limit windows). */
export async function purgeExpired(db: Kysely<Database>, now: number): Promise<void> {
  await db.deleteFrom('oauth_models').where('expires_at', '<', now).execute();
  await db
    .deleteFrom('oauth_refresh_replays')
    .where('created_at', '<', now - 3_600_000)
    .execute();
  const iso = new Date(now).toISOString();
  await db.deleteFrom('web_sessions').where('expires_at', '<', iso).execute();
  await db.deleteFrom('sign_in_codes').where('expires_at', '<', iso).execute();
  await pruneRateLimits(db, now);
}

/** The key a model's row is stored under. */
export function storedId(model: string, id: string): string {
  return HASHED.has(model) ? sha256(id) : id;
}

/**
 * oidc-provider's storage contract on our store: one table for every model, the same SQL on
 * SQLite and PostgreSQL. `consume` is a conditional UPDATE that fails when another request got
 * there first, so one code or refresh token can be redeemed exactly once under any concurrency.
 */
export function sqlAdapterFactory(db: Kysely<Database>, clientSecrets: Sealer, clock: Clock) {
  return (model: string): Adapter => {
    const hashed = HASHED.has(model);
    const key = (id: string) => storedId(model, id);
    const live = () => epochMs(clock);

    const payloadOf = (row: { payload: string }) => JSON.parse(row.payload) as AdapterPayload;
    const decode = (
      id: string,
      row: { payload: string; consumed_at: number | null },
    ): AdapterPayload | undefined => {
      const payload = payloadOf(row);
      if (hashed) payload.jti = id;
      if (row.consumed_at !== null) payload.consumed = Math.floor(row.consumed_at / 1000);
      if (model === 'Client' && typeof payload.client_secret === 'string') {
        // A secret sealed under a signing key no longer configured (another instance still on the
        // old key) is unusable: the client is unknown, and it registers again (DCR).
        const secret = clientSecrets.tryOpen(payload.client_secret);
        if (secret === undefined) return undefined;
        payload.client_secret = secret.plaintext;
      }
      return payload;
    };

    const findBy = async (column: 'id' | 'uid' | 'user_code', value: string) => {
      const row = await db
        .selectFrom('oauth_models')
        .select(['id', 'payload', 'consumed_at', 'expires_at'])
        .where('model', '=', model)
        .where(column, '=', column === 'id' ? key(value) : value)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      if (row.expires_at !== null && row.expires_at <= live()) return undefined;
      return row;
    };

    return {
      async upsert(id, payload, expiresIn) {
        const stored: AdapterPayload = { ...payload };
        if (hashed) delete stored.jti;
        if (model === 'Client' && typeof stored.client_secret === 'string')
          stored.client_secret = clientSecrets.seal(stored.client_secret);
        const values = {
          grant_id: model === 'Grant' ? id : (payload.grantId ?? null),
          uid: payload.uid ?? null,
          user_code: payload.userCode ?? null,
          payload: JSON.stringify(stored),
        };
        // A registered client that is never used expires after 30 days (A9); the first token
        // issued to it makes it permanent (see markClientUsed).
        const expiresAt =
          typeof expiresIn === 'number'
            ? live() + expiresIn * 1000
            : model === 'Client'
              ? live() + UNUSED_CLIENT_TTL_MS
              : null;
        await db
          .insertInto('oauth_models')
          .values({
            model,
            id: key(id),
            ...values,
            expires_at: expiresAt,
            consumed_at: null,
            created_at: clock.now().toISOString(),
          })
          .onConflict((oc) =>
            oc
              .columns(['model', 'id'])
              .doUpdateSet(model === 'Client' ? values : { ...values, expires_at: expiresAt }),
          )
          .execute();
      },
      async find(id) {
        const row = await findBy('id', id);
        return row && decode(id, row);
      },
      async findByUid(uid) {
        const row = await findBy('uid', uid);
        // Only sessions are found by uid; their id is the (hashed) cookie value, which the engine
        // does not need back from this lookup.
        return row && { ...payloadOf(row), ...(row.consumed_at !== null && { consumed: 1 }) };
      },
      async findByUserCode(userCode) {
        const row = await findBy('user_code', userCode);
        return row && payloadOf(row);
      },
      async consume(id) {
        const result = await db
          .updateTable('oauth_models')
          .set({ consumed_at: live() })
          .where('model', '=', model)
          .where('id', '=', key(id))
          .where('consumed_at', 'is', null)
          .executeTakeFirst();
        if (result.numUpdatedRows === 0n)
          throw new errors.InvalidGrant(
            `${model === 'RefreshToken' ? 'refresh token' : 'grant'} already used`,
          );
      },
      async destroy(id) {
        await db.deleteFrom('oauth_models').where('model', '=', model).where('id', '=', key(id)).execute();
      },
      async revokeByGrantId(grantId) {
        await db
          .deleteFrom('oauth_models')
          .where('model', '=', model)
          .where('grant_id', '=', grantId)
          .execute();
      },
    };
  };
}

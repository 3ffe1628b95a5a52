import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import type { Database } from '../store/schema.js';
import type { Sealer } from './sealed.js';

/** RS256 is what OpenID Connect requires every provider to support for ID tokens; ES256 is the compact default. */
const ALGORITHMS = ['RS256', 'ES256'] as const;

async function newKeySet(): Promise<JWK[]> {
  return Promise.all(
    ALGORITHMS.map(async (alg) => {
      const { privateKey } = await generateKeyPair(alg, { extractable: true });
      return { ...(await exportJWK(privateKey)), alg, use: 'sig', kid: newId() };
    }),
  );
}

/**
 * Adds a fresh key set, sealed under the current root. The very first set has fixed ids, so
 * instances starting together on an empty store agree on one set.
 */
export async function addSigningKeySet(
  db: Kysely<Database> | Transaction<Database>,
  sealer: Sealer,
  clock: Clock,
  first: boolean,
): Promise<void> {
  const now = clock.now().toISOString();
  const batch = newId();
  for (const [index, jwk] of (await newKeySet()).entries()) {
    await db
      .insertInto('oauth_keys')
      .values({
        id: first ? `initial-${index}` : `${now}-${index}-${batch}`,
        sealed_jwk: sealer.seal(JSON.stringify(jwk)),
        created_at: now,
        retired_at: null,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
}

/**
 * The provider's signing keys: stored sealed (AES-256-GCM under a key derived from
 * WORKONWARD_MCP_OAUTH_SIGNING_KEY), newest first so the engine signs with the newest and still
 * verifies with older ones until they are retired. Keys sealed under a root that is no longer
 * configured are never used (see signing-key-change.ts, which retires them at start).
 */
export async function loadSigningKeys(
  db: Kysely<Database>,
  sealer: Sealer,
  clock: Clock,
): Promise<{ keys: JWK[] }> {
  const readable = async () => {
    const rows = await db
      .selectFrom('oauth_keys')
      .select(['sealed_jwk'])
      .where('retired_at', 'is', null)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'asc')
      .execute();
    return rows.flatMap((row) => {
      const opened = sealer.tryOpen(row.sealed_jwk);
      return opened === undefined ? [] : [JSON.parse(opened.plaintext) as JWK];
    });
  };
  let keys = await readable();
  if (keys.length === 0) {
    const any = await db.selectFrom('oauth_keys').select('id').limit(1).executeTakeFirst();
    await addSigningKeySet(db, sealer, clock, any === undefined);
    keys = await readable();
  }
  return { keys };
}

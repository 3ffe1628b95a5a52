import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Kysely } from 'kysely';
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

async function insertKeys(db: Kysely<Database>, sealer: Sealer, keys: JWK[], fixedIds: boolean) {
  const now = new Date().toISOString();
  for (const [index, jwk] of keys.entries()) {
    await db
      .insertInto('oauth_keys')
      .values({
        // Fixed ids for the very first set, so instances starting together agree on one set.
        id: fixedIds ? `initial-${index}` : `${now}-${index}`,
        sealed_jwk: sealer.seal(JSON.stringify(jwk)),
        created_at: now,
        retired_at: null,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
}

/**
 * The provider's signing keys: generated once, stored sealed (AES-256-GCM under a key derived
 * from WORKONWARD_MCP_OAUTH_SIGNING_KEY), newest first so the engine signs with the newest and
 * still verifies with older ones until they are retired.
 */
export async function loadSigningKeys(db: Kysely<Database>, sealer: Sealer): Promise<{ keys: JWK[] }> {
  const read = () =>
    db
      .selectFrom('oauth_keys')
      .select(['sealed_jwk'])
      .where('retired_at', 'is', null)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'asc')
      .execute();
  let rows = await read();
  if (rows.length === 0) {
    await insertKeys(db, sealer, await newKeySet(), true);
    rows = await read();
  }
  try {
    return { keys: rows.map((row) => JSON.parse(sealer.open(row.sealed_jwk)) as JWK) };
  } catch {
    throw new Error(
      'The stored OAuth signing keys cannot be decrypted: WORKONWARD_MCP_OAUTH_SIGNING_KEY differs from the one they were created with. Fix: restore the original key.',
    );
  }
}

/** Adds a fresh key set (used for new signatures on next start); older keys keep verifying. */
export async function rotateSigningKeys(db: Kysely<Database>, sealer: Sealer): Promise<void> {
  await insertKeys(db, sealer, await newKeySet(), false);
}

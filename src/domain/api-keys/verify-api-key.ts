import type { Clock } from '../../lib/clock.js';
import { safeEqual, sha256 } from '../../lib/secrets.js';
import { apiKeysRepository } from '../../store/api-keys-repository.js';
import type { Store } from '../../store/open-store.js';
import type { Principal } from '../principal.js';
import { API_KEY_PATTERN, parseScopeList } from './api-keys.js';

/**
 * API key → the principal it acts as (its tenant and scopes; `apiKey.onBehalfOf` is filled in by
 * the caller once checked), or undefined for a malformed, unknown or revoked key.
 */
export type ApiKeyVerifier = (presented: string) => Promise<Principal | undefined>;

/**
 * Looks the key up by its SHA-256 on every request (so a revocation holds on the very next
 * request on every instance), then compares the hashes in constant time as well: the index finds
 * the row, the comparison decides.
 */
export function storedApiKeyVerifier(store: Pick<Store, 'db' | 'asOwner'>, clock: Clock): ApiKeyVerifier {
  const keys = apiKeysRepository(store.db);
  // Owner work (store/owner-work.ts): the key names its tenant only once it is found.
  return (presented) => store.asOwner('api key verifier', () => verify(presented));

  async function verify(presented: string): Promise<Principal | undefined> {
    if (!API_KEY_PATTERN.test(presented)) return undefined;
    const hash = sha256(presented);
    const row = await keys.findLiveByHash(hash);
    if (row === undefined || !safeEqual(row.key_hash, hash)) return undefined;
    await keys.touch(row.id, clock.now(), row.last_used_at);
    return {
      tenantId: row.tenant_id,
      tenantSlug: row.tenant_slug,
      tenantName: row.tenant_name,
      userId: null,
      clientId: `api-key:${row.id}`,
      scopes: parseScopeList(row.scopes),
      apiKey: { id: row.id, prefix: row.prefix, mayActForPeople: row.on_behalf_of === 1, onBehalfOf: null },
    };
  }
}

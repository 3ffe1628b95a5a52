import type { Kysely } from 'kysely';
import { errors, type KoaContextWithOIDC, type Provider } from 'oidc-provider';
import { type Clock, epochMs } from '../lib/clock.js';
import { sha256 } from '../lib/secrets.js';
import type { Database } from '../store/schema.js';
import { type GrantHandler, wrapGrantHandler } from './engine-grant-handler.js';
import type { Sealer } from './sealed.js';

export interface RefreshGraceOptions {
  readonly db: Kysely<Database>;
  readonly sealer: Sealer;
  /** The clock the storage adapter stamps `consumed_at` with. */
  readonly clock: Clock;
  /** G: how long a just-rotated refresh token may be presented again (0 = strict rotation). */
  readonly graceMs: number;
  /** Called when a consumed refresh token comes back after G (the engine then revokes the family). */
  readonly onReuse: (ctx: KoaContextWithOIDC, grantId: string | null) => Promise<void>;
}

/**
 * Refresh rotation with a grace window (A12). The engine revokes the whole grant on any reuse;
 * clients that lose a response (network, two tabs) would be locked out. Within G the previous
 * token gets back the very same answer (same access token, same child) as long as that child is
 * still live; a reuse with no answer to replay yet (a concurrent request in flight) gets a
 * retryable `invalid_grant` without revoking anything; after G the engine's reuse detection
 * revokes the family and the grant.
 *
 * The decision runs inside the engine's refresh_token grant, so after the engine has authenticated
 * the client exactly as for any token request (issue 9, finding 4): no authentication, a wrong
 * secret or another client's credentials never see a replayed answer. A token presented by a
 * client it was not issued to goes on to the engine, which refuses it (`client mismatch`) without
 * revoking the rightful client's family.
 */
export function installRefreshGrace(provider: Provider, options: RefreshGraceOptions): void {
  wrapGrantHandler(provider, 'refresh_token', (engine) => withGrace(engine, options));
}

function withGrace(engine: GrantHandler, options: RefreshGraceOptions): GrantHandler {
  const { db, sealer, graceMs, clock } = options;
  return async (ctx) => {
    const presented = ctx.oidc?.params?.refresh_token;
    const clientId = ctx.oidc?.client?.clientId;
    if (typeof presented !== 'string' || clientId === undefined) return engine(ctx);
    const parentHash = sha256(presented);
    const parent = await db
      .selectFrom('oauth_models')
      .select(['consumed_at', 'grant_id', 'payload'])
      .where('model', '=', 'RefreshToken')
      .where('id', '=', parentHash)
      .executeTakeFirst();

    if (parent?.consumed_at != null && issuedTo(parent.payload) === clientId) {
      // Same clock as the adapter's consumed_at (ms).
      const age = epochMs(clock) - parent.consumed_at;
      if (age <= graceMs) {
        const replay = await liveReplay(db, parentHash);
        if (replay === undefined) throw new errors.InvalidGrant('refresh token is being rotated; retry');
        ctx.body = JSON.parse(sealer.open(replay)) as unknown;
        return;
      }
      await options.onReuse(ctx, parent.grant_id);
    }

    await engine(ctx);
    const issued = (ctx.body as { refresh_token?: unknown } | undefined)?.refresh_token;
    if (typeof issued === 'string' && graceMs > 0) {
      await db
        .insertInto('oauth_refresh_replays')
        .values({
          parent_hash: parentHash,
          child_hash: sha256(issued),
          sealed_response: sealer.seal(JSON.stringify(ctx.body)),
          created_at: epochMs(clock),
        })
        .onConflict((oc) => oc.column('parent_hash').doNothing())
        .execute();
    }
  };
}

/** The client a stored refresh token was issued to. */
function issuedTo(payload: string): unknown {
  return (JSON.parse(payload) as { clientId?: unknown }).clientId;
}

async function liveReplay(db: Kysely<Database>, parentHash: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('oauth_refresh_replays as r')
    .innerJoin('oauth_models as m', (join) =>
      join.onRef('m.id', '=', 'r.child_hash').on('m.model', '=', 'RefreshToken'),
    )
    .select(['r.sealed_response'])
    .where('r.parent_hash', '=', parentHash)
    .where('m.consumed_at', 'is', null)
    .executeTakeFirst();
  return row?.sealed_response;
}

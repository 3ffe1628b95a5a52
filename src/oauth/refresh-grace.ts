import type { Kysely } from 'kysely';
import type { KoaContextWithOIDC, Middleware } from 'oidc-provider';
import { sha256 } from '../lib/secrets.js';
import type { Database } from '../store/schema.js';
import { bodyOf } from './request-body.js';
import type { Sealer } from './sealed.js';

export interface RefreshGraceOptions {
  readonly db: Kysely<Database>;
  readonly sealer: Sealer;
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
 */
export function refreshGrace(options: RefreshGraceOptions): Middleware {
  const { db, sealer, graceMs } = options;
  return async (ctx, next) => {
    if (ctx.path !== '/oauth/token' || ctx.method !== 'POST') return next();
    const body = bodyOf(ctx);
    const presented = body?.grant_type === 'refresh_token' ? body.refresh_token : undefined;
    if (typeof presented !== 'string') return next();
    const parentHash = sha256(presented);
    const parent = await db
      .selectFrom('oauth_models')
      .select(['consumed_at', 'grant_id'])
      .where('model', '=', 'RefreshToken')
      .where('id', '=', parentHash)
      .executeTakeFirst();

    if (parent?.consumed_at != null) {
      const age = Date.now() - parent.consumed_at;
      if (age <= graceMs) {
        const replay = await liveReplay(db, parentHash);
        ctx.set('Cache-Control', 'no-store');
        ctx.set('Pragma', 'no-cache');
        if (replay !== undefined) {
          ctx.status = 200;
          ctx.body = JSON.parse(sealer.open(replay)) as unknown;
        } else {
          ctx.status = 400;
          ctx.body = { error: 'invalid_grant', error_description: 'refresh token is being rotated; retry' };
        }
        return;
      }
      await options.onReuse(ctx, parent.grant_id);
      return next();
    }

    await next();
    const issued = (ctx.body as { refresh_token?: unknown } | undefined)?.refresh_token;
    if (ctx.status === 200 && typeof issued === 'string' && graceMs > 0) {
      await db
        .insertInto('oauth_refresh_replays')
        .values({
          parent_hash: parentHash,
          child_hash: sha256(issued),
          sealed_response: sealer.seal(JSON.stringify(ctx.body)),
          created_at: Date.now(),
        })
        .onConflict((oc) => oc.column('parent_hash').doNothing())
        .execute();
    }
  };
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

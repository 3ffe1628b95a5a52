import type { Kysely } from 'kysely';
import type { Middleware } from 'oidc-provider';
import { isScope } from '../domain/scopes.js';
import type { Database } from '../store/schema.js';
import { connectionsRepository } from './connections.js';

interface IntrospectedToken {
  grantId?: string;
}

/**
 * Introspection answers from the connection as it is now, as the MCP endpoint does: the engine
 * reports the scopes a token was issued with, so a grant narrowed under Settings → Developer →
 * Connected apps would still look wide. Our scopes the connection no longer holds are removed;
 * a token without a live connection is `{"active":false}`.
 */
export function introspectionFromConnection(db: Kysely<Database>): Middleware {
  const connections = connectionsRepository(db);
  return async (ctx, next) => {
    await next();
    if (ctx.path !== '/oauth/introspect' || ctx.status !== 200) return;
    const body = ctx.body as { active?: boolean; scope?: string } | null;
    if (body?.active !== true) return;
    const entities = ctx.oidc?.entities ?? {};
    const token = (entities.AccessToken ?? entities.RefreshToken) as IntrospectedToken | undefined;
    const connection = token?.grantId === undefined ? undefined : await connections.find(token.grantId);
    if (connection === undefined || connection.revoked_at !== null) {
      ctx.body = { active: false };
      return;
    }
    const held = new Set(connection.scopes.split(' '));
    const scopes = (body.scope ?? '').split(' ').filter((s) => s !== '' && (!isScope(s) || held.has(s)));
    body.scope = scopes.length > 0 ? scopes.join(' ') : undefined;
  };
}

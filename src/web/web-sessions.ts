import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import type { Clock } from '../lib/clock.js';
import { newSecretToken } from '../lib/ids.js';
import { sha256 } from '../lib/secrets.js';
import type { Database } from '../store/schema.js';
import type { CookieJar } from './cookies.js';

const COOKIE = 'wo_session';
const TTL_MS = 12 * 3600_000;

export interface WebUser {
  readonly sessionHash: string;
  readonly userId: string;
  readonly email: string;
  readonly name: string;
  readonly tenantId: string | null;
}

/** Signed-in browser sessions: a random cookie value, stored only as its SHA-256. */
export function webSessions(db: Kysely<Database>, clock: Clock, jar: CookieJar) {
  return {
    async start(c: Context, userId: string, tenantId: string | null): Promise<void> {
      const value = newSecretToken();
      const now = clock.now();
      await db
        .insertInto('web_sessions')
        .values({
          id_hash: sha256(value),
          user_id: userId,
          tenant_id: tenantId,
          created_at: now.toISOString(),
          expires_at: new Date(now.getTime() + TTL_MS).toISOString(),
        })
        .execute();
      jar.set(c, COOKIE, value, TTL_MS / 1000);
    },
    async current(c: Context): Promise<WebUser | undefined> {
      const value = jar.get(c, COOKIE);
      if (value === undefined || value.length < 20) return undefined;
      const row = await db
        .selectFrom('web_sessions as s')
        .innerJoin('users as u', 'u.id', 's.user_id')
        .select(['s.id_hash', 's.user_id', 's.tenant_id', 's.expires_at', 'u.email', 'u.name'])
        .where('s.id_hash', '=', sha256(value))
        .executeTakeFirst();
      if (row === undefined || row.expires_at <= clock.now().toISOString()) return undefined;
      return {
        sessionHash: row.id_hash,
        userId: row.user_id,
        email: row.email,
        name: row.name,
        tenantId: row.tenant_id,
      };
    },
    async switchTenant(user: WebUser, tenantId: string): Promise<void> {
      await db
        .updateTable('web_sessions')
        .set({ tenant_id: tenantId })
        .where('id_hash', '=', user.sessionHash)
        .execute();
    },
    async end(c: Context, user: WebUser | undefined): Promise<void> {
      if (user !== undefined)
        await db.deleteFrom('web_sessions').where('id_hash', '=', user.sessionHash).execute();
      jar.clear(c, COOKIE);
    },
  };
}

export type WebSessions = ReturnType<typeof webSessions>;

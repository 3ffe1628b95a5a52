import type { KoaContextWithOIDC, Middleware } from 'oidc-provider';
import type { RateLimiter } from '../domain/limits/rate-limiter.js';
import { bodyOf } from './request-body.js';
import { tooManyRequests } from './too-many-requests.js';

/** The endpoints where a client authenticates itself. */
const CLIENT_AUTH_PATHS = new Set(['/oauth/token', '/oauth/introspect', '/oauth/revoke']);

/** The client a request claims to be: HTTP Basic user name, else the `client_id` form field. */
function claimedClientId(ctx: KoaContextWithOIDC): string | undefined {
  const basic = /^Basic\s+(\S+)$/i.exec(String(ctx.headers.authorization ?? ''));
  if (basic?.[1] !== undefined) {
    const user = Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0] ?? '';
    try {
      return decodeURIComponent(user.replace(/\+/g, ' ')) || undefined;
    } catch {
      return undefined;
    }
  }
  const body = bodyOf(ctx);
  return typeof body?.client_id === 'string' && body.client_id !== '' ? body.client_id : undefined;
}

/**
 * Slows secret guessing (security-targets.md, Abuse): once a client id has failed client
 * authentication `limit` times in the window, every request claiming it gets 429 with
 * Retry-After until enough failures have aged out of the window, right secret or not.
 * Counted in the database, so it holds across instances.
 */
export function clientAuthThrottle(failures: RateLimiter): Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'POST' || !CLIENT_AUTH_PATHS.has(ctx.path)) return next();
    const clientId = claimedClientId(ctx);
    const decision = clientId === undefined ? undefined : await failures.check(clientId);
    if (decision?.allowed === false) {
      tooManyRequests(ctx, decision, 'invalid_client', 'too many failed client authentications');
      return;
    }
    await next();
    const error = (ctx.body as { error?: unknown } | undefined)?.error;
    // Only registered clients count: rotating made-up ids must not flush the real counters.
    const registered = ctx.oidc?.client?.clientId === clientId;
    if (clientId !== undefined && registered && ctx.status === 401 && error === 'invalid_client')
      await failures.take(clientId);
  };
}

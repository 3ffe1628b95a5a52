import type { KoaContextWithOIDC, Middleware } from 'oidc-provider';
import type { RateLimiter } from '../domain/limits/rate-limiter.js';
import { acceptableRedirectUri, isCustomScheme, isLoopbackHttp } from './redirect-uris.js';
import { bodyOf } from './request-body.js';
import { tooManyRequests } from './too-many-requests.js';

function refuse(ctx: KoaContextWithOIDC, status: number, error: string, description: string): void {
  ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = { error, error_description: description };
}

/**
 * What real clients send, made acceptable before the engine validates it (A9):
 * - `application_type` absent with loopback or custom-scheme redirect URIs → `native` (Cursor,
 *   mcp-remote), which also turns on port-agnostic loopback matching;
 * - unacceptable redirect URIs (dangerous schemes, http off loopback, fragments, look-alike
 *   ChatGPT callbacks) are dropped one by one, so one bad URI does not sink the registration;
 *   if none remain the registration is refused with `invalid_redirect_uri`.
 */
export function prepareRegistration(
  metadata: Record<string, unknown>,
): { ok: true; metadata: Record<string, unknown> } | { ok: false; description: string } {
  const raw = metadata.redirect_uris;
  if (!Array.isArray(raw) || raw.length === 0)
    return { ok: false, description: 'redirect_uris must list at least one URI' };
  const kept = raw.filter(acceptableRedirectUri) as string[];
  if (kept.length === 0) return { ok: false, description: 'no acceptable redirect_uris' };
  const urls = kept.map((uri) => new URL(uri));
  const prepared: Record<string, unknown> = { ...metadata, redirect_uris: kept };
  if (prepared.application_type === undefined && urls.some((u) => isLoopbackHttp(u) || isCustomScheme(u)))
    prepared.application_type = 'native';
  if (prepared.application_type === 'web' && urls.some((u) => isLoopbackHttp(u) || isCustomScheme(u)))
    prepared.application_type = 'native';
  return { ok: true, metadata: prepared };
}

/** Registration endpoint policy: ≤ `limiter` registrations per client IP, then the metadata fixes above. */
export function registrationPolicy(limiter: RateLimiter): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== '/oauth/register') return next();
    // Open registration is open to browser-based clients too (MCP Inspector's web build).
    ctx.set('Access-Control-Allow-Origin', '*');
    if (ctx.method === 'OPTIONS') {
      ctx.set('Access-Control-Allow-Methods', 'POST');
      ctx.set('Access-Control-Allow-Headers', 'content-type, authorization');
      ctx.set('Access-Control-Max-Age', '3600');
      ctx.status = 204;
      return;
    }
    if (ctx.method !== 'POST') return next();
    const decision = await limiter.take(ctx.ip);
    if (!decision.allowed) {
      tooManyRequests(ctx, decision, 'too_many_requests', 'Too many client registrations from this address');
      return;
    }
    const body = bodyOf(ctx);
    if (body === undefined) {
      refuse(ctx, 400, 'invalid_client_metadata', 'expected a JSON object');
      return;
    }
    const prepared = prepareRegistration(body);
    if (!prepared.ok) {
      refuse(ctx, 400, 'invalid_redirect_uri', prepared.description);
      return;
    }
    (ctx.req as typeof ctx.req & { body?: unknown }).body = prepared.metadata;
    return next();
  };
}

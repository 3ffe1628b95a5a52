import type { KoaContextWithOIDC } from 'oidc-provider';
import type { RateDecision } from '../domain/limits/rate-limiter.js';

/**
 * The authorization server's answer to a request over a rate limit: 429 with `Retry-After`
 * (RFC 9110 §10.2.3) taken from the limit itself, and an OAuth error body naming the limit.
 */
export function tooManyRequests(
  ctx: KoaContextWithOIDC,
  refusal: Extract<RateDecision, { allowed: false }>,
  error: string,
  description: string,
): void {
  const seconds = refusal.retryAfterSeconds ?? Math.ceil(refusal.limit.windowMs / 1000);
  ctx.status = 429;
  ctx.set('Retry-After', String(seconds));
  ctx.set('Cache-Control', 'no-store');
  ctx.body = {
    error,
    error_description: `${description} (limit ${refusal.limit.name}); retry in ${seconds} seconds`,
  };
}

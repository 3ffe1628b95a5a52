import { type Clock, epochSeconds } from '../lib/clock.js';

export const ACCESS_TOKEN_TTL_S = 3600;
export const DAY_S = 86_400;

/** Seconds a new refresh token may live: 30 days idle, capped at 90 days after the family began. */
export function refreshTokenTtl(familyStartedAt: number | undefined, now: number): number {
  const absoluteEnd = (familyStartedAt ?? now) + 90 * DAY_S;
  return Math.max(1, Math.min(30 * DAY_S, absoluteEnd - now));
}

/** How long each engine artefact lives (security-targets.md §1). */
export function tokenLifetimes(clock: Clock) {
  return {
    AccessToken: ACCESS_TOKEN_TTL_S,
    // security-targets.md §1: codes live 60 s.
    AuthorizationCode: 60,
    IdToken: ACCESS_TOKEN_TTL_S,
    Interaction: 3600,
    Session: 14 * DAY_S,
    // Each rotated refresh token lives 30 days idle, never past 90 days from the first one
    // (security-targets.md §1); the connection then needs a new sign-in.
    RefreshToken: (_ctx: unknown, token: { iiat?: number }) =>
      refreshTokenTtl(token.iiat, epochSeconds(clock)),
    Grant: 365 * DAY_S,
  };
}

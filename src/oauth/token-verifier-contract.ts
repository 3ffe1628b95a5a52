import type { Principal } from '../domain/principal.js';

/**
 * What the MCP endpoint needs from whoever issues tokens, and nothing more: `mcp/` imports only
 * this type from `oauth/`, so another issuer (an external IdP) can replace ours.
 */
export interface TokenVerifier {
  /** The token's principal if it is valid for `resource` right now (signature/lookup, expiry, audience, revocation). */
  verifyAccessToken(token: string, resource: string): Promise<VerifiedToken | undefined>;
}

export interface VerifiedToken {
  readonly principal: Principal;
  /** Seconds since the epoch. */
  readonly expiresAt: number;
}

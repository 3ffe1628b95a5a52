import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** SHA-256 hex: how tokens, codes and keys are stored at rest. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Constant-time comparison of two strings (lengths are compared on their digests). */
export function safeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}

function hkdf(root: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), `workonward-mcp/${purpose}`, 32));
}

/**
 * Purpose-specific keys derived (HKDF-SHA256) from the one root secret, so a key leaked for one
 * purpose (say, cursors) says nothing about another (cookies, keys at rest). An optional previous
 * root (WORKONWARD_MCP_OAUTH_SIGNING_KEY_PREVIOUS) still verifies and opens what it made, so an
 * operator can change the root without signing anyone out; everything new uses the current root.
 */
export class KeyRing {
  private readonly roots: readonly Buffer[];
  private readonly derived = new Map<string, readonly Buffer[]>();

  constructor(rootHex: string, previousHex?: string) {
    this.roots = [rootHex, ...(previousHex === undefined ? [] : [previousHex])].map((hex) =>
      Buffer.from(hex, 'hex'),
    );
  }

  /** True when a previous root is configured. */
  get hasPrevious(): boolean {
    return this.roots.length > 1;
  }

  /** The current root's key for `purpose`: what everything new is made with. */
  derive(purpose: string): Buffer {
    return this.deriveAll(purpose)[0] as Buffer;
  }

  /** The current key first, then the previous root's (when configured). */
  deriveAll(purpose: string): readonly Buffer[] {
    let keys = this.derived.get(purpose);
    if (keys === undefined) {
      keys = this.roots.map((root) => hkdf(root, purpose));
      this.derived.set(purpose, keys);
    }
    return keys;
  }

  hmac(purpose: string, data: string): string {
    return createHmac('sha256', this.derive(purpose)).update(data).digest('base64url');
  }

  /** Constant-time check of a MAC made by the current or the previous root. */
  hmacMatches(purpose: string, data: string, mac: string): boolean {
    let matched = false;
    for (const key of this.deriveAll(purpose))
      matched = safeEqual(createHmac('sha256', key).update(data).digest('base64url'), mac) || matched;
    return matched;
  }
}

/** Used only in development when no signing key is configured; production refuses to start without one. */
export const DEVELOPMENT_ROOT_KEY = '00'.repeat(32);

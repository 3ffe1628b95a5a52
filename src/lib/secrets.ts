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

/**
 * Purpose-specific keys derived (HKDF-SHA256) from the one root secret, so a key leaked for one
 * purpose (say, cursors) says nothing about another (cookies, keys at rest).
 */
export class KeyRing {
  private readonly root: Buffer;
  private readonly derived = new Map<string, Buffer>();

  constructor(rootHex: string) {
    this.root = Buffer.from(rootHex, 'hex');
  }

  derive(purpose: string): Buffer {
    let key = this.derived.get(purpose);
    if (key === undefined) {
      key = Buffer.from(hkdfSync('sha256', this.root, Buffer.alloc(0), `workonward-mcp/${purpose}`, 32));
      this.derived.set(purpose, key);
    }
    return key;
  }

  hmac(purpose: string, data: string): string {
    return createHmac('sha256', this.derive(purpose)).update(data).digest('base64url');
  }
}

/** Used only in development when no signing key is configured; production refuses to start without one. */
export const DEVELOPMENT_ROOT_KEY = '00'.repeat(32);

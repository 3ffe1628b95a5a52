import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { KeyRing } from '../lib/secrets.js';

/**
 * AES-256-GCM with a KeyRing-derived key, for what must be stored recoverable but never readable
 * from a database dump: signing keys, client secrets, grace-window token responses.
 * Format: `v1.<iv>.<tag>.<ciphertext>` (base64url). The purpose is bound as associated data.
 */
export class Sealer {
  private readonly keys: readonly Buffer[];

  constructor(
    keys: KeyRing,
    private readonly purpose: string,
  ) {
    this.keys = keys.deriveAll(`seal/${purpose}`);
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys[0] as Buffer, iv);
    cipher.setAAD(Buffer.from(this.purpose));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), body]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  /**
   * Throws when the value was not sealed for this purpose by the current or the previous root
   * (tampered, or sealed under a signing key that is no longer configured).
   */
  open(sealed: string): string {
    const opened = this.tryOpen(sealed);
    if (opened === undefined) throw new Error('not sealed under a configured key');
    return opened.plaintext;
  }

  /** The plaintext and which root opened it (`current` or `previous`), or undefined. */
  tryOpen(sealed: string): { plaintext: string; under: 'current' | 'previous' } | undefined {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || iv === undefined || tag === undefined || body === undefined) return undefined;
    for (const [index, key] of this.keys.entries()) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(this.purpose));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        const plaintext = Buffer.concat([
          decipher.update(Buffer.from(body, 'base64url')),
          decipher.final(),
        ]).toString('utf8');
        return { plaintext, under: index === 0 ? 'current' : 'previous' };
      } catch {
        // Not this key: try the next.
      }
    }
    return undefined;
  }
}

import type { KeyRing } from '../../lib/secrets.js';
import { invalidInput } from '../errors.js';

/**
 * Opaque, signed pagination cursors. A cursor is bound to its tenant, its list and its filter, so
 * it cannot be replayed against another tenant or another query, and a tampered one is refused.
 */
export class CursorCodec {
  constructor(private readonly keys: KeyRing) {}

  encode(tenantId: string, scope: string, position: unknown): string {
    const payload = Buffer.from(JSON.stringify(position)).toString('base64url');
    return `${payload}.${this.keys.hmac('cursor', `${tenantId}|${scope}|${payload}`)}`;
  }

  decode<T>(tenantId: string, scope: string, cursor: string): T {
    const [payload = '', mac = ''] = cursor.split('.');
    if (!this.keys.hmacMatches('cursor', `${tenantId}|${scope}|${payload}`, mac)) {
      throw invalidInput(
        'The cursor is not valid for this list and filter.',
        'Repeat the call with the same filters and the `next_cursor` from the previous page, or omit `cursor` to start over.',
      );
    }
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as T;
  }
}

import type { Clock } from '../../lib/clock.js';
import { type KeyRing, safeEqual } from '../../lib/secrets.js';
import type { Principal } from '../principal.js';

/** How long a shown change may be confirmed: long enough to read it, short enough to stay current. */
export const CHANGE_CONFIRM_TTL_MS = 15 * 60_000;

export type TokenCheck = 'ok' | 'expired' | 'mismatch';

/**
 * Stateless tokens that bind a confirmation to one exact change: an expiry and an HMAC over the
 * tenant, user, client, purpose and the change's digest (which covers the record's state when it
 * was shown). The server recomputes the digest from the record on the confirming call, so a token
 * confirms that change and nothing else — not another record, another status, another caller, or
 * the same change after the record moved on. Two purposes: the `change_id` a client passes back,
 * and the sealed `requestState` of a 2026-07-28 `input_required` round (MRTR §requestState MUST).
 */
export class ChangeTokens {
  constructor(
    private readonly keys: KeyRing,
    private readonly clock: Clock,
    private readonly ttlMs = CHANGE_CONFIRM_TTL_MS,
  ) {}

  mint(purpose: 'change_id' | 'request_state', principal: Principal, digest: string): string {
    const expires = this.clock.now().getTime() + this.ttlMs;
    return `chg_${expires.toString(36)}.${this.mac(purpose, principal, digest, expires)}`;
  }

  check(
    purpose: 'change_id' | 'request_state',
    principal: Principal,
    digest: string,
    token: string,
  ): TokenCheck {
    const match = /^chg_([0-9a-z]{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (match?.[1] === undefined || match[2] === undefined) return 'mismatch';
    const expires = parseInt(match[1], 36);
    if (!safeEqual(match[2], this.mac(purpose, principal, digest, expires))) return 'mismatch';
    return expires <= this.clock.now().getTime() ? 'expired' : 'ok';
  }

  private mac(purpose: string, principal: Principal, digest: string, expires: number): string {
    const who = [principal.tenantId, principal.userId ?? '', principal.clientId ?? ''].join('|');
    return this.keys.hmac(`crm-change/${purpose}`, `${who}|${digest}|${expires}`);
  }
}

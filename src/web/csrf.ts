import type { Context } from 'hono';
import { newSecretToken } from '../lib/ids.js';
import type { KeyRing } from '../lib/secrets.js';
import type { CookieJar } from './cookies.js';
import { fromOurSite } from './form-guard.js';

const COOKIE = 'wo_csrf';

/**
 * CSRF protection for every form: a random per-browser secret in an HttpOnly SameSite cookie,
 * and in each form its HMAC (so the form value alone is useless and the cookie is never exposed
 * to pages). A POST must carry both, and a present `Origin` must be ours.
 */
export function csrfGuard(keys: KeyRing, jar: CookieJar, issuer: string) {
  const origin = new URL(issuer).origin;
  const tokenFor = (secret: string) => keys.hmac('web/csrf', secret);
  // A secret minted during this request: the cookie it sets is not readable until the next one,
  // so a second token() call on a cookie-less request must reuse it, not mint another.
  const minted = new WeakMap<Context, string>();
  return {
    /** The form token for this browser, setting the cookie on first use. */
    token(c: Context): string {
      let secret = minted.get(c) ?? jar.get(c, COOKIE);
      if (secret === undefined || secret.length < 20) {
        secret = newSecretToken();
        jar.set(c, COOKIE, secret);
        minted.set(c, secret);
      }
      return tokenFor(secret);
    },
    verify(c: Context, submitted: unknown): boolean {
      if (!fromOurSite(c, origin)) return false;
      const secret = jar.get(c, COOKIE);
      if (secret === undefined || typeof submitted !== 'string' || submitted.length === 0) return false;
      return keys.hmacMatches('web/csrf', secret, submitted);
    },
  };
}

export type CsrfGuard = ReturnType<typeof csrfGuard>;

import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Config } from '../config/config.js';

/**
 * Cookies of the web pages. Over https they are `__Host-` prefixed and Secure (bound to this exact
 * origin, path /); on a plain-http loopback development issuer the prefix cannot be used, so the
 * bare name is used and everything else (HttpOnly, SameSite=Lax, Path=/) stays the same.
 */
export function cookieJar(config: Config) {
  const secure = new URL(config.oauth.issuer).protocol === 'https:';
  const nameOf = (base: string) => (secure ? `__Host-${base}` : base);
  return {
    get: (c: Context, base: string) => getCookie(c, nameOf(base)),
    set: (c: Context, base: string, value: string, maxAgeSeconds?: number) => {
      setCookie(c, nameOf(base), value, {
        path: '/',
        httpOnly: true,
        sameSite: 'Lax',
        secure,
        ...(maxAgeSeconds !== undefined && { maxAge: maxAgeSeconds }),
      });
    },
    clear: (c: Context, base: string) => {
      deleteCookie(c, nameOf(base), { path: '/', secure });
    },
  };
}

export type CookieJar = ReturnType<typeof cookieJar>;

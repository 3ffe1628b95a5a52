import type { Context, MiddlewareHandler } from 'hono';
import { isLoopbackHost } from '../config/loopback.js';
import { clientIp } from '../oauth/oauth-routes.js';
import { cookieJar } from './cookies.js';
import { csrfGuard } from './csrf.js';
import { signInCodes } from './sign-in-codes.js';
import type { WebDeps } from './web-deps.js';
import { webSessions } from './web-sessions.js';

/** The per-process helpers every page route uses. */
export function webKit(deps: WebDeps) {
  const jar = cookieJar(deps.config);
  return {
    jar,
    csrf: csrfGuard(deps.keys, jar, deps.config.oauth.issuer),
    sessions: webSessions(deps.db, deps.clock, jar),
    codes: signInCodes(deps.db, deps.clock, deps.keys),
    // Development without SMTP keeps mail on the machine; the mailbox that shows it (sign-in codes
    // included) exists only on a loopback bind, so no other machine can read it.
    devMailbox:
      deps.config.env === 'development' &&
      deps.config.mail.smtpUrl === undefined &&
      isLoopbackHost(deps.config.http.host),
    clientIp: (c: Context) => clientIp(c, deps.config.http.behindProxy),
  };
}

export type WebKit = ReturnType<typeof webKit>;

/** The signed-in user and what a settings page shows of them (email, CSRF token), or undefined. */
export async function signedInView(kit: WebKit, c: Context) {
  const user = await kit.sessions.current(c);
  return user === undefined ? undefined : { user, view: { email: user.email, csrf: kit.csrf.token(c) } };
}

/** To the sign-in page, coming back here afterwards. */
export function toLogin(c: Context): Response {
  return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`, 303);
}

/** Where to go after signing in: a path on this server only (never `//host` or `/\host`). */
export function safeNext(value: unknown, fallback = '/settings/developer/connected-apps'): string {
  if (
    typeof value !== 'string' ||
    !value.startsWith('/') ||
    value.startsWith('//') ||
    value.startsWith('/\\')
  )
    return fallback;
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\\]/.test(value) ? fallback : value;
}

/** Headers of every HTML page: no framing, no caching, nothing loaded from anywhere but here. */
export const pageHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.header(
    'Content-Security-Policy',
    "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'",
  );
  c.header('X-Frame-Options', 'DENY');
  c.header('X-Content-Type-Options', 'nosniff');
  // same-origin, not no-referrer: browsers send `Origin: null` on form posts under no-referrer.
  c.header('Referrer-Policy', 'same-origin');
  c.header('Cache-Control', 'no-store');
};

export async function formOf(c: Context): Promise<Record<string, string | string[]>> {
  const body = await c.req.parseBody({ all: true });
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string') out[key] = value;
    else if (Array.isArray(value)) out[key] = value.filter((v): v is string => typeof v === 'string');
  }
  return out;
}

export function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** A field that must appear exactly once (the CSRF token): a repeated field counts as missing. */
export function only(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? undefined : value;
}

export function many(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

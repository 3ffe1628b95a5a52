import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { FormRefusedPage, MessagePage } from './sign-in-pages.js';

/** Every page form is a few short fields; 16 KiB is far above the largest (consent, narrow). */
export const FORM_BODY_LIMIT = 16 * 1024;

/**
 * Whether a browser says this request comes from a page of ours: a present `Origin` must be
 * exactly the issuer's origin and a present `Sec-Fetch-Site` must be same-origin (or none, typed
 * into the address bar). Absent headers pass; the CSRF token still has to match.
 */
export function fromOurSite(c: Context, origin: string): boolean {
  const requestOrigin = c.req.header('origin');
  if (requestOrigin !== undefined && requestOrigin !== origin) return false;
  const fetchSite = c.req.header('sec-fetch-site');
  return fetchSite === undefined || fetchSite === 'same-origin' || fetchSite === 'none';
}

/**
 * The edge of every page route, before any body is read: a cross-site POST is refused (403)
 * without reading a byte, and a body over FORM_BODY_LIMIT is refused (413) while it streams in,
 * so no form can make the process buffer more than the limit. The CSRF token is checked after
 * parsing, by the route.
 */
export function formGuard(issuer: string): MiddlewareHandler {
  const origin = new URL(issuer).origin;
  const limit = bodyLimit({
    maxSize: FORM_BODY_LIMIT,
    onError: (c) =>
      c.html(
        <MessagePage title="Request too large" message="That form was larger than any form of ours." />,
        413,
        { Connection: 'close' },
      ),
  });
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    if (!fromOurSite(c, origin)) return c.html(<FormRefusedPage />, 403, { Connection: 'close' });
    return limit(c, next);
  };
}

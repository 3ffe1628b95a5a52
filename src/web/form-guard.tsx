import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { NUL, NUL_NAME, unfitInput } from '../lib/nul-text.js';
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
 * so no form can make the process buffer more than the limit. A NUL character in the path, the
 * query or a form field is refused (400) before any route looks at it. The CSRF token is checked
 * after parsing, by the route.
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
    if (c.req.method === 'GET' || c.req.method === 'HEAD')
      return nulInUrl(c.req.url) ? nulRefused(c) : next();
    if (!fromOurSite(c, origin)) return c.html(<FormRefusedPage />, 403, { Connection: 'close' });
    return limit(c, async () => {
      if (nulInUrl(c.req.url) || (await nulInForm(c))) c.res = await nulRefused(c);
      else await next();
    });
  };
}

/** A NUL character (`%00`) in the path or the query string (finding 10 of issue 9). */
function nulInUrl(raw: string): boolean {
  const url = new URL(raw);
  if (/%00/.test(url.pathname) || url.pathname.includes(NUL)) return true;
  return unfitInput([...url.searchParams], 'query') !== undefined;
}

/** A NUL character in a form field's name or value; the parsed form is kept for the route. */
async function nulInForm(c: Context): Promise<boolean> {
  const type = c.req.header('content-type') ?? '';
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) return false;
  return unfitInput(await c.req.parseBody({ all: true }), 'form') !== undefined;
}

function nulRefused(c: Context): Response | Promise<Response> {
  return c.html(
    <MessagePage
      title="Bad request"
      message={`The address or a form field contained ${NUL_NAME}, which no page of ours accepts. Go back and try again without it.`}
    />,
    400,
  );
}

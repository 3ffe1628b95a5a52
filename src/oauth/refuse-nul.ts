import type { Middleware } from 'oidc-provider';
import { NUL, NUL_NAME, unfitInput } from '../lib/nul-text.js';
import { errorPage } from './error-page.js';
import { bodyOf } from './request-body.js';

/**
 * A NUL character in any OAuth parameter (query, form or JSON body, or the path) is refused as
 * `invalid_request` before the engine looks a client, code or token up (finding 10 of issue 9):
 * 400 at the authorization server, an HTML page for the authorization endpoint (it never
 * redirects on a request it cannot trust) and an OAuth error body elsewhere. Runs after
 * `readBodiesOnce`, on the body every later step sees.
 */
export const refuseNul: Middleware = async (ctx, next) => {
  const url = new URL(ctx.req.url ?? '/', 'http://request.invalid');
  const where =
    url.pathname.includes(NUL) || /%00/.test(url.pathname)
      ? 'the path'
      : unfitInput([...url.searchParams], 'query') !== undefined
        ? 'a query parameter'
        : unfitInput(bodyOf(ctx), 'body') !== undefined
          ? 'a body parameter'
          : undefined;
  if (where === undefined) return next();
  const description = `${where} contains ${NUL_NAME}`;
  const error = ctx.path === '/oauth/register' ? 'invalid_client_metadata' : 'invalid_request';
  ctx.status = 400;
  ctx.set('Cache-Control', 'no-store');
  if (ctx.path === '/oauth/authorize') {
    ctx.set('Content-Type', 'text/html; charset=utf-8');
    ctx.body = errorPage(error, description);
  } else ctx.body = { error, error_description: description };
};

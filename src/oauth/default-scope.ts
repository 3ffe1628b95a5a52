import { errors, type Middleware } from 'oidc-provider';
import { ALL_SCOPES, isScope } from '../domain/scopes.js';
import { errorPage } from './error-page.js';

/**
 * An authorization request that names none of our scopes (ChatGPT sends no `scope` on reconnect,
 * A12) asks for the full set; the consent page then lets the user pick, with only the low- and
 * medium-risk ones pre-checked. Without this the engine would issue a token with no scopes at all.
 */
export function defaultScope(
  findClient: (id: string) => Promise<{ scope?: string } | undefined>,
): Middleware {
  return async (ctx, next) => {
    if (ctx.path === '/oauth/authorize' && ctx.method === 'GET') {
      const url = new URL(ctx.req.url ?? '/', 'http://placeholder');
      const requested = (url.searchParams.get('scope') ?? '').split(' ').filter((s) => s.length > 0);
      if (!requested.some(isScope)) {
        // A client that registered a `scope` gets that set; others get the full set.
        const clientId = url.searchParams.get('client_id');
        const client = clientId === null ? undefined : await findClient(clientId).catch(unlessEngineRefusal);
        const registered = (client?.scope ?? '').split(' ').filter(isScope);
        const fallback = registered.length > 0 ? registered : ALL_SCOPES;
        url.searchParams.set('scope', [...requested, ...fallback].join(' '));
        ctx.req.url = `${url.pathname}${url.search}`;
        (ctx as unknown as { url: string }).url = ctx.req.url;
      }
    }
    return next();
  };
}

/**
 * A client the engine refuses (unknown, invalid metadata, a metadata document that failed to
 * fetch) gets the full set here and the engine's own error a step later. Anything else — the
 * store down — is a server fault: guessing a scope set for a client we could not read would
 * offer more than it registered.
 */
function unlessEngineRefusal(error: unknown): undefined {
  if (error instanceof errors.OIDCProviderError) return undefined;
  throw error;
}

/**
 * Only `response_type=code` with the query response mode: an error for any other combination
 * would travel in a fragment or an auto-posting form to a not-yet-trusted redirect URI, which is
 * an open redirector (RFC 9700 §4.11.2). Such requests get the error page here instead.
 */
export const codeFlowOnly: Middleware = async (ctx, next) => {
  if (ctx.path === '/oauth/authorize' && (ctx.method === 'GET' || ctx.method === 'POST')) {
    const query = new URL(ctx.req.url ?? '/', 'http://placeholder').searchParams;
    const responseType = query.get('response_type');
    const responseMode = query.get('response_mode');
    if (
      ctx.method === 'POST' ||
      (responseType !== null && responseType !== 'code') ||
      (responseMode !== null && responseMode !== 'query')
    ) {
      ctx.status = 400;
      ctx.set('Content-Type', 'text/html; charset=utf-8');
      ctx.body = errorPage(
        'unsupported_response_type',
        'Only the authorization code flow with the query response mode is supported.',
      );
      return;
    }
  }
  await next();
};

/** The metadata documents say what codeFlowOnly lets through: the engine lists every mode it knows. */
export const advertiseCodeFlowOnly: Middleware = async (ctx, next) => {
  await next();
  const isMetadata =
    ctx.path === '/.well-known/oauth-authorization-server' ||
    ctx.path === '/.well-known/openid-configuration';
  if (isMetadata && ctx.status === 200 && typeof ctx.body === 'object' && ctx.body !== null)
    (ctx.body as Record<string, unknown>).response_modes_supported = ['query'];
};

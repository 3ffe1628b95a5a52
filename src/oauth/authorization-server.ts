import Provider, { type Middleware } from 'oidc-provider';
import type { Config } from '../config/config.js';
import { type Clock, epochMs } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { KeyRing } from '../lib/secrets.js';
import type { TokenVerifier } from './token-verifier-contract.js';
import type { Store } from '../store/open-store.js';
import { auditGrant, installAuditHooks, revocationAudit } from './audit-hooks.js';
import { clientAuthThrottle } from './client-auth-throttle.js';
import { introspectionFromConnection } from './introspection-view.js';
import { advertiseCodeFlowOnly, codeFlowOnly, defaultScope } from './default-scope.js';
import { errorPage } from './error-page.js';
import { loadSigningKeys } from './key-store.js';
import { type MetadataFetchOptions, metadataFetch } from './metadata-fetch.js';
import { providerConfiguration } from './provider-config.js';
import { RateLimiter } from '../domain/limits/rate-limiter.js';
import { installRefreshGrace } from './refresh-grace.js';
import { readBodiesOnce } from './request-body.js';
import { refuseNul } from './refuse-nul.js';
import { registrationPolicy } from './registration-policy.js';
import { Sealer } from './sealed.js';
import { logKeyChange, reconcileSigningKeyChange } from './signing-key-change.js';
import { purgeExpired, sqlAdapterFactory } from './sql-adapter.js';
import { storedTokenVerifier } from './token-verifier.js';

export interface AuthorizationServerDeps {
  readonly config: Config;
  readonly store: Store;
  readonly keys: KeyRing;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** Test-only seams; production never passes these. */
export interface AuthorizationServerOptions {
  /** Lets tests reach a local https fixture as a Client ID Metadata Document host. */
  readonly metadataFetch?: MetadataFetchOptions;
  /** Registrations allowed per client IP per minute (default 20, A9); suites that register many clients raise it. */
  readonly registrationsPerMinute?: number;
  /** Sign-in codes sent per address per 10 minutes (default 5); suites that sign in repeatedly raise it. */
  readonly signInCodesPerAddress?: number;
  /** Failed client authentications per client id per minute before 429 (default 10). */
  readonly failedClientAuthsPerMinute?: number;
}

export interface AuthorizationServer {
  readonly provider: Provider;
  readonly verifier: TokenVerifier;
  /** Stops the periodic purge of expired rows. */
  close(): void;
}

/**
 * Errors raised before the user has authenticated render at the authorization server and never
 * redirect (RFC 9700 §4.11.2): an attacker who registers a client cannot use us as a redirector.
 */
const noRedirectBeforeSignIn: Middleware = async (ctx, next) => {
  await next();
  if (ctx.path !== '/oauth/authorize' || (ctx.status !== 302 && ctx.status !== 303)) return;
  const location = String(ctx.res.getHeader('location') ?? '');
  const params = URL.parse(location)?.searchParams;
  if (params?.has('error') !== true) return;
  ctx.res.removeHeader('location');
  ctx.status = 400;
  ctx.set('Content-Type', 'text/html; charset=utf-8');
  ctx.body = errorPage(params.get('error') ?? 'error', params.get('error_description') ?? '');
};

/** Every authorization-server page forbids framing and caching. */
const pageHeaders: Middleware = async (ctx, next) => {
  await next();
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
  if (!ctx.path.startsWith('/.well-known/')) {
    ctx.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
    ctx.set('Cache-Control', 'no-store');
  }
};

export async function createAuthorizationServer(
  deps: AuthorizationServerDeps,
  options: AuthorizationServerOptions = {},
): Promise<AuthorizationServer> {
  const { config, store, keys, clock, logger } = deps;
  const db = store.db;
  const issuer = config.oauth.issuer;
  const change = await reconcileSigningKeyChange(db, keys, clock);
  if (change !== undefined) logKeyChange(logger, change, keys.hasPrevious);
  const jwks = await loadSigningKeys(db, new Sealer(keys, 'oauth-signing-keys'), clock);
  const provider = new Provider(
    issuer,
    providerConfiguration({
      issuer,
      db,
      keys,
      jwks,
      adapter: sqlAdapterFactory(db, new Sealer(keys, 'oauth-client-secrets'), clock),
      clock,
      fetch: metadataFetch(options.metadataFetch),
    }),
  );
  // The HTTP edge rewrites X-Forwarded-* from configuration (issuer host and scheme) and the
  // trusted client IP, so the engine may read them.
  provider.proxy = true;
  const audit = { db, clock, logger };
  provider.use(pageHeaders);
  provider.use(readBodiesOnce());
  provider.use(refuseNul);
  provider.use(noRedirectBeforeSignIn);
  provider.use(codeFlowOnly);
  provider.use(advertiseCodeFlowOnly);
  provider.use(defaultScope((id) => provider.Client.find(id)));
  const limit = (name: string, perMinute: number) =>
    new RateLimiter(db, clock, { name, limit: perMinute, windowMs: 60_000 });
  provider.use(registrationPolicy(limit('registrations', options.registrationsPerMinute ?? 20)));
  provider.use(clientAuthThrottle(limit('client-auth-failures', options.failedClientAuthsPerMinute ?? 10)));
  installRefreshGrace(provider, {
    db,
    sealer: new Sealer(keys, 'oauth-refresh-replays'),
    clock,
    graceMs: config.oauth.refreshGraceSeconds * 1000,
    onReuse: (ctx, grantId) =>
      auditGrant(audit, grantId, {
        action: 'oauth.refresh_reuse',
        decision: 'denied',
        reason: 'consumed refresh token presented after the grace window',
        clientId: ctx.oidc?.client?.clientId ?? null,
      }),
  });
  provider.use(revocationAudit(audit));
  provider.use(introspectionFromConnection(db));
  installAuditHooks(provider, audit);
  const purge = setInterval(() => {
    purgeExpired(db, epochMs(clock)).catch((error: unknown) => {
      logger.debug({ err: error }, 'purge of expired authorization state failed');
    });
  }, 10 * 60_000);
  purge.unref();
  return {
    provider,
    verifier: storedTokenVerifier(store, issuer, clock),
    close: () => {
      clearInterval(purge);
    },
  };
}

import type { Hono } from 'hono';
import { ensureFirstTenant } from './domain/accounts/first-run.js';
import { grantableScopes, isScope } from './domain/scopes.js';
import {
  bearerToken,
  toolScopeChallenge,
  type Authenticate,
  type ScopeChallenge,
} from './mcp/authenticate.js';
import { missingScopeError } from './mcp/tool-results.js';
import { type AuthorizationServerOptions, createAuthorizationServer } from './oauth/authorization-server.js';
import { mountAuthorizationServer } from './oauth/oauth-routes.js';
import { protectedResourceMetadataUrl } from './oauth/resources.js';
import type { Runtime } from './runtime.js';
import { mountWebPages } from './web/web-routes.js';

export interface OAuthMode {
  readonly authenticate: Authenticate;
  /** 403 insufficient_scope for a tool beyond the grant, decided on the parsed request. */
  readonly scopeChallenge: ScopeChallenge;
  /** Mounts the pages and the authorization server on the app (before its generic middleware). */
  readonly mount: (app: Hono) => void;
  readonly close: () => void;
}

/**
 * `WORKONWARD_MCP_AUTH=oauth`: the built-in authorization server, its pages, and the MCP
 * endpoint's bearer-token gate (401 with the RFC 9728 pointer; 403 `insufficient_scope` for a
 * tool beyond the grant). The MCP layer sees only the TokenVerifier through `bearerToken`.
 */
export async function oauthMode(
  runtime: Runtime,
  options: AuthorizationServerOptions = {},
): Promise<OAuthMode> {
  const { config, store, keys, clock, logger, backgroundMail } = runtime;
  const issuer = config.oauth.issuer;
  if (config.oauth.allowedEmails.length > 0) {
    // Embedded mode: an empty store gets its first tenant, so listed addresses can sign in at once.
    const created = await ensureFirstTenant(store.db, clock, config.oauth.firstTenantName);
    if (created !== undefined)
      logger.info(
        { event: 'tenant.first_created', tenant: created.slug },
        `created the first tenant "${created.name}" (${created.slug}) on an empty store; addresses in WORKONWARD_MCP_OAUTH_ALLOWED_EMAILS join it on their first sign-in`,
      );
  }
  const server = await createAuthorizationServer({ config, store, keys, clock, logger }, options);
  const metadataUrl = (resource: string) => protectedResourceMetadataUrl(issuer, resource);
  const scopesOf = new Map(runtime.surface.tools.map((tool) => [tool.name, tool.scopes]));
  const authenticate = bearerToken(server.verifier, (resource) => ({
    metadataUrl: metadataUrl(resource),
    scope: grantableScopes(config.mail.batchEnabled).join(' '),
  }));
  const scopeChallenge = toolScopeChallenge(
    (name) => scopesOf.get(name),
    metadataUrl,
    (tool, missing) => missingScopeError(tool, missing.filter(isScope)),
  );
  return {
    authenticate,
    scopeChallenge,
    close: () => {
      server.close();
    },
    mount(app) {
      mountWebPages(app, {
        config,
        db: store.db,
        clock,
        keys,
        logger,
        backgroundMail,
        signInMail: runtime.signInMail,
        provider: server.provider,
        ...(options.signInCodesPerAddress !== undefined && {
          signInCodesPerAddress: options.signInCodesPerAddress,
        }),
      });
      mountAuthorizationServer(app, {
        provider: server.provider,
        issuer,
        behindProxy: config.http.behindProxy,
      });
    },
  };
}

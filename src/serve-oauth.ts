import type { Hono } from 'hono';
import { grantableScopes, isScope } from './domain/scopes.js';
import {
  bearerToken,
  toolScopeChallenge,
  type Authenticate,
  type ScopeChallenge,
} from './mcp/authenticate.js';
import { missingScopeError } from './mcp/tool-results.js';
import { prepareFirstTenant } from './first-tenant.js';
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
  const { config, store, keys, clock, logger, signInQueue } = runtime;
  const issuer = config.oauth.issuer;
  const stopFirstTenant = await prepareFirstTenant(runtime);
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
      stopFirstTenant();
      server.close();
    },
    mount(app) {
      mountWebPages(app, {
        config,
        db: store.db,
        asTenant: store.asTenant,
        clock,
        keys,
        logger,
        signInQueue,
        signInMail: runtime.signInMail,
        frontAccount: runtime.backendAccount,
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

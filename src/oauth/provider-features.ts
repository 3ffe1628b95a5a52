import { errors } from 'oidc-provider';
import { ALL_SCOPES } from '../domain/scopes.js';
import { acceptableRedirectUri } from './redirect-uris.js';
import { isOurResource, normalizeResource } from './resources.js';
import { ACCESS_TOKEN_TTL_S, DAY_S } from './token-lifetimes.js';

/** What the engine lets us see of a client when it asks a policy question. */
export interface ClientLike {
  readonly redirectUris: readonly string[];
  grantTypeAllowed(type: string): boolean;
}

/** The engine's features, each on or off on purpose, with the policy the enabled ones ask of us. */
export function engineFeatures(issuer: string) {
  return {
    devInteractions: { enabled: false },
    registration: { enabled: true },
    revocation: { enabled: true },
    introspection: {
      enabled: true,
      // A client learns only about its own tokens; anything else is exactly {"active":false}.
      allowedPolicy: (_ctx: unknown, client: { clientId: string }, token: { clientId?: string }) =>
        Promise.resolve(token.clientId === client.clientId),
    },
    userinfo: { enabled: true },
    rpInitiatedLogout: { enabled: false },
    // Off, not half-on: the MCP endpoint accepts only Bearer tokens, so a DPoP-bound token would
    // not be held to its key there; and pushed requests would skip the authorize-time policy.
    dPoP: { enabled: false },
    pushedAuthorizationRequests: { enabled: false },
    clientIdMetadataDocument: {
      enabled: true,
      ack: 'draft-02',
      cacheDuration: { min: 60, max: DAY_S },
      // The redirect-URI policy registration applies (issue 9, finding 6). A registration drops
      // what it cannot accept; a document cannot be corrected on the way in, so one
      // unacceptable URI refuses the client.
      allowClient: (_ctx: unknown, client: ClientLike) =>
        Promise.resolve(client.redirectUris.every(acceptableRedirectUri)),
    },
    resourceIndicators: {
      enabled: true,
      // The canonical MCP URL when a client sends no `resource` (A6).
      defaultResource: () => `${issuer}/mcp`,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx: unknown, resourceIndicator: string) => {
        if (!isOurResource(issuer, resourceIndicator))
          throw new errors.InvalidTarget('resource is not served by this authorization server');
        return {
          scope: ALL_SCOPES.join(' '),
          audience: normalizeResource(resourceIndicator),
          accessTokenTTL: ACCESS_TOKEN_TTL_S,
          accessTokenFormat: 'opaque',
        };
      },
    },
  };
}

import type { JWK } from 'jose';
import type { Kysely } from 'kysely';
import { type Adapter, type KoaContextWithOIDC, errors, interactionPolicy } from 'oidc-provider';
import { ALL_SCOPES } from '../domain/scopes.js';
import { type Clock, epochSeconds } from '../lib/clock.js';
import type { KeyRing } from '../lib/secrets.js';
import { accountsRepository } from '../store/accounts-repository.js';
import type { Database } from '../store/schema.js';
import { errorPage } from './error-page.js';
import { acceptableRedirectUri } from './redirect-uris.js';
import { isOurResource, normalizeResource } from './resources.js';

export interface ProviderSettings {
  readonly issuer: string;
  readonly db: Kysely<Database>;
  readonly keys: KeyRing;
  readonly jwks: { keys: JWK[] };
  readonly adapter: (model: string) => Adapter;
  readonly clock: Clock;
  /** The fetch used for Client ID Metadata Documents (SSRF-hardened; tests inject a fixture-aware one). */
  readonly fetch: (url: string, options: RequestInit) => Promise<Response>;
}

export const ACCESS_TOKEN_TTL_S = 3600;
const DAY_S = 86_400;

/** Seconds a new refresh token may live: 30 days idle, capped at 90 days after the family began. */
export function refreshTokenTtl(familyStartedAt: number | undefined, now: number): number {
  const absoluteEnd = (familyStartedAt ?? now) + 90 * DAY_S;
  return Math.max(1, Math.min(30 * DAY_S, absoluteEnd - now));
}
export const OIDC_SCOPES = ['openid', 'email', 'profile'] as const;

interface ClientLike {
  readonly redirectUris: readonly string[];
  grantTypeAllowed(type: string): boolean;
}

/**
 * Always ask: a login confirmation from our own web session and a consent decision on every new
 * authorization (a new client, a new tenant choice or new scopes each need the user). The engine
 * re-runs the policy after each interaction; a submitted result satisfies its check.
 */
function policy() {
  const { Check } = interactionPolicy;
  const prompts = interactionPolicy.base();
  prompts
    .get('login')
    ?.checks.push(
      new Check('web_session', 'sign-in confirmation required', (ctx) =>
        ctx.oidc?.result?.login === undefined ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT,
      ),
    );
  prompts
    .get('consent')
    ?.checks.push(
      new Check('per_authorization_consent', 'consent required', (ctx) =>
        ctx.oidc?.result?.consent === undefined ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT,
      ),
    );
  return prompts;
}

/**
 * The engine's cookies are path-scoped (an interaction's own path), so `__Host-` is impossible;
 * over https they are `__Secure-` prefixed, which a plain-http page can neither set nor overwrite.
 */
function engineCookieNames(issuer: string) {
  const prefix = new URL(issuer).protocol === 'https:' ? '__Secure-' : '';
  return {
    session: `${prefix}wo_oauth_session`,
    interaction: `${prefix}wo_interaction`,
    resume: `${prefix}wo_interaction_resume`,
  };
}

/** oidc-provider configuration: only policy here, the protocol is the engine's. */
export function providerConfiguration(settings: ProviderSettings): Record<string, unknown> {
  const { issuer, db } = settings;
  return {
    adapter: settings.adapter,
    jwks: settings.jwks,
    fetch: settings.fetch,
    fetchResponseBodyLimits: {
      'client_id metadata document': 16 * 1024,
      jwks_uri: 64 * 1024,
      sector_identifier_uri: 16 * 1024,
    },
    routes: {
      authorization: '/oauth/authorize',
      token: '/oauth/token',
      registration: '/oauth/register',
      revocation: '/oauth/revoke',
      introspection: '/oauth/introspect',
      jwks: '/oauth/jwks',
      userinfo: '/oauth/userinfo',
      end_session: '/oauth/logout',
      pushed_authorization_request: '/oauth/par',
      code_verification: '/oauth/device',
      device_authorization: '/oauth/device/auth',
      backchannel_authentication: '/oauth/backchannel',
      challenge: '/oauth/challenge',
      credential: '/oauth/credential',
    },
    // Our scopes are listed here too (discovery, and the `scope` clients send at registration or in
    // metadata documents must validate); consent records them on both sides of the grant.
    scopes: ['openid', 'offline_access', 'email', 'profile', ...ALL_SCOPES],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    responseTypes: ['code'],
    clientAuthMethods: ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      id_token_signed_response_alg: 'RS256',
    },
    allowOmittingSingleRegisteredRedirectUri: false,
    pkce: { required: () => true },
    cookies: {
      // The first key signs; a previous signing key's still verifies (a key change signs no one out).
      keys: settings.keys.deriveAll('oauth/cookies').map((key) => key.toString('base64url')),
      names: engineCookieNames(issuer),
      long: { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    ttl: {
      AccessToken: ACCESS_TOKEN_TTL_S,
      // security-targets.md §1: codes live 60 s.
      AuthorizationCode: 60,
      IdToken: ACCESS_TOKEN_TTL_S,
      Interaction: 3600,
      Session: 14 * DAY_S,
      // Each rotated refresh token lives 30 days idle, never past 90 days from the first one
      // (security-targets.md §1); the connection then needs a new sign-in.
      RefreshToken: (_ctx: unknown, token: { iiat?: number }) =>
        refreshTokenTtl(token.iiat, epochSeconds(settings.clock)),
      Grant: 365 * DAY_S,
    },
    rotateRefreshToken: true,
    // A.12: Claude and ChatGPT never ask for offline_access; every code-flow client may refresh.
    issueRefreshToken: (_ctx: unknown, client: ClientLike) =>
      Promise.resolve(client.grantTypeAllowed('refresh_token')),
    // Never reuse an earlier grant of the browser session: each authorization gets its own consent.
    loadExistingGrant: (ctx: {
      oidc: {
        result?: { consent?: { grantId?: string } };
        provider: { Grant: { find(id: string): Promise<unknown> } };
      };
    }) => {
      const grantId = ctx.oidc.result?.consent?.grantId;
      return grantId === undefined ? Promise.resolve(undefined) : ctx.oidc.provider.Grant.find(grantId);
    },
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) => `/oauth/interaction/${interaction.uid}`,
      policy: policy(),
    },
    findAccount: async (_ctx: unknown, sub: string) => {
      const user = await accountsRepository(db).findUserById(sub);
      if (user === undefined) return undefined;
      return {
        accountId: user.id,
        claims: () => ({ sub: user.id, email: user.email, email_verified: true, name: user.name }),
      };
    },
    renderError: (ctx: KoaContextWithOIDC, out: Record<string, string>) => {
      ctx.set('Content-Type', 'text/html; charset=utf-8');
      ctx.body = errorPage(
        out.error ?? 'error',
        out.error_description ?? 'The request could not be processed.',
      );
    },
    clientBasedCORS: () => true,
    features: {
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
    },
  };
}
